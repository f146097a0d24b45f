import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../core/errors.ts';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../../core/api-keys.ts';
import { scopeCatalogue } from '../../core/scopes.ts';
import { operationsByScope } from '../platform/scope-operations.ts';
import { changePassword, signIn, signOut } from '../../core/staff-sessions.ts';
import { listRequestLogs, requestStats } from '../../core/request-log.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { SESSION_COOKIE, setSessionCookie } from '../platform/auth.ts';
import { signInThrottle } from '../platform/sign-in-throttle.ts';
import { dataEnvelope, idParam, plausibleInstant } from '../platform/fields.ts';
import { registerManageRecords } from './records.ts';
import { registerWebhookRoutes } from '../platform/webhook-routes.ts';
import { eventCatalogue } from '../../core/webhooks.ts';
import { registerIntakeTokens } from './intake-tokens.ts';
import { registerManageFeeds } from './feeds.ts';
import { registerAdfForwarding } from './adf-forwarding.ts';
import { registerLeadInbox } from './lead-inbox.ts';
import { registerStaff } from './staff.ts';
import { registerDocumentPdfs } from '../platform/document-pdf.ts';
import { registerManagePayments } from './payments.ts';
import { registerCustomerOverview } from './customer-overview.ts';
import { registerToday } from './today.ts';
import { registerManageImports } from './imports.ts';

// /manage/v1: what the dashboard needs. Staff sessions only (an httpOnly, SameSite=Strict cookie);
// never reachable with an API key.
const keyView = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(['live', 'test']),
  prefix: z.string(),
  last4: z.string(),
  scopes: z.array(z.string()),
  rateLimit: z.number().int().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const idParams = idParam();

