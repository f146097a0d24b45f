import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as customers from '../../core/customers.ts';
import type { CustomerInput, CustomerView } from '../../core/customers.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { addressFields } from '../platform/fields.ts';
import { dataEnvelope, dataExample, idParams, pageExample, pageQuery, pagination, updatedSince } from './common.ts';

// A CRM API client is a Motors CRM customer, shown in snake_case as the CRM document's examples are.
const address = z.strictObject(addressFields('postal_code'));

const clientInput = z.strictObject({
  type: z.enum(['person', 'company']).optional(),
  name: z.string().trim().min(1).max(200).optional().meta({ description: 'Full name; split into first and last name when those are not given.' }),
  first_name: z.string().trim().max(100).nullable().optional(),
  last_name: z.string().trim().max(100).nullable().optional(),
  company_name: z.string().trim().max(200).nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  mobile: z.string().trim().max(40).nullable().optional(),
  address: address.nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
  notes: z.string().max(10_000).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const clientCreate = clientInput.meta({
  example: { name: 'Amelia Hart', email: 'amelia.hart@example.com', phone: '+44 113 496 0000', tags: ['fleet'] },
});

const client = z
  .object({
    id: z.string(),
    type: z.enum(['person', 'company']),
    name: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    company_name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    mobile: z.string().nullable(),
    address: z.record(z.string(), z.string()).nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: 'CrmClient',
    example: {
      id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      type: 'person',
      name: 'Amelia Hart',
      first_name: 'Amelia',
      last_name: 'Hart',
      company_name: null,
      email: 'amelia.hart@example.com',
      phone: '+44 113 496 0000',
      mobile: null,
      address: null,
      tags: ['fleet'],
      notes: null,
      metadata: {},
      created_at: '2026-01-15T10:30:00.000Z',
      updated_at: '2026-01-15T10:30:00.000Z',
    },
  });

export function toClient(c: CustomerView): z.output<typeof client> {
  const { postalCode, ...rest } = (c.address ?? {}) as Record<string, string>;
  return {
    id: c.id,
    type: c.type,
    name: c.displayName,
    first_name: c.firstName,
    last_name: c.lastName,
    company_name: c.companyName,
    email: c.email,
    phone: c.phone,
    mobile: c.mobile,
    address: c.address ? { ...rest, ...(postalCode ? { postal_code: postalCode } : {}) } : null,
    tags: c.tags,
    notes: c.notes,
    metadata: c.metadata,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

function fromClient(body: z.output<typeof clientInput>): CustomerInput {
  const out: CustomerInput = {
    type: body.type,
    firstName: body.first_name,
    lastName: body.last_name,
    companyName: body.company_name,
    email: body.email,
    phone: body.phone,
    mobile: body.mobile,
    tags: body.tags,
    notes: body.notes,
    metadata: body.metadata,
  };
  if (body.address !== undefined) {
    const { postal_code, ...rest } = body.address ?? {};
    out.address = body.address === null ? null : { ...rest, ...(postal_code ? { postalCode: postal_code } : {}) };
  }
  if (body.name && body.first_name === undefined && body.last_name === undefined) {
    if (body.type === 'company') out.companyName ??= body.name;
    else {
      const [first, ...last] = body.name.split(/\s+/);
      out.firstName = first;
      out.lastName = last.join(' ') || null;
    }
  }
  return out;
}

export function registerClients(app: FastifyInstance, deps: Deps) {
  const tags = ['CRM API'];
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/clients',
    scope: 'clients:read',
    summary: 'List clients',
    description: 'Newest first. Filter with `search` (name or email), `email`, `updated_since`.',
    tags,
    querystring: z.strictObject({
      ...pageQuery,
      search: z.string().max(200).optional(),
      email: z.string().max(254).optional(),
      updated_since: updatedSince,
    }),
    responses: { 200: pageExample(client) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await customers.searchCustomers(ctx, {
        page: query.page,
        limit: query.limit,
        search: query.search,
        email: query.email,
        updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
      });
      return { body: { data: rows.map((r) => toClient(customers.customerView(r))), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/clients/:id',
    scope: 'clients:read',
    summary: 'Get a client',
    tags,
    params: idParams,
    responses: { 200: dataExample(client) },
    handler: async (ctx, { params }) => ({ body: { data: toClient(await customers.getCustomer(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/clients',
    scope: 'clients:write',
    summary: 'Create a client',
    tags,
    body: clientCreate,
    responses: { 201: dataExample(client) },
    handler: async (ctx, { body }) => ({ status: 201, body: { data: toClient(await customers.createCustomer(ctx, { source: 'crm-api', ...fromClient(body) })) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'PUT',
    path: '/clients/:id',
    scope: 'clients:write',
    summary: 'Update a client',
    description: 'Partial update: omitted fields keep their values.',
    tags,
    params: idParams,
    body: clientInput.meta({ example: { phone: '+44 113 496 0001', tags: ['fleet', 'vip'] } }),
    responses: { 200: dataExample(client) },
    handler: async (ctx, { params, body }) => ({ body: { data: toClient(await customers.updateCustomer(ctx, params.id, fromClient(body))) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'DELETE',
    path: '/clients/:id',
    scope: 'clients:write',
    summary: 'Delete a client',
    description:
      'Soft delete: the client disappears from every API (and can no longer be referenced by new invoices or quotes), fires `crm.customers.deleted`, and can be restored from the dashboard for 30 days. A client with open (draft or sent) invoices is refused with 409: mark them paid or void first.',
    tags,
    params: idParams,
    responses: {
      200: dataEnvelope(z.object({ id: z.string(), deleted: z.literal(true), deleted_at: z.string() })).meta({
        example: { data: { id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11', deleted: true, deleted_at: '2026-01-16T08:00:00.000Z' } },
      }),
    },
    handler: async (ctx, { params }) => {
      const deleted = await customers.deleteCustomer(ctx, params.id);
      return { body: { data: { id: deleted.id, deleted: true as const, deleted_at: deleted.deletedAt! } } };
    },
  });
}
