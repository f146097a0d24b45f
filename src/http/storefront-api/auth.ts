import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as accounts from '../../core/customer-accounts.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { renderError } from '../platform/surfaces.ts';
import { dataEnvelope } from './common.ts';

const phone = z.strictObject({ mobile: z.string().trim().max(40).optional(), whatsapp: z.string().trim().max(40).optional() });
const user = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phone: z.object({ mobile: z.string().optional(), whatsapp: z.string().optional() }),
  profileImageUrl: z.string().nullable(),
});
const session = z.object({
  isNewUser: z.boolean().optional(),
  isNewCustomer: z.boolean(),
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number().int(),
  token_type: z.literal('Bearer'),
  user,
});
const sessionExample = {
  statusCode: 201,
  data: {
    isNewUser: true,
    isNewCustomer: true,
    access_token: 'eyJhbGciOiJIUzI1NiJ9…',
    refresh_token: 'mrt_…',
    expires_in: 3600,
    token_type: 'Bearer',
    user: { id: '0193…', email: 'customer@example.com', firstName: 'John', lastName: 'Doe', phone: { mobile: '+1234567890' }, profileImageUrl: null },
  },
};

// Failed sign-ins are throttled per email and per client address: the 11th failure within 15
// minutes is a 429, so passwords can't be guessed at the speed of the API. Storefront calls
// usually come from the dealer website's server, so the shopper's address is taken from the
// first X-Forwarded-For entry when the (authenticated) integrator sends one, and counters are
// per dealer: one website's shoppers never lock out another's.
const MAX_FAILURES = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;

/** The shopper behind `Authorization: Bearer <access_token>`, checked against this key's dealer and environment. */
export async function requireShopper(ctx: Ctx, deps: Deps, req: FastifyRequest) {
  const header = req.headers.authorization;
  const token = header && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : '';
  if (!token) throw new AppError('unauthorized', "Missing customer token: send the shopper's access_token as Authorization: Bearer, beside x-api-key");
  return accounts.verifyAccessToken(ctx, deps.secret, token);
}

export function registerAuth(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API'];
  const byEmail = deps.rateLimiter.failures('signin-email', MAX_FAILURES, FAILURE_WINDOW_SECONDS);
  const byIp = deps.rateLimiter.failures('signin-ip', MAX_FAILURES, FAILURE_WINDOW_SECONDS);

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/register',
    scope: 'accounts:write',
    summary: 'Register a new customer or link existing user to your organization',
    description:
      'Creates the shopper\'s account and this dealer\'s customer record (firing `crm.customers.created`). An email already registered elsewhere is linked to this dealer only with its correct password; an email already registered with this dealer is a 409.',
    tags,
    body: z
      .strictObject({
        email: z.email().max(254).meta({ description: 'Customer email (required)' }),
        password: z.string().min(8, 'must be at least 8 characters').max(200).meta({ description: 'Password, min 8 characters (required)' }),
        firstName: z.string().trim().min(1).max(100).meta({ description: 'First name (required)' }),
        lastName: z.string().trim().min(1).max(100).meta({ description: 'Last name (required)' }),
        phone: phone.optional().meta({ description: 'Phone numbers { mobile?, whatsapp? }' }),
      })
      .meta({ example: { email: 'customer@example.com', password: 'securepassword123', firstName: 'John', lastName: 'Doe' } }),
    responses: { 201: dataEnvelope(session).meta({ example: sessionExample }) },
    handler: async (ctx, { body }) => ({ status: 201, body: { statusCode: 201, data: await accounts.register(ctx, deps.secret, body) } }),
  });

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/login',
    scope: 'accounts:write',
    // A retried sign-in must not count as another failure, nor rerun argon2.
    replayBeforeRunning: true,
    summary: 'Login a customer and automatically link to your organization if not already',
    description: `After ${MAX_FAILURES} failed attempts within 15 minutes for one email or one client address, further attempts get 429 with Retry-After. If your website's server calls this API, pass the shopper's address in \`X-Forwarded-For\` so that one shopper's failures don't throttle the others.`,
    tags,
    body: z
      .strictObject({ email: z.email().max(254).meta({ description: 'Customer email (required)' }), password: z.string().min(1).max(200).meta({ description: 'Password (required)' }) })
      .meta({ example: { email: 'customer@example.com', password: 'securepassword123' } }),
    responses: { 200: dataEnvelope(session) },
    handler: async (ctx, { body, req }) => {
      const email = body.email.trim().toLowerCase();
      const forwarded = req.headers['x-forwarded-for'];
      const ip = `${ctx.tenantId}:${(typeof forwarded === 'string' && forwarded.split(',')[0].trim()) || req.ip}`;
      for (const [counter, key] of [[byEmail, `${ctx.tenantId}:${email}`], [byIp, ip]] as const) {
        const state = await counter.blocked(key);
        if (state.blocked) {
          throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${state.retryAfter} s`, { headers: { 'retry-after': String(state.retryAfter) } });
        }
      }
      const result = await accounts.login(ctx, deps.secret, body);
      if (!result) {
        await Promise.all([byEmail.fail(`${ctx.tenantId}:${email}`), byIp.fail(ip)]);
        throw new AppError('unauthorized', 'Invalid email or password');
      }
      await byEmail.reset(`${ctx.tenantId}:${email}`);
      return { body: { statusCode: 200, data: result } };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/auth/me',
    scope: 'accounts:read',
    summary: 'Get current authenticated customer profile',
    description: "Needs the shopper's access token as `Authorization: Bearer` beside `x-api-key`. A token issued for another dealer or environment is refused.",
    tags,
    responses: {
      200: dataEnvelope(
        z.object({
          user,
          customer: z.object({
            customerId: z.string(),
            lifecycleStage: z.string(),
            customerSegment: z.string(),
            isVip: z.boolean(),
            totalPurchases: z.number(),
            totalSpent: z.number(),
            memberSince: z.string(),
          }),
        }),
      ),
    },
    handler: async (ctx, { req }) => {
      const shopper = await requireShopper(ctx, deps, req);
      return { body: { statusCode: 200, data: await accounts.me(ctx, shopper.accountId) } };
    },
  });

  const refreshBody = z.strictObject({ refresh_token: z.string().min(1).max(200).meta({ description: 'The refresh_token from login, register or the last refresh' }) });
  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/refresh',
    scope: 'accounts:write',
    summary: 'Exchange a refresh token for new tokens',
    description: 'Refresh tokens rotate: each can be used once. Using one a second time ends the whole session (every token issued from the same sign-in).',
    tags,
    body: refreshBody,
    responses: { 200: dataEnvelope(session) },
    handler: async (ctx, { body }) => {
      const result = await accounts.refresh(ctx, deps.secret, body.refresh_token);
      // Returned, not thrown: the revocation of a reused token's family must commit.
      if (result instanceof AppError) return { status: result.status, body: renderError('storefront', result) };
      return { body: { statusCode: 200, data: result } };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/logout',
    scope: 'accounts:write',
    summary: 'End a customer session',
    description: 'Revokes the refresh token and every token rotated from it. Access tokens expire by themselves within an hour.',
    tags,
    body: refreshBody,
    responses: { 200: z.object({ statusCode: z.number().int(), message: z.string() }) },
    handler: async (ctx, { body }) => {
      await accounts.logout(ctx, body.refresh_token);
      return { body: { statusCode: 200, message: 'Logged out' } };
    },
  });
}
