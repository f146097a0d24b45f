import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as accounts from '../../core/customer-accounts.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { bearerToken } from '../platform/auth.ts';
import { SIGN_IN_POLICY, signInThrottle } from '../platform/sign-in-throttle.ts';
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
    user: { id: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f70', email: 'customer@example.com', firstName: 'John', lastName: 'Doe', phone: { mobile: '+1234567890' }, profileImageUrl: null },
  },
};

// One guard for login and for registering an existing email (http/platform/sign-in-throttle.ts).
const throttleText = `After ${SIGN_IN_POLICY.perEmailAndAddress} failed attempts within 15 minutes for one email from one client address (or ${SIGN_IN_POLICY.perEmail} for one email, or ${SIGN_IN_POLICY.perAddress} from one address), counted per dealer, further attempts get 429 with Retry-After. The client address is the caller's, or the X-Forwarded-For client when the server is configured to trust the caller as a proxy (TRUST_PROXY).`;

/** The shopper behind `Authorization: Bearer <access_token>`, checked against this key's dealer and environment. */
export async function requireShopper(ctx: Ctx, deps: Deps, req: FastifyRequest) {
  const token = bearerToken(req);
  if (!token) throw new AppError('unauthorized', "Missing customer token: send the shopper's access_token as Authorization: Bearer, beside x-api-key");
  return accounts.verifyAccessToken(ctx, deps.secret, token);
}

export function registerAuth(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API'];
  const throttle = signInThrottle(deps.rateLimiter, 'shopper');

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/register',
    inputFromQuery: true,
    scope: 'accounts:write',
    summary: 'Register a new customer or link existing user to your organization',
    description: `Creates the shopper's account and this dealer's customer record (firing \`crm.customers.created\`). An email already registered elsewhere is linked to this dealer only with its correct password. Any other registration of an existing email (wrong password, or already registered with this dealer) is the same 409, and counts as a failed sign-in. ${throttleText}`,
    tags,
    // A retried registration must not count as another attempt.
    replayBeforeRunning: true,
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
    handler: async (ctx, { body, req }) => {
      // Registering an existing email checks its password: it spends the sign-in budget like a login.
      const attempt = await throttle.reserve({ scope: ctx.tenantId, email: body.email, address: req.ip });
      const session = await accounts.register(ctx, deps.secret, body);
      await attempt.succeeded();
      return { status: 201, body: { statusCode: 201, data: session } };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/login',
    inputFromQuery: true,
    scope: 'accounts:write',
    // A retried sign-in must not count as another failure, nor rerun argon2.
    replayBeforeRunning: true,
    summary: 'Login a customer and automatically link to your organization if not already',
    description: throttleText,
    tags,
    body: z
      .strictObject({ email: z.email().max(254).meta({ description: 'Customer email (required)' }), password: z.string().min(1).max(200).meta({ description: 'Password (required)' }) })
      .meta({ example: { email: 'customer@example.com', password: 'securepassword123' } }),
    responses: { 200: dataEnvelope(session) },
    handler: async (ctx, { body, req }) => {
      const attempt = await throttle.reserve({ scope: ctx.tenantId, email: body.email, address: req.ip });
      const result = await accounts.login(ctx, deps.secret, body);
      if (!result) throw new AppError('unauthorized', 'Invalid email or password');
      await attempt.succeeded();
      return { body: { statusCode: 200, data: result } };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/auth/me',
    operationId: 'storefrontGetMe',
    scope: 'accounts:read',
    shopperToken: true,
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
    operationId: 'storefrontRefreshToken',
    scope: 'accounts:write',
    summary: 'Exchange a refresh token for new tokens',
    description:
      'Refresh tokens rotate: each can be used once, even by concurrent requests (one of them gets new tokens). Using one a second time ends the whole session: every refresh and access token issued from the same sign-in, those of the request that won the race included. An `Idempotency-Key` does not replay a refresh: retrying one that got through is a reuse.',
    tags,
    body: refreshBody,
    // Outside a request transaction: the rotation is one statement, and the revocation of a
    // reused token's family is its own statement, committed although the request fails with 401.
    transaction: false,
    responses: { 200: dataEnvelope(session) },
    handler: async (ctx, { body }) => ({ body: { statusCode: 200, data: await accounts.refresh(ctx, deps.secret, body.refresh_token) } }),
  });

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/auth/logout',
    scope: 'accounts:write',
    summary: 'End a customer session',
    description: 'Revokes the refresh token, every token rotated from it and the access tokens issued with them.',
    tags,
    body: refreshBody,
    responses: { 200: z.object({ statusCode: z.number().int(), message: z.string() }) },
    handler: async (ctx, { body }) => {
      await accounts.logout(ctx, body.refresh_token);
      return { body: { statusCode: 200, message: 'Logged out' } };
    },
  });
}
