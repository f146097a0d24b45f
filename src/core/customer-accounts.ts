import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { SignJWT, jwtVerify } from 'jose';
import type { Ctx } from './context.ts';
import { customers, refreshTokens, shopperAccounts } from '../storage/schema/index.ts';
import { scoped, scopedLive } from '../storage/tenant-scope.ts';
import { AppError } from './errors.ts';
import { newId, now } from './ids.ts';
import { hashPassword, verifyPassword } from './tenants.ts';
import { customerCollection, customerView, type CustomerRow } from './customers.ts';

// Storefront shoppers: one global account (email + password), and per dealer an independent
// customer record linked to it. Access tokens are JWTs bound to the dealer and environment;
// refresh tokens are opaque, rotate on use, and a reused one revokes its family.
export const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_DAYS = 30;
const ISSUER = 'motors-crm';

export type AccountRow = typeof shopperAccounts.$inferSelect;

export type Session = {
  isNewUser?: boolean;
  isNewCustomer: boolean;
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'Bearer';
  user: ReturnType<typeof userView>;
};

export function userView(a: AccountRow) {
  return {
    id: a.id,
    email: a.email,
    firstName: a.firstName,
    lastName: a.lastName,
    phone: a.phone,
    profileImageUrl: a.profileImageUrl,
  };
}

const normalise = (email: string) => email.trim().toLowerCase();
const hashToken = (t: string) => crypto.createHash('sha256').update(t).digest('hex');

async function findAccount(ctx: Ctx, email: string): Promise<AccountRow | undefined> {
  const [row] = await ctx.db.select().from(shopperAccounts).where(eq(shopperAccounts.email, normalise(email))).limit(1);
  return row;
}

async function linkedCustomer(ctx: Ctx, accountId: string): Promise<CustomerRow | undefined> {
  const [row] = await ctx.db.select().from(customers).where(scopedLive(ctx, customers, eq(customers.accountId, accountId))).limit(1);
  return row;
}

/**
 * The dealer's customer record for this account: the linked one, or a new one. A customer the
 * dealer already had with the same email is not taken over: shopper emails are not verified, so
 * whoever registers an address would otherwise see that customer's purchases in /auth/me. The
 * dealer merges the two in the CRM when it knows they are one person.
 */
async function linkAtDealer(ctx: Ctx, account: AccountRow): Promise<{ customer: CustomerRow; isNewCustomer: boolean }> {
  const linked = await linkedCustomer(ctx, account.id);
  if (linked) return { customer: linked, isNewCustomer: false };
  const created = await customerCollection.create(ctx, {
    type: 'person',
    firstName: account.firstName,
    lastName: account.lastName,
    email: account.email,
    mobile: account.phone.mobile ?? null,
    whatsapp: account.phone.whatsapp ?? null,
    source: 'storefront',
    lifecycleStage: 'PROSPECT',
  });
  await ctx.db.update(customers).set({ accountId: account.id }).where(scoped(ctx, customers, eq(customers.id, created.id)));
  const [row] = await ctx.db.select().from(customers).where(scoped(ctx, customers, eq(customers.id, created.id)));
  return { customer: row, isNewCustomer: true };
}

