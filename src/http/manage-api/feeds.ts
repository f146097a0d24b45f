import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { getDealership, updateDealership } from '../../core/dealership.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope } from '../platform/fields.ts';
import { dealershipSchema, registerFeedsReport } from '../platform/feeds-report.ts';

// The dashboard's Inventory feeds page: the dealership profile the feeds print beside each vehicle,
// and the left-out report (its feed addresses are intake tokens: intake-tokens.ts). The profile is
// for owners and admins (keys:manage), as it is what every marketplace shows.
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export function registerManageFeeds(app: FastifyInstance, deps: Deps) {
  const tags = ['Management API'];

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/dealership',
    operationId: 'manageGetDealership',
    scope: null,
    summary: "The dealership's profile: what the feeds and documents print (name, store code, address, phone, vehicle page address, tax id, payment terms) and its time zone",
    tags,
    responses: { 200: dataEnvelope(dealershipSchema) },
    handler: async (ctx) => ({ body: { data: await getDealership(ctx.db, ctx.tenantId) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'PUT',
    path: '/dealership',
    operationId: 'manageUpdateDealership',
    scope: 'keys:manage',
    summary: "Update the dealership's profile (fields you omit keep their values; null restores a default)",
    tags,
    body: z.strictObject({
      name: optionalText(200),
      storeCode: optionalText(64),
      address: z
        .strictObject({
          street: z.string().trim().max(200),
          city: z.string().trim().max(100),
          region: z.string().trim().max(100).nullable().optional(),
          postalCode: z.string().trim().max(20),
          country: z.string().trim().max(2).meta({ example: 'US' }),
        })
        .nullable()
        .optional(),
      phone: optionalText(40),
      vehicleUrlTemplate: optionalText(2000),
      taxId: optionalText(60),
      paymentTerms: optionalText(1000),
      timeZone: optionalText(64).meta({ description: 'An IANA time zone name (e.g. America/Chicago); null restores UTC.', example: 'America/Chicago' }),
    }),
    responses: { 200: dataEnvelope(dealershipSchema) },
    handler: async (ctx, { body }) => ({
      body: { data: await updateDealership(ctx.db, ctx.tenantId, { ...body, address: body.address && { ...body.address, region: body.address.region ?? null } }) },
    }),
  });

  registerFeedsReport(app, deps, 'manage');
}
