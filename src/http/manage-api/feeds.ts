import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createIntakeToken, listIntakeTokens, revokeIntakeToken } from '../../core/intake-tokens.ts';
import { getDealership, updateDealership } from '../../core/dealership.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dealershipSchema, registerFeedsReport } from '../platform/feeds-report.ts';

// The dashboard's Inventory feeds page: feed addresses (tokens) for the environment of
// X-Motors-Environment, the dealership profile the feeds print beside each vehicle, and the
// left-out report. Tokens and the profile are for owners and admins (keys:manage), as a token is a
// credential and the profile is what every marketplace shows.
const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(['live', 'test']),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const data = <T extends z.ZodType>(t: T) => z.object({ data: t });
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const feedUrls = (token: string) => ({
  googleVehicleListingsUrl: `/feeds/${token}/google-vehicle-listings.tsv`,
  metaAutomotiveUrl: `/feeds/${token}/meta-automotive.csv`,
});

export function registerManageFeeds(app: FastifyInstance, deps: Deps) {
  const tags = ['Management API'];

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/feed-tokens',
    scope: 'keys:manage',
    summary: 'List the inventory feed addresses',
    tags,
    responses: { 200: data(z.array(tokenView)) },
    handler: async (ctx) => ({ body: { data: await listIntakeTokens(ctx.db, ctx.tenantId, ctx.environment, 'feed') } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/feed-tokens',
    scope: 'keys:manage',
    summary: 'Create an inventory feed address (the token is in this response only)',
    description: 'The two feed URLs are paths on this server: prefix them with its public address before giving them to Google Merchant Center or Meta Commerce Manager.',
    tags,
    body: z.strictObject({ name: z.string().trim().min(1).max(100).optional() }),
    secretFields: ['data.token', 'data.googleVehicleListingsUrl', 'data.metaAutomotiveUrl'],
    responses: { 201: data(tokenView.extend({ token: z.string(), googleVehicleListingsUrl: z.string(), metaAutomotiveUrl: z.string() })) },
    handler: async (ctx, { body }) => {
      const created = await createIntakeToken(ctx.db, { tenantId: ctx.tenantId, environment: ctx.environment, name: body.name, purpose: 'feed' });
      return { status: 201, body: { data: { ...created, ...feedUrls(created.token) } } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/feed-tokens/:id/revoke',
    scope: 'keys:manage',
    summary: 'Revoke an inventory feed address (its feeds answer 404 at once)',
    tags,
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: { 200: data(tokenView) },
    handler: async (ctx, { params }) => ({
      body: { data: await revokeIntakeToken(ctx.db, params.id, { tenantId: ctx.tenantId, environment: ctx.environment, purpose: 'feed' }) },
    }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/dealership',
    operationId: 'manageGetDealership',
    scope: null,
    summary: "The dealership's profile: what the feeds and documents print (name, store code, address, phone, vehicle page address, tax id, payment terms) and its time zone",
    tags,
    responses: { 200: data(dealershipSchema) },
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
    responses: { 200: data(dealershipSchema) },
    handler: async (ctx, { body }) => ({
      body: { data: await updateDealership(ctx.db, ctx.tenantId, { ...body, address: body.address && { ...body.address, region: body.address.region ?? null } }) },
    }),
  });

  registerFeedsReport(app, deps, 'manage');
}
