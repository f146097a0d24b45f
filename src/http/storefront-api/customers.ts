import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as customers from '../../core/customers.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope, idParams, list, listEnvelope, pageQuery } from './common.ts';

const customer = z
  .object({
    id: z.string(),
    user: z.object({
      id: z.string(),
      email: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      phone: z.object({ mobile: z.string().optional(), whatsapp: z.string().optional() }),
    }),
    stats: z.object({
      totalPurchases: z.number(),
      totalSpent: z.number(),
      lastPurchaseDate: z.string().nullable(),
      totalVehiclesPurchased: z.number(),
      totalVehiclesRented: z.number(),
    }),
    classification: z.object({ leadScore: z.number(), lifecycleStage: z.string(), customerSegment: z.string(), isVip: z.boolean() }),
    preferences: z.record(z.string(), z.unknown()),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    createdDate: z.string(),
  })
  .meta({ id: 'StorefrontCustomer' });

function toStorefront(c: customers.CustomerView): z.output<typeof customer> {
  return {
    id: c.id,
    user: {
      id: c.id,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
      phone: { ...(c.mobile ?? c.phone ? { mobile: (c.mobile ?? c.phone)! } : {}), ...(c.whatsapp ? { whatsapp: c.whatsapp } : {}) },
    },
    // Purchases come from paid invoices once invoicing lands; until then every total is zero.
    stats: { totalPurchases: 0, totalSpent: 0, lastPurchaseDate: null, totalVehiclesPurchased: 0, totalVehiclesRented: 0 },
    classification: { leadScore: c.leadScore, lifecycleStage: c.lifecycleStage, customerSegment: c.isVip ? 'vip' : 'new', isVip: c.isVip },
    preferences: c.preferences,
    tags: c.tags,
    notes: c.notes,
    createdDate: c.createdAt,
  };
}

export function registerCustomers(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API'];
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/customers',
    scope: 'customers:read',
    summary: 'Get all customers linked to your organization',
    tags,
    querystring: z.strictObject({
      ...pageQuery(20, 100),
      search: z.string().max(200).optional().meta({ description: 'Search by name or email' }),
      sortBy: z.enum(['createdDate', 'leadScore']).optional(),
      sortOrder: z.enum(['ASC', 'DESC', 'asc', 'desc']).optional(),
    }),
    responses: { 200: listEnvelope(customer) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await customers.searchCustomers(ctx, {
        page: query.page,
        limit: query.limit,
        search: query.search,
        sortBy: query.sortBy === 'leadScore' ? 'leadScore' : 'createdAt',
        sortOrder: query.sortOrder?.toLowerCase() === 'asc' ? 'asc' : 'desc',
      });
      return { body: list(rows.map((r) => toStorefront(customers.customerView(r))), total, query.page, query.limit) };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/customers/:id',
    scope: 'customers:read',
    summary: 'Get a specific customer by ID',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(customer) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toStorefront(await customers.getCustomer(ctx, params.id)) } }),
  });
}
