import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as stats from '../../core/customer-stats.ts';
import { minorToDecimal } from '../../core/money.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope, idParams, list, listEnvelope, pageQuery } from './common.ts';

// The document's "Customer Management": the same records as Records API customers and CRM API
// clients, with purchase stats and a classification derived from the dealer's paid invoices.

const rules = [
  '**Stats**: a purchase is a paid invoice of the customer, dated by its issue date (else the day it was paid); `totalSpent` sums paid invoices in your currency (settings.currency, else USD), in major units, with `currency` beside it. A paid invoice whose `metadata.vehicleTransaction` is `sale` or `rental` counts in `totalVehiclesPurchased` or `totalVehiclesRented`.',
  '**Segments**: `vip` when isVip; `at_risk` when the last purchase is more than 12 months old; `regular` with at least one purchase; `new` otherwise.',
  '**leadScore**: the stored score (0–100, set through the Records or CRM API or the dashboard) when above 0, else min(100, 20 × purchases + 20 for a VIP). **lifecycleStage**: CUSTOMER once there is a purchase, else the stored stage.',
].join('\n\n');

const user = z.object({
  id: z.string().meta({ description: "The shopper account's id when the customer signed up on your site, else the customer id" }),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.object({ mobile: z.string().optional(), whatsapp: z.string().optional() }),
});
const customerStats = z.object({
  totalPurchases: z.number().int(),
  totalSpent: z.number(),
  currency: z.string(),
  lastPurchaseDate: z.string().nullable(),
  totalVehiclesPurchased: z.number().int(),
  totalVehiclesRented: z.number().int(),
});
const classification = z.object({
  leadScore: z.number().int(),
  lifecycleStage: z.string(),
  customerSegment: z.enum(stats.customerSegments),
  isVip: z.boolean(),
});
const example = {
  id: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f71',
  user: { id: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f72', email: 'customer@example.com', firstName: 'John', lastName: 'Doe', phone: { mobile: '+1234567890' } },
  stats: { totalPurchases: 3, totalSpent: 75000, currency: 'USD', lastPurchaseDate: '2024-01-10T00:00:00.000Z', totalVehiclesPurchased: 2, totalVehiclesRented: 1 },
  classification: { leadScore: 85, lifecycleStage: 'CUSTOMER', customerSegment: 'regular', isVip: false },
  preferences: { vehicleTypes: ['SUV', 'Sedan'], priceRange: { min: 20000, max: 50000 } },
  tags: ['repeat-buyer', 'financing-interest'],
  createdDate: '2024-01-15T10:30:00.000Z',
};
const customer = z
  .object({
    id: z.string(),
    user,
    stats: customerStats,
    classification,
    preferences: z.record(z.string(), z.unknown()),
    tags: z.array(z.string()),
    createdDate: z.string(),
  })
  .meta({ id: 'StorefrontCustomer', example });
const customerDetail = customer.extend({ notes: z.string().nullable() }).meta({ id: 'StorefrontCustomerDetail', example: { ...example, notes: 'Interested in luxury vehicles' } });

function toStorefront(c: stats.CustomerWithStats): z.output<typeof customerDetail> {
  const v = c.customer;
  const mobile = v.mobile ?? v.phone;
  return {
    id: v.id,
    user: {
      id: c.accountId ?? v.id,
      email: v.email,
      firstName: v.firstName,
      lastName: v.lastName,
      phone: { ...(mobile ? { mobile } : {}), ...(v.whatsapp ? { whatsapp: v.whatsapp } : {}) },
    },
    stats: {
      totalPurchases: c.stats.totalPurchases,
      totalSpent: minorToDecimal(c.stats.totalSpentAmount, c.stats.currency),
      currency: c.stats.currency,
      lastPurchaseDate: c.stats.lastPurchaseDate,
      totalVehiclesPurchased: c.stats.totalVehiclesPurchased,
      totalVehiclesRented: c.stats.totalVehiclesRented,
    },
    classification: { leadScore: c.classification.leadScore, lifecycleStage: c.classification.lifecycleStage, customerSegment: c.classification.segment, isVip: c.classification.isVip },
    preferences: v.preferences,
    tags: v.tags,
    createdDate: v.createdAt,
    notes: v.notes,
  };
}
const withoutNotes = ({ notes: _notes, ...c }: z.output<typeof customerDetail>): z.output<typeof customer> => c;

const sortFields = { createdDate: 'createdAt', totalSpent: 'totalSpent', lastPurchaseDate: 'lastPurchaseDate', leadScore: 'leadScore' } as const;

export function registerCustomers(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API: Customer Management'];
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/customers',
    scope: 'customers:read',
    summary: 'Get all customers linked to your organization',
    description: `20 a page (max 100), newest first unless \`sortBy\`/\`sortOrder\` say otherwise; customers without purchases sort last by lastPurchaseDate in either order.\n\n${rules}`,
    tags,
    querystring: z
      .strictObject({
        ...pageQuery(20, 100),
        search: z.string().max(200).optional().meta({ description: 'Search by name or email (case-insensitive; every word must match)' }),
        segment: z.enum(stats.customerSegments).optional().meta({ description: 'Filter by segment: new | regular | vip | at_risk' }),
        sortBy: z
          .enum(['createdDate', 'totalSpent', 'lastPurchaseDate', 'leadScore'])
          .optional()
          .meta({ description: 'Sort by: createdDate | totalSpent | lastPurchaseDate | leadScore (default createdDate)' }),
        sortOrder: z
          .preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['ASC', 'DESC']))
          .optional()
          .meta({ description: 'Sort order: ASC | DESC (default DESC)' }),
      })
      .meta({ example: { search: 'doe', segment: 'regular', sortBy: 'totalSpent', sortOrder: 'DESC' } }),
    responses: { 200: listEnvelope(customer) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await stats.searchCustomersWithStats(ctx, {
        page: query.page,
        limit: query.limit,
        search: query.search,
        segment: query.segment,
        sortBy: sortFields[query.sortBy ?? 'createdDate'],
        sortOrder: query.sortOrder === 'ASC' ? 'asc' : 'desc',
      });
      return {
        body: list(
          rows.map((r) => withoutNotes(toStorefront(r))),
          total,
          query.page,
          query.limit,
        ),
      };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/customers/stats/summary',
    operationId: 'storefrontGetCustomerStats',
    scope: 'customers:read',
    summary: 'Get aggregate statistics about your customers',
    description: `Over all your customers: totalRevenue sums their paid invoices (major units of \`currency\`), averageSpent is totalRevenue / totalCustomers rounded to a whole unit, totalTransactions counts paid invoices, averageLeadScore is rounded, newCustomersLast30Days counts customers created in the last 30 days.\n\n${rules}`,
    tags,
    responses: {
      200: dataEnvelope(
        z.object({
          totalCustomers: z.number().int(),
          vipCustomers: z.number().int(),
          totalRevenue: z.number(),
          averageSpent: z.number(),
          currency: z.string(),
          totalTransactions: z.number().int(),
          averageLeadScore: z.number().int(),
          newCustomersLast30Days: z.number().int(),
          segmentBreakdown: z.object({ new: z.number().int(), regular: z.number().int(), vip: z.number().int(), atRisk: z.number().int() }),
        }),
      ).meta({
        example: {
          statusCode: 200,
          data: {
            totalCustomers: 150,
            vipCustomers: 12,
            totalRevenue: 2500000,
            averageSpent: 16667,
            currency: 'USD',
            totalTransactions: 280,
            averageLeadScore: 65,
            newCustomersLast30Days: 23,
            segmentBreakdown: { new: 45, regular: 78, vip: 12, atRisk: 15 },
          },
        },
      }),
    },
    handler: async (ctx) => {
      const s = await stats.customerSummary(ctx);
      return {
        body: {
          statusCode: 200,
          data: {
            totalCustomers: s.totalCustomers,
            vipCustomers: s.vipCustomers,
            totalRevenue: minorToDecimal(s.totalRevenueAmount, s.currency),
            averageSpent: Math.round(minorToDecimal(s.averageSpentAmount, s.currency)),
            currency: s.currency,
            totalTransactions: s.totalTransactions,
            averageLeadScore: s.averageLeadScore,
            newCustomersLast30Days: s.newCustomersLast30Days,
            segmentBreakdown: { new: s.segmentBreakdown.new, regular: s.segmentBreakdown.regular, vip: s.segmentBreakdown.vip, atRisk: s.segmentBreakdown.at_risk },
          },
        },
      };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/customers/:id',
    scope: 'customers:read',
    summary: 'Get a specific customer by ID',
    description: `One of your customers, with your notes. Another dealer's customer is a 404.\n\n${rules}`,
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(customerDetail) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toStorefront(await stats.getCustomerWithStats(ctx, params.id)) } }),
  });

  defineRoute(app, deps, 'storefront', {
    method: 'PATCH',
    path: '/customers/:id',
    scope: 'customers:write',
    summary: 'Update customer notes, tags, preferences, or VIP status',
    description: 'Only the fields sent change (`notes: null` clears the notes). `isVip: true` puts the customer in segment `vip`. Fires `crm.customers.updated`.',
    tags,
    params: idParams,
    body: z
      .strictObject({
        notes: z.string().max(10_000).nullable().optional().meta({ description: 'Dealer-specific notes about the customer' }),
        tags: z.array(z.string().trim().min(1).max(50)).max(50).optional().meta({ description: 'Array of string tags (replaces the current tags)' }),
        preferences: z.record(z.string(), z.unknown()).optional().meta({ description: 'Customer preferences object (replaces the current preferences)' }),
        isVip: z.boolean().optional().meta({ description: 'Mark customer as VIP' }),
      })
      .meta({ example: { notes: 'Updated notes...', tags: ['vip', 'repeat-buyer'], isVip: true } }),
    responses: {
      200: dataEnvelope(
        z.object({
          id: z.string(),
          notes: z.string().nullable(),
          tags: z.array(z.string()),
          preferences: z.record(z.string(), z.unknown()),
          isVip: z.boolean(),
          customerSegment: z.enum(stats.customerSegments),
        }),
      ).meta({
        example: {
          statusCode: 200,
          data: { id: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f71', notes: 'Updated notes...', tags: ['vip', 'repeat-buyer'], preferences: {}, isVip: true, customerSegment: 'vip' },
        },
      }),
    },
    handler: async (ctx, { params, body }) => {
      const c = await stats.updateCustomerProfile(ctx, params.id, body);
      return {
        body: {
          statusCode: 200,
          data: { id: c.customer.id, notes: c.customer.notes, tags: c.customer.tags, preferences: c.customer.preferences, isVip: c.classification.isVip, customerSegment: c.classification.segment },
        },
      };
    },
  });
}
