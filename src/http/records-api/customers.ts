import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as customers from '../../core/customers.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope, etag, idParams, listBody, listEnvelope, listQuery, syncOptions } from './common.ts';

const address = z
  .strictObject({
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    region: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    country: z.string().length(2).toUpperCase().optional().meta({ description: 'ISO 3166-1 alpha-2' }),
  })
  .meta({ example: { line1: '12 Garage Lane', city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' } });

const fields = {
  type: z.enum(['person', 'company']).meta({ description: 'A private person or a business.' }),
  firstName: z.string().trim().max(100).nullable().meta({ example: 'Amelia' }),
  lastName: z.string().trim().max(100).nullable().meta({ example: 'Hart' }),
  companyName: z.string().trim().max(200).nullable().meta({ description: 'Required when type is company.', example: null }),
  email: z.email().max(254).nullable().meta({ example: 'amelia.hart@example.com' }),
  phone: z.string().trim().max(40).nullable().meta({ example: '+44 113 496 0000' }),
  mobile: z.string().trim().max(40).nullable().meta({ example: '+44 7700 900123' }),
  whatsapp: z.string().trim().max(40).nullable(),
  address: address.nullable(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).meta({ example: ['repeat-buyer'] }),
  notes: z.string().max(10_000).nullable(),
  marketingConsent: z.boolean().meta({ description: 'Agreed to marketing messages.' }),
  isVip: z.boolean(),
  leadScore: z.number().int().min(0).max(100),
  lifecycleStage: z.enum(['PROSPECT', 'LEAD', 'CUSTOMER', 'CHURNED']),
  source: z.string().max(100).nullable().meta({ description: 'Where the customer came from (website, walk-in, import …).' }),
  preferences: z.record(z.string(), z.unknown()).meta({ example: { vehicleTypes: ['SUV'] } }),
  metadata: z.record(z.string(), z.unknown()).meta({ description: "Integrators' own keys, stored as given.", example: { dmsId: 'C-1042' } }),
};

export const customerInput = z.strictObject(fields).partial();
export const customerCreate = customerInput.meta({
  id: 'CustomerCreate',
  example: { type: 'person', firstName: 'Amelia', lastName: 'Hart', email: 'amelia.hart@example.com', mobile: '+44 7700 900123', tags: ['repeat-buyer'] },
});

export const customerRecord = z
  .object({
    id: z.string(),
    ...fields,
    type: fields.type,
    displayName: z.string(),
    email: z.string().nullable(),
    address: z.record(z.string(), z.string()).nullable(),
    lifecycleStage: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable().meta({ description: 'Set on tombstones (includeDeleted=true).' }),
  })
  .meta({ id: 'Customer' });

export function registerCustomers(app: FastifyInstance, deps: Deps) {
  const tags = ['Records API'];
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: '/customers',
    scope: 'customers:read',
    summary: 'List customers',
    description: 'Ordered by updatedAt, then id. To sync: call with `updatedAfter` (or nothing) and follow `nextCursor` until `hasMore` is false; store `nextUpdatedAfter` of the last page for the next run.',
    tags,
    querystring: listQuery,
    responses: { 200: listEnvelope(customerRecord) },
    handler: async (ctx, { query }) => ({ body: listBody(query, await customers.listCustomersForSync(ctx, syncOptions(query))) }),
  });
  defineRoute(app, deps, 'records', {
    method: 'POST',
    path: '/customers',
    scope: 'customers:write',
    summary: 'Create a customer',
    tags,
    body: customerCreate,
    responses: { 201: dataEnvelope(customerRecord) },
    handler: async (ctx, { body }) => {
      const record = await customers.createCustomer(ctx, body);
      return { status: 201, body: { data: record }, headers: { etag: etag(record) } };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: '/customers/:id',
    scope: 'customers:read',
    summary: 'Get a customer',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(customerRecord) },
    handler: async (ctx, { params }) => {
      const record = await customers.getCustomer(ctx, params.id);
      return { body: { data: record }, headers: { etag: etag(record) } };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'PUT',
    path: '/customers/:id',
    scope: 'customers:write',
    summary: 'Update a customer',
    description: 'Partial update: fields you omit keep their values, `null` clears a field. Send `If-Match` with the ETag of your last read to refuse the update (412) when someone changed the record since.',
    tags,
    params: idParams,
    body: customerInput,
    responses: { 200: dataEnvelope(customerRecord) },
    handler: async (ctx, { params, body, req }) => {
      const ifMatch = req.headers['if-match'];
      const record = await customers.updateCustomer(ctx, params.id, body, { ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined });
      return { body: { data: record }, headers: { etag: etag(record) } };
    },
  });
}
