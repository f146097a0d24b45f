import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../core/errors.ts';
import { acceptInvitation, createInvitation, createPasswordReset, listInvitations, listStaffUsers, peekLink, resetPassword, revokeInvitation } from '../../core/staff-users.ts';
import { startSession } from '../../core/staff-sessions.ts';
import { errorSchemas } from '../platform/surfaces.ts';
import { mailPasswordReset } from '../../core/staff-mail.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope } from '../platform/fields.ts';
import { assertSameOrigin, setSessionCookie } from '../platform/auth.ts';

// Staff accounts in the dashboard: the people list and invitations (owners and admins), and the
// two single-use links a signed-out person opens — accepting an invitation and resetting a
// password. Those two have no session yet, so they are plain routes; their tokens travel in the
// path of a link and are never logged (the request log records API-key traffic only).

const roles = z.enum(['owner', 'admin', 'member']);
const idParams = z.object({ id: z.string().min(1).max(100) });
const tokenParams = z.object({ token: z.string().min(20).max(100).meta({ example: 'msl_Gm3kQ9vX2pL7tR1sW8yZ4aB6cD0eF5hJ9nM2oP4qU7w' }) });
const userView = z.object({ id: z.string(), email: z.string(), name: z.string(), role: roles, createdAt: z.string() });
const invitationView = z.object({
  id: z.string(),
  email: z.string(),
  role: roles,
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const password = z.string().min(8, 'must be at least 8 characters').max(200);

/** Where the dashboard is, for links in answers and mail: PUBLIC_URL, else the address the request came to. */
const dashboardBase = (deps: Deps, req: FastifyRequest) => `${(deps.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '')}/dashboard`;

export function registerStaff(app: FastifyInstance, deps: Deps) {
  const tags = ['Management API'];
  const db = deps.database.db;
  // Reset mails per email: enough for a forgetful person, not a way to flood their mailbox. (Mail
  // goes only to emails that have an account, and the answer is the same for every email.)
  const resetsPerEmail = deps.rateLimiter.failures('staff-reset-email', 5, 3600);

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/users',
    scope: null,
    summary: "The dealership's staff users",
    tags,
    responses: { 200: dataEnvelope(z.array(userView)) },
    handler: async (ctx) => ({ body: { data: await listStaffUsers(ctx.db, ctx.tenantId) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/invitations',
    scope: 'keys:manage',
    summary: 'Invitations to join the dealership, newest first (owners and admins)',
    tags,
    responses: { 200: dataEnvelope(z.array(invitationView)) },
    handler: async (ctx) => ({ body: { data: await listInvitations(ctx.db, ctx.tenantId) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/invitations',
    scope: 'keys:manage',
    summary: 'Invite someone to the dealership (the link is in this response only)',
    description:
      'Creates a single-use link, valid for `expiresInHours` (default 72), that lets its holder create an account with this email and role. Send it to them yourself (the dashboard offers a copy button and a mail link). Only an owner can invite an owner. An email that already has an account is a 409.',
    tags,
    body: z.strictObject({
      email: z.email('must be an email address').max(254),
      role: roles.default('member'),
      expiresInHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 14)
        .optional(),
    }),
    responses: { 201: dataEnvelope(invitationView.extend({ url: z.string() })) },
    handler: async (ctx, { req, body }) => {
      const staff = req.keyAuth!.staff!;
      if (body.role === 'owner' && staff.role !== 'owner') {
        throw new AppError('forbidden', 'role: only an owner can invite another owner', { fields: [{ field: 'role', message: 'only an owner can invite another owner' }] });
      }
      const { token, invitation } = await createInvitation(ctx.db, { tenantId: ctx.tenantId, email: body.email, role: body.role, invitedBy: staff.userId, hours: body.expiresInHours });
      return { status: 201, body: { data: { ...invitation, url: `${dashboardBase(deps, req)}/invite/${token}` } } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/invitations/:id/revoke',
    scope: 'keys:manage',
    summary: 'Withdraw an invitation (its link stops working at once)',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(invitationView) },
    handler: async (ctx, { params }) => ({ body: { data: await revokeInvitation(ctx.db, ctx.tenantId, params.id) } }),
  });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  // A cross-site write is refused before its body is even read, as on every dashboard write.
  const sameOrigin = async (req: FastifyRequest) => assertSameOrigin(req);
  // These routes have no session yet: the link's token in the path is the credential.
  const error = (description: string) => ({ description, content: { 'application/json': { schema: errorSchemas.manage } } });
  const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
  const gone = error('The link is unknown, used, expired or withdrawn.');
  const invalid = error('The request is invalid: `details` names each field and what is wrong with it.');
  const open = { tags, security: [] };
  const linkView = z.object({ email: z.string(), role: roles.nullable(), tenantName: z.string(), expiresAt: z.string() });

  typed.get(
    '/manage/v1/invitation-links/:token',
    {
      schema: {
        ...open,
        operationId: 'manageGetInvitationLink',
        summary: 'What an invitation link is for, before it is used',
        description: 'The email and role the invitation grants and the dealership, while the link is still open.',
        params: tokenParams,
        response: { 200: ok('The invitation.', dataEnvelope(linkView)), 404: gone },
      },
    },
    async (req) => {
      const link = await peekLink(db, 'invite', req.params.token);
      if (!link) throw new AppError('not_found', 'This invitation link has been used, has expired or was withdrawn. Ask whoever invited you for a new one.');
      return { data: link };
    },
  );

  typed.post(
    '/manage/v1/invitation-links/:token',
    {
      onRequest: sameOrigin,
      schema: {
        ...open,
        operationId: 'manageAcceptInvitation',
        summary: 'Accept an invitation: create your account and sign in',
        description: 'Creates the account with the invitation’s email and role and your name and password (at least 8 characters), spends the link, and answers with the session cookie set.',
        params: tokenParams,
        body: z.strictObject({ name: z.string().trim().min(1, 'is required').max(200), password }),
        response: { 201: ok('The account, signed in.', dataEnvelope(userView.omit({ createdAt: true }))), 400: invalid, 404: gone, 409: error('The email has an account already.') },
      },
    },
    async (req, reply) => {
      const { tenantId, ...user } = await db.transaction((tx) => acceptInvitation(tx, req.params.token, req.body));
      const session = await startSession(db, { tenantId, id: user.id });
      if (session) setSessionCookie(reply, deps.publicUrl, req, session.token);
      reply.code(201);
      return { data: user };
    },
  );

  typed.post(
    '/manage/v1/password-resets',
    {
      onRequest: sameOrigin,
      schema: {
        ...open,
        operationId: 'manageRequestPasswordReset',
        summary: 'Ask for a password reset link by mail',
        description:
          'Always answers 202, whether or not the email has an account. With a mail relay (`SMTP_RELAY_URL`) and the server’s public address (`PUBLIC_URL`, which the link points at) the link is mailed; without them, an operator prints a link with `npx motors users reset --email …`. At most 5 requests per email an hour (429 after).',
        body: z.strictObject({ email: z.string().trim().min(3).max(254) }),
        response: {
          202: ok(
            'Accepted (the same answer for every email).',
            dataEnvelope(z.object({ accepted: z.literal(true), mailed: z.boolean().meta({ description: 'Whether this server mails reset links at all (it needs SMTP_RELAY_URL and PUBLIC_URL).' }) })),
          ),
          400: invalid,
          429: error('Too many requests for this email; retry after `Retry-After` seconds.'),
        },
      },
    },
    async (req, reply) => {
      const budget = await resetsPerEmail.reserve(req.body.email.toLowerCase());
      if (!budget.allowed)
        throw new AppError('rate_limited', `Too many password reset requests for this email; try again in ${budget.retryAfter} s`, { headers: { 'retry-after': String(budget.retryAfter) } });
      // A mailed link must point at this server as its operator configured it (PUBLIC_URL), never at
      // the Host the request claims: a forged Host would mail a real token to someone else's site.
      const relay = deps.publicUrl ? deps.webhookSettings.smtpRelay : undefined;
      if (relay) {
        const reset = await createPasswordReset(db, req.body.email);
        // Not awaited: the answer must not take longer for an email that has an account.
        if (reset) void mailPasswordReset(relay, reset.email, `${dashboardBase(deps, req)}/reset/${reset.token}`, reset.expiresAt, req.log);
      }
      reply.code(202);
      return { data: { accepted: true, mailed: Boolean(relay) } };
    },
  );

  typed.get(
    '/manage/v1/password-resets/:token',
    {
      schema: {
        ...open,
        operationId: 'manageGetPasswordReset',
        summary: 'Whose password a reset link sets, before it is used',
        description: 'The email and dealership of a reset link that is still open.',
        params: tokenParams,
        response: { 200: ok('The reset link.', dataEnvelope(z.object({ email: z.string(), tenantName: z.string(), expiresAt: z.string() }))), 404: gone },
      },
    },
    async (req) => {
      const link = await peekLink(db, 'reset', req.params.token);
      if (!link) throw new AppError('not_found', 'This password reset link has been used or has expired. Ask for a new one from the sign-in page.');
      return { data: { email: link.email, tenantName: link.tenantName, expiresAt: link.expiresAt } };
    },
  );

  typed.post(
    '/manage/v1/password-resets/:token',
    {
      onRequest: sameOrigin,
      schema: {
        ...open,
        operationId: 'manageResetPassword',
        summary: 'Set a new password with a reset link',
        description: 'Sets the password (at least 8 characters), spends the link and ends every session of that user.',
        params: tokenParams,
        body: z.strictObject({ password }),
        response: { 200: ok('The password is set.', dataEnvelope(z.object({ reset: z.literal(true), email: z.string() }))), 400: invalid, 404: gone },
      },
    },
    async (req) => {
      const done = await db.transaction((tx) => resetPassword(tx, req.params.token, req.body.password));
      return { data: { reset: true as const, email: done.email } };
    },
  );
}