export function registerManageApi(app: FastifyInstance, deps: Deps, opts: { smtpDomain?: string } = {}) {
  const tags = ['Management API'];
  registerIntakeTokens(app, deps, opts);
  registerManageFeeds(app, deps);
  registerManageRecords(app, deps);
  registerWebhookRoutes(app, deps, 'manage', { tags, read: 'webhooks:manage', write: 'webhooks:manage' });
  registerAdfForwarding(app, deps);
  registerLeadInbox(app, deps);
  registerStaff(app, deps);
  registerDocumentPdfs(app, deps, 'manage');
  registerManagePayments(app, deps);
  registerCustomerOverview(app, deps);
  registerToday(app, deps);
  registerManageImports(app, deps);

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/webhook-events',
    scope: null,
    summary: 'The event catalogue a webhook endpoint can subscribe to',
    tags,
    responses: { 200: dataEnvelope(z.array(z.unknown())) },
    handler: async () => ({ body: { data: [...eventCatalogue] } }),
  });
  const throttle = signInThrottle(deps.rateLimiter, 'staff');
  const db = deps.database.db;

  app.withTypeProvider<ZodTypeProvider>().post(
    '/manage/v1/session',
    {
      schema: {
        hide: true,
        body: z.strictObject({ email: z.string().min(1).max(254), password: z.string().min(1).max(200) }),
      },
    },
    async (req, reply) => {
      const attempt = await throttle.reserve({ email: req.body.email, address: req.ip });
      const result = await signIn(db, req.body.email, req.body.password);
      if (!result) throw new AppError('unauthorized', 'Wrong email or password');
      await attempt.succeeded();
      setSessionCookie(reply, deps.publicUrl, req, result.token);
      const { sessionId: _s, ...user } = result.principal;
      return { data: user };
    },
  );

  app.delete('/manage/v1/session', { schema: { hide: true } }, async (req, reply) => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (token) await signOut(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { data: { signedOut: true } };
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/me',
    scope: null,
    summary: 'The signed-in staff user and dealership',
    tags,
    responses: {
      200: dataEnvelope(z.object({ userId: z.string(), tenantId: z.string(), tenantName: z.string(), email: z.string(), name: z.string(), role: z.string(), environment: z.enum(['live', 'test']) })),
    },
    handler: async (ctx, { req }) => {
      const { sessionId: _s, ...staff } = req.keyAuth!.staff!;
      return { body: { data: { ...staff, environment: ctx.environment } } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'PUT',
    path: '/me/password',
    operationId: 'manageChangePassword',
    scope: null,
    summary: 'Change your password (ends every session of yours; sign in again)',
    description: 'A wrong current password counts as a failed sign-in of your email from this address; when the budget is spent the answer is 429.',
    tags,
    body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(8, 'must be at least 8 characters').max(200) }),
    responses: { 200: dataEnvelope(z.object({ changed: z.literal(true) })) },
    handler: async (ctx, { req, body }) => {
      // The current password is checked against the sign-in budget: a stolen session must not
      // be a way to guess it without limit.
      const staff = req.keyAuth!.staff!;
      const attempt = await throttle.reserve({ email: staff.email, address: req.ip });
      await changePassword(ctx.db, staff, body.currentPassword, body.newPassword);
      await attempt.succeeded();
      return { body: { data: { changed: true as const } } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/scopes',
    scope: null,
    summary: 'Every scope a key can hold, grouped by surface',
    tags,
    responses: { 200: dataEnvelope(z.record(z.string(), z.array(z.string()))) },
    handler: async () => ({ body: { data: scopeCatalogue as unknown as Record<string, string[]> } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/scopes/operations',
    operationId: 'manageListScopeOperations',
    scope: null,
    summary: 'The operations each scope opens, on every surface',
    description:
      'One scope name can open operations on several APIs (e.g. `customers:write` on the Records API and the Storefront API); this lists them all, from the same declarations the server enforces.',
    tags,
    responses: {
      200: dataEnvelope(z.record(z.string(), z.array(z.object({ surface: z.string(), method: z.string(), path: z.string(), summary: z.string() })))),
    },
    handler: async (_ctx, { req }) => ({ body: { data: operationsByScope(req.server.swagger() as never) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/keys',
    scope: 'keys:manage',
    summary: "List the dealership's API keys",
    tags,
    responses: { 200: dataEnvelope(z.array(keyView)) },
    handler: async (ctx) => ({ body: { data: await listApiKeys(ctx.db, ctx.tenantId) } }),
  });

  const createKey = z.strictObject({
    name: z.string().trim().min(1).max(100),
    environment: z.enum(['live', 'test']),
    scopes: z.array(z.string().max(100)).min(1).max(200),
    rateLimit: z.number().int().min(1).max(100_000).nullable().optional(),
    expiresAt: plausibleInstant().nullable().optional(),
  });
  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/keys',
    scope: 'keys:manage',
    summary: 'Create an API key (the full key is in this response only)',
    tags,
    body: createKey,
    responses: { 201: dataEnvelope(keyView.extend({ key: z.string() })) },
    handler: async (ctx, { body }) => ({
      status: 201,
      body: {
        data: await createApiKey(ctx.db, {
          tenantId: ctx.tenantId,
          environment: body.environment,
          name: body.name,
          scopes: body.scopes,
          rateLimit: body.rateLimit ?? null,
          expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
        }),
      },
    }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/keys/:id/revoke',
    scope: 'keys:manage',
    summary: 'Revoke an API key (refused everywhere within a second)',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(keyView) },
    handler: async (ctx, { params }) => ({ body: { data: await revokeApiKey(ctx.db, ctx.tenantId, params.id) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/keys/:id/rotate',
    scope: 'keys:manage',
    summary: 'Rotate an API key: a new key with the same settings; the old one stays valid for the overlap',
    tags,
    params: idParams,
    body: z.strictObject({
      overlapHours: z
        .number()
        .min(0)
        .max(24 * 30)
        .default(24),
    }),
    responses: { 201: dataEnvelope(keyView.extend({ key: z.string(), replaces: keyView })) },
    handler: async (ctx, { params, body }) => ({ status: 201, body: { data: await rotateApiKey(ctx.db, ctx.tenantId, params.id, body.overlapHours) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/request-logs',
    scope: null,
    summary: 'The latest API requests, newest first',
    tags,
    querystring: z.strictObject({
      keyId: z.string().max(100).optional(),
      status: z.enum(['success', 'error']).optional(),
      page: z.coerce.number().int().min(1).default(1),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    responses: {
      200: z.object({
        data: z.array(
          z.object({
            id: z.string(),
            keyId: z.string(),
            environment: z.string(),
            method: z.string(),
            path: z.string(),
            status: z.number(),
            durationMs: z.number(),
            requestId: z.string(),
            createdAt: z.string(),
          }),
        ),
        total: z.number().int(),
        page: z.number().int(),
        limit: z.number().int(),
      }),
    },
    handler: async (ctx, { query }) => {
      await deps.requestLog?.flush();
      const { rows, total } = await listRequestLogs(ctx, query);
      return { body: { data: rows, total, page: query.page, limit: query.limit } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/request-stats',
    scope: null,
    summary: 'Requests and errors per hour over the last days',
    description: 'Counts the requests of the environment chosen with `X-Motors-Environment` (test by default).',
    tags,
    querystring: z.strictObject({ keyId: z.string().max(100).optional(), days: z.coerce.number().int().min(1).max(30).default(7) }),
    responses: { 200: dataEnvelope(z.array(z.object({ hour: z.string(), requests: z.number(), errors: z.number() }))) },
    handler: async (ctx, { query }) => ({ body: { data: await requestStats(ctx, query) } }),
  });
}
