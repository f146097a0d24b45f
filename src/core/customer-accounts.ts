import crypto from 'node:crypto';
import { and, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { SignJWT, jwtVerify } from 'jose';
import type { Ctx } from './context.ts';
import { customers, refreshTokens, shopperAccounts } from '../storage/schema/index.ts';
import { queryRows } from '../storage/db.ts';
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
  const [row] = await ctx.db
    .select()
    .from(shopperAccounts)
    .where(eq(shopperAccounts.email, normalise(email)))
    .limit(1);
  return row;
}

async function linkedCustomer(ctx: Ctx, accountId: string): Promise<CustomerRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(customers)
    .where(scopedLive(ctx, customers, eq(customers.accountId, accountId)))
    .limit(1);
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
  // Concurrent first sign-ins of one shopper at this dealer take turns here (a lock held to the
  // end of the request's transaction), and the later ones find the customer the first one made.
  // Not an ON CONFLICT on customers_account_uq: the customer is created through the collection,
  // whose crm.customers.created event a losing insert would have to take back.
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`shopper-link:${ctx.tenantId}:${ctx.environment}:${account.id}`}, 0))`);
  const linkedMeanwhile = await linkedCustomer(ctx, account.id);
  if (linkedMeanwhile) return { customer: linkedMeanwhile, isNewCustomer: false };
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
  await ctx.db
    .update(customers)
    .set({ accountId: account.id })
    .where(scoped(ctx, customers, eq(customers.id, created.id)));
  const [row] = await ctx.db
    .select()
    .from(customers)
    .where(scoped(ctx, customers, eq(customers.id, created.id)));
  return { customer: row, isNewCustomer: true };
}

// The access token names its session family (`fam`), so that ending the family (reuse of a
// refresh token, logout) ends the access tokens issued in it too, not only the refresh tokens.
function accessToken(ctx: Ctx, secret: Uint8Array, accountId: string, customerId: string, familyId: string) {
  return new SignJWT({ tid: ctx.tenantId, env: ctx.environment, cid: customerId, fam: familyId, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(accountId)
    .setIssuer(ISSUER)
    .setAudience(`${ctx.tenantId}:${ctx.environment}`)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .sign(secret);
}

function newRefreshToken() {
  const token = `mrt_${crypto.randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * 86400_000) };
}