async function issue(ctx: Ctx, secret: Uint8Array, account: AccountRow, customer: CustomerRow, familyId = newId()) {
  const access = await new SignJWT({ tid: ctx.tenantId, env: ctx.environment, cid: customer.id, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(account.id)
    .setIssuer(ISSUER)
    .setAudience(`${ctx.tenantId}:${ctx.environment}`)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .sign(secret);
  const refresh = `mrt_${crypto.randomBytes(32).toString('base64url')}`;
  await ctx.db.insert(refreshTokens).values({
    tenantId: ctx.tenantId,
    environment: ctx.environment,
    id: newId(),
    familyId,
    accountId: account.id,
    customerId: customer.id,
    tokenHash: hashToken(refresh),
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * 86400_000),
    createdAt: now(),
  });
  return { access_token: access, refresh_token: refresh, expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer' as const };
}

export type RegisterInput = { email: string; password: string; firstName: string; lastName: string; phone?: { mobile?: string; whatsapp?: string } };

export async function register(ctx: Ctx, secret: Uint8Array, input: RegisterInput): Promise<Session> {
  const existing = await findAccount(ctx, input.email);
  let account = existing;
  if (existing) {
    if (await linkedCustomer(ctx, existing.id)) {
      throw new AppError('conflict', `email: ${existing.email} is already registered with this dealer; sign in instead`, {
        fields: [{ field: 'email', message: 'already registered; sign in instead' }],
      });
    }
    // Linking an existing person to a second dealer needs their password, or anyone could
    // attach someone else's email to a new dealer.
    if (!(await verifyPassword(existing.passwordHash, input.password))) {
      throw new AppError('conflict', `email: an account with ${existing.email} exists; sign in with its password to use it here`, {
        fields: [{ field: 'email', message: 'an account with this email exists; sign in with its password' }],
      });
    }
  } else {
    const t = now();
    [account] = await ctx.db
      .insert(shopperAccounts)
      .values({
        id: newId(),
        email: normalise(input.email),
        passwordHash: await hashPassword(input.password),
        firstName: input.firstName,
        lastName: input.lastName,
        phone: input.phone ?? {},
        createdAt: t,
        updatedAt: t,
      })
      .returning();
  }
  const { customer, isNewCustomer } = await linkAtDealer(ctx, account!);
  return { isNewUser: !existing, isNewCustomer, ...(await issue(ctx, secret, account!, customer)), user: userView(account!) };
}

/** Returns null when the email or password is wrong (the caller counts the failure). */
export async function login(ctx: Ctx, secret: Uint8Array, input: { email: string; password: string }): Promise<Session | null> {
  const account = await findAccount(ctx, input.email);
  if (!account || !(await verifyPassword(account.passwordHash, input.password))) return null;
  const { customer, isNewCustomer } = await linkAtDealer(ctx, account);
  return { isNewCustomer, ...(await issue(ctx, secret, account, customer)), user: userView(account) };
}

/**
 * Rotates a refresh token. A reused token returns an error instead of throwing it, so that the
 * family's revocation commits before the 401 goes out.
 */
export async function refresh(ctx: Ctx, secret: Uint8Array, token: string): Promise<Session | AppError> {
  const [row] = await ctx.db
    .select()
    .from(refreshTokens)
    .where(scoped(ctx, refreshTokens as never, eq(refreshTokens.tokenHash, hashToken(token))))
    .limit(1);
  const refused = new AppError('unauthorized', 'Invalid or expired refresh token; sign in again');
  if (!row || row.revokedAt || row.expiresAt.getTime() < Date.now()) throw refused;
  if (row.usedAt) {
    // Reuse of a rotated token means it leaked: end the whole session family.
    await revokeFamily(ctx, row.familyId);
    return new AppError('unauthorized', 'This refresh token was already used; the session has been ended for safety. Sign in again.');
  }
  await ctx.db.update(refreshTokens).set({ usedAt: now() }).where(scoped(ctx, refreshTokens as never, eq(refreshTokens.id, row.id)));
  const [account] = await ctx.db.select().from(shopperAccounts).where(eq(shopperAccounts.id, row.accountId));
  const customer = await linkedCustomer(ctx, row.accountId);
  if (!account || !customer) throw refused;
  return { isNewCustomer: false, ...(await issue(ctx, secret, account, customer, row.familyId)), user: userView(account) };
}

export async function revokeFamily(ctx: Ctx, familyId: string): Promise<void> {
  await ctx.db
    .update(refreshTokens)
    .set({ revokedAt: now() })
    .where(and(scoped(ctx, refreshTokens as never, eq(refreshTokens.familyId, familyId)), isNull(refreshTokens.revokedAt)));
}

export async function logout(ctx: Ctx, token: string): Promise<void> {
  const [row] = await ctx.db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(scoped(ctx, refreshTokens as never, eq(refreshTokens.tokenHash, hashToken(token))))
    .limit(1);
  if (row) await revokeFamily(ctx, row.familyId);
}

/** Verifies a shopper's access token for this dealer and environment; anything else is a 401. */
export async function verifyAccessToken(ctx: Ctx, secret: Uint8Array, token: string): Promise<{ accountId: string; customerId: string }> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: `${ctx.tenantId}:${ctx.environment}`, algorithms: ['HS256'] });
    if (payload.typ !== 'access' || payload.tid !== ctx.tenantId || payload.env !== ctx.environment || !payload.sub) throw new Error('wrong token');
    return { accountId: payload.sub, customerId: String(payload.cid) };
  } catch {
    throw new AppError('unauthorized', 'Invalid or expired customer token: send the access_token from login or register as Authorization: Bearer, with this dealer\'s API key');
  }
}

export async function me(ctx: Ctx, accountId: string) {
  const [account] = await ctx.db.select().from(shopperAccounts).where(eq(shopperAccounts.id, accountId));
  const customer = account && (await linkedCustomer(ctx, accountId));
  if (!account || !customer) throw new AppError('unauthorized', 'This customer account no longer exists here; sign in again');
  const view = customerView(customer);
  return {
    user: userView(account),
    customer: {
      customerId: view.id,
      lifecycleStage: view.lifecycleStage,
      customerSegment: view.isVip ? 'vip' : 'new',
      isVip: view.isVip,
      totalPurchases: 0,
      totalSpent: 0,
      memberSince: view.createdAt,
    },
  };
}
