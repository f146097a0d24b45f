import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createIntakeToken, listIntakeTokens, revokeIntakeToken, type TokenPurpose } from '../../core/intake-tokens.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope } from '../platform/fields.ts';

// The dashboard's keyless addresses, for the environment of X-Motors-Environment: ADF lead intake
// and inventory feeds (the Inventory feeds page). Owners and admins only (keys:manage), as a token
// is a credential like an API key. Both purposes list, create and revoke alike; only the words and
// the addresses printed beside a new token differ.
const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(['live', 'test']),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

type TokenRoutes<A extends z.ZodRawShape> = {
  purpose: TokenPurpose;
  path: string;
  summaries: { list: string; create: string; revoke: string };
  createDescription?: string;
  /** What a new token's response adds: the token inside the addresses to give out, so each is a secret too. */
  addresses: A;
  addressesOf: (token: string) => z.infer<z.ZodObject<A>>;
};

function registerTokenRoutes<A extends z.ZodRawShape>(app: FastifyInstance, deps: Deps, spec: TokenRoutes<A>) {
  const tags = ['Management API'];

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: spec.path,
    scope: 'keys:manage',
    summary: spec.summaries.list,
    tags,
    responses: { 200: dataEnvelope(z.array(tokenView)) },
    handler: async (ctx) => ({ body: { data: await listIntakeTokens(ctx.db, ctx.tenantId, ctx.environment, spec.purpose) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: spec.path,
    scope: 'keys:manage',
    summary: spec.summaries.create,
    description: spec.createDescription,
    tags,
    body: z.strictObject({ name: z.string().trim().min(1).max(100).optional() }),
    secretFields: ['data.token', ...Object.keys(spec.addresses).map((field) => `data.${field}`)],
    responses: { 201: dataEnvelope(tokenView.extend({ token: z.string(), ...spec.addresses })) },
    handler: async (ctx, { body }) => {
      const created = await createIntakeToken(ctx.db, { tenantId: ctx.tenantId, environment: ctx.environment, name: body.name, purpose: spec.purpose });
      return { status: 201, body: { data: { ...created, ...spec.addressesOf(created.token) } } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: `${spec.path}/:id/revoke`,
    scope: 'keys:manage',
    summary: spec.summaries.revoke,
    tags,
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: { 200: dataEnvelope(tokenView) },
    handler: async (ctx, { params }) => ({
      body: { data: await revokeIntakeToken(ctx.db, params.id, { tenantId: ctx.tenantId, environment: ctx.environment, purpose: spec.purpose }) },
    }),
  });
}

export function registerIntakeTokens(app: FastifyInstance, deps: Deps, opts: { smtpDomain?: string }) {
  registerTokenRoutes(app, deps, {
    purpose: 'adf',
    path: '/intake-tokens',
    summaries: {
      list: 'List the ADF lead intake addresses',
      create: 'Create an ADF lead intake address (the token is in this response only)',
      revoke: 'Revoke an ADF lead intake address (refused at once, over HTTP and e-mail)',
    },
    addresses: { url: z.string(), email: z.string().nullable() },
    addressesOf: (token) => ({ url: `/intake/adf/${token}`, email: opts.smtpDomain ? `${token}@${opts.smtpDomain}` : null }),
  });

  registerTokenRoutes(app, deps, {
    purpose: 'feed',
    path: '/feed-tokens',
    summaries: {
      list: 'List the inventory feed addresses',
      create: 'Create an inventory feed address (the token is in this response only)',
      revoke: 'Revoke an inventory feed address (its feeds answer 404 at once)',
    },
    createDescription: 'The two feed URLs are paths on this server: prefix them with its public address before giving them to Google Merchant Center or Meta Commerce Manager.',
    addresses: { googleVehicleListingsUrl: z.string(), metaAutomotiveUrl: z.string() },
    addressesOf: (token) => ({ googleVehicleListingsUrl: `/feeds/${token}/google-vehicle-listings.tsv`, metaAutomotiveUrl: `/feeds/${token}/meta-automotive.csv` }),
  });
}