const tokens = (access: string, refresh: string) => ({ access_token: access, refresh_token: refresh, expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer' as const });

async function issue(ctx: Ctx, secret: Uint8Array, account: AccountRow, customer: CustomerRow) {
  const refresh = newRefreshToken();
  const familyId = newId();
  await ctx.db.insert(refreshTokens).values({
    tenantId: ctx.tenantId,
    environment: ctx.environment,
    id: newId(),
    familyId,
    accountId: account.id,
    customerId: customer.id,
    tokenHash: refresh.tokenHash,
    expiresAt: refresh.expiresAt,
    createdAt: now(),
  });
  return tokens(await accessToken(ctx, secret, account.id, customer.id, familyId), refresh.token);
}

export type RegisterInput = { email: string; password: string; firstName: string; lastName: string; phone?: { mobile?: string; whatsapp?: string } };

/**
 * The one refusal of a registration, whatever its reason (the email is registered with this
 * dealer already, or elsewhere and the password is wrong): telling them apart would tell a caller
 * with a guessed password whether it is right, without the sign-in budget (README, "Sign-in
 * throttling").
 */
const registrationRefused = () =>
  new AppError('conflict', 'email: an account with this email exists; sign in with its password instead of registering', {
    fields: [{ field: 'email', message: 'an account with this email exists; sign in with its password' }],
  });

export async function register(ctx: Ctx, secret: Uint8Array, input: RegisterInput): Promise<Session> {
  let account = await findAccount(ctx, input.email);
  let isNewUser = false;
  if (!account) {
    const t = now();
    // A concurrent registration of the same email waits here for the first to commit, and then
    // goes on as an existing account.
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
      .onConflictDoNothing({ target: shopperAccounts.email })
      .returning();
    isNewUser = Boolean(account);
    account ??= await findAccount(ctx, input.email);
    if (!account) throw registrationRefused();
  }
  if (!isNewUser) {
    // Linking an existing person to a second dealer needs their password, or anyone could attach
    // someone else's email to a new dealer. Verified even when the answer is a refusal anyway,
    // so that its timing says nothing either.
    const rightPassword = await verifyPassword(account.passwordHash, input.password);
    if (!rightPassword || (await linkedCustomer(ctx, account.id))) throw registrationRefused();
  }
  const { customer, isNewCustomer } = await linkAtDealer(ctx, account);
  return { isNewUser, isNewCustomer, ...(await issue(ctx, secret, account, customer)), user: userView(account) };
}

/** Returns null when the email or password is wrong (the caller counts the failure). */
export async function login(ctx: Ctx, secret: Uint8Array, input: { email: string; password: string }): Promise<Session | null> {
  const account = await findAccount(ctx, input.email);
  if (!account || !(await verifyPassword(account.passwordHash, input.password))) return null;
  const { customer, isNewCustomer } = await linkAtDealer(ctx, account);
  return { isNewCustomer, ...(await issue(ctx, secret, account, customer)), user: userView(account) };
}

/**
 * Rotates a refresh token. Run it outside a request transaction (`ctx.db` the database itself):
 * the rotation is one statement, and the revocation of a reused token's family must commit
 * although the request fails.
 */
export async function refresh(ctx: Ctx, secret: Uint8Array, token: string): Promise<Session> {
  const tokenHash = hashToken(token);
  const successor = newRefreshToken();
  const t = now();
  // The token is marked used and its successor inserted in one statement. A concurrent use of
  // the same token waits on this row's lock, then finds it used: the reuse below, which by then
  // sees the successor committed and revokes it with the rest of the family.
  const [rotated] = await queryRows<{ account_id: string; family_id: string }>(
    ctx.db,
    sql`with used as (
          update ${refreshTokens} set used_at = ${t.toISOString()}::timestamptz
          where ${scoped(ctx, refreshTokens as never, eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, t))}
          returning family_id, account_id, customer_id)
        insert into ${refreshTokens} (tenant_id, environment, id, family_id, account_id, customer_id, token_hash, expires_at, created_at)
        select ${ctx.tenantId}, ${ctx.environment}, ${newId()}, family_id, account_id, customer_id, ${successor.tokenHash}, ${successor.expiresAt.toISOString()}::timestamptz, ${t.toISOString()}::timestamptz
        from used
        returning account_id, family_id`,
  );
  const refused = new AppError('unauthorized', 'Invalid or expired refresh token; sign in again');
  if (!rotated) {
    const [row] = await ctx.db
      .select({ familyId: refreshTokens.familyId, usedAt: refreshTokens.usedAt, revokedAt: refreshTokens.revokedAt })
      .from(refreshTokens)
      .where(scoped(ctx, refreshTokens as never, eq(refreshTokens.tokenHash, tokenHash)))
      .limit(1);
    if (!row?.usedAt || row.revokedAt) throw refused;
    // Reuse of a rotated token means it leaked: end the whole session family.
    await revokeFamily(ctx, row.familyId);
    throw new AppError('unauthorized', 'This refresh token was already used; the session has been ended for safety. Sign in again.');
  }
  const [account] = await ctx.db.select().from(shopperAccounts).where(eq(shopperAccounts.id, rotated.account_id));
  const customer = await linkedCustomer(ctx, rotated.account_id);
  if (!account || !customer) throw refused;
  return { isNewCustomer: false, ...tokens(await accessToken(ctx, secret, account.id, customer.id, rotated.family_id), successor.token), user: userView(account) };
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
  const refused = new AppError('unauthorized', "Invalid or expired customer token: send the access_token from login or register as Authorization: Bearer, with this dealer's API key");
  let claims: { accountId: string; customerId: string; familyId: string };
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: `${ctx.tenantId}:${ctx.environment}`, algorithms: ['HS256'] });
    if (payload.typ !== 'access' || payload.tid !== ctx.tenantId || payload.env !== ctx.environment || !payload.sub || typeof payload.fam !== 'string') throw new Error('wrong token');
    claims = { accountId: payload.sub, customerId: String(payload.cid), familyId: payload.fam };
  } catch {
    throw refused;
  }
  // revokeFamily revokes every token of the family, so one revoked token means the family ended.
  const [revoked] = await ctx.db
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(scoped(ctx, refreshTokens as never, eq(refreshTokens.familyId, claims.familyId), isNotNull(refreshTokens.revokedAt)))
    .limit(1);
  if (revoked) throw new AppError('unauthorized', 'This session has ended (signed out, or a refresh token was reused); sign in again');
  return { accountId: claims.accountId, customerId: claims.customerId };
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
