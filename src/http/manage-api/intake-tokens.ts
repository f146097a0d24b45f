import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { createIntakeToken, listIntakeTokens, revokeIntakeToken } from '../../core/intake-tokens.ts';
import { defineRoute, type Deps } from '../platform/route.ts';

// The dashboard's ADF intake addresses: for the environment of X-Motors-Environment. Owners and
// admins only (keys:manage), as a token is a credential like an API key.
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

export function registerIntakeTokens(app: FastifyInstance, deps: Deps, opts: { smtpDomain?: string }) {
  const tags = ['Management API'];
  const addresses = (token: string) => ({ url: `/intake/adf/${token}`, email: opts.smtpDomain ? `${token}@${opts.smtpDomain}` : null });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/intake-tokens',
    scope: 'keys:manage',
    summary: 'List the ADF lead intake addresses',
    tags,
    responses: { 200: data(z.array(tokenView)) },
    handler: async (ctx) => ({ body: { data: await listIntakeTokens(ctx.db, ctx.tenantId, ctx.environment) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/intake-tokens',
    scope: 'keys:manage',
    summary: 'Create an ADF lead intake address (the token is in this response only)',
    tags,
    body: z.strictObject({ name: z.string().trim().min(1).max(100).optional() }),
    responses: { 201: data(tokenView.extend({ token: z.string(), url: z.string(), email: z.string().nullable() })) },
    handler: async (ctx, { body }) => {
      const created = await createIntakeToken(ctx.db, { tenantId: ctx.tenantId, environment: ctx.environment, name: body.name });
      return { status: 201, body: { data: { ...created, ...addresses(created.token) } } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/intake-tokens/:id/revoke',
    scope: 'keys:manage',
    summary: 'Revoke an ADF lead intake address (refused at once, over HTTP and e-mail)',
    tags,
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: { 200: data(tokenView) },
    handler: async (ctx, { params }) => ({ body: { data: await revokeIntakeToken(ctx.db, params.id, { tenantId: ctx.tenantId, environment: ctx.environment }) } }),
  });
}
