import crypto from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { intakeTokens } from '../storage/schema/index.ts';
import type { Environment } from './context.ts';
import { AppError, notFound } from './errors.ts';
import { newId, now } from './ids.ts';

// An intake token is a secret address for one tenant and environment, given to a partner that
// cannot send an API key, and it opens one thing only (its purpose):
// - `adf`: POST /intake/adf/<token> and <token>@SMTP_DOMAIN, "create leads from ADF" there;
// - `feed`: GET /feeds/<token>/…, "read the listed inventory as a marketplace feed".
// Lower-case letters and digits only (128 bits), so it survives as an e-mail local part, which
// mail systems may fold to lower case, and in any URL a marketplace stores.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export type TokenPurpose = 'adf' | 'feed';
const PREFIX: Record<TokenPurpose, string> = { adf: 'adf-', feed: 'feed-' };
const PATTERN: Record<TokenPurpose, RegExp> = { adf: /^adf-[a-z2-7]{26}$/, feed: /^feed-[a-z2-7]{26}$/ };
const DEFAULT_NAME: Record<TokenPurpose, string> = { adf: 'ADF lead intake', feed: 'Inventory feed' };
const NOUN: Record<TokenPurpose, string> = { adf: 'intake address', feed: 'feed address' };

function generateToken(purpose: TokenPurpose): string {
  const bytes = crypto.randomBytes(17);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return PREFIX[purpose] + out;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export type IntakeTokenRow = typeof intakeTokens.$inferSelect;
export type IntakeTokenView = {
  id: string;
  name: string;
  environment: Environment;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export const intakeTokenView = (row: IntakeTokenRow): IntakeTokenView => ({
  id: row.id,
  name: row.name,
  environment: row.environment,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** Creates a token; the returned `token` is the only time it exists outside the provider's settings. */
export async function createIntakeToken(db: Queryable, input: { tenantId: string; environment: Environment; name?: string; purpose?: TokenPurpose }): Promise<IntakeTokenView & { token: string }> {
  const purpose = input.purpose ?? 'adf';
  const token = generateToken(purpose);
  const [row] = await db
    .insert(intakeTokens)
    .values({
      tenantId: input.tenantId,
      environment: input.environment,
      id: newId(),
      purpose,
      name: input.name?.trim() || DEFAULT_NAME[purpose],
      tokenHash: hashToken(token),
      prefix: token.slice(0, 8),
      createdAt: now(),
    })
    .returning();
  return { ...intakeTokenView(row), token };
}

export async function listIntakeTokens(db: Queryable, tenantId: string, environment?: Environment, purpose: TokenPurpose = 'adf'): Promise<IntakeTokenView[]> {
  const rows = await db
    .select()
    .from(intakeTokens)
    .where(and(eq(intakeTokens.tenantId, tenantId), environment ? eq(intakeTokens.environment, environment) : undefined, eq(intakeTokens.purpose, purpose)))
    .orderBy(desc(intakeTokens.createdAt));
  return rows.map(intakeTokenView);
}

/**
 * Revokes by id; with an owner, only that tenant's token of that purpose in that environment (the
 * dashboard, where another environment's token, or an intake token on the feeds page, is simply not
 * found), without one any token (the operator's CLI).
 */
export async function revokeIntakeToken(db: Queryable, id: string, owner?: { tenantId: string; environment: Environment; purpose?: TokenPurpose }): Promise<IntakeTokenView> {
  const mine = owner ? and(eq(intakeTokens.tenantId, owner.tenantId), eq(intakeTokens.environment, owner.environment), eq(intakeTokens.purpose, owner.purpose ?? 'adf')) : undefined;
  const [row] = await db
    .update(intakeTokens)
    .set({ revokedAt: now() })
    .where(and(eq(intakeTokens.id, id), mine, isNull(intakeTokens.revokedAt)))
    .returning();
  if (!row) {
    const [existing] = await db
      .select()
      .from(intakeTokens)
      .where(and(eq(intakeTokens.id, id), mine));
    if (existing) return intakeTokenView(existing);
    throw notFound(owner?.purpose === 'feed' ? 'Feed token' : 'Intake token', id);
  }
  return intakeTokenView(row);
}

/** The live token's tenant and environment, or an error that says no more than "not valid". */
export async function resolveIntakeToken(db: Queryable, presented: string, purpose: TokenPurpose = 'adf'): Promise<IntakeTokenRow> {
  const token = presented.trim().toLowerCase();
  // The same answer for a malformed, unknown, revoked or other-purpose token: a prober learns nothing.
  const refused = new AppError('not_found', `This ${NOUN[purpose]} does not exist or has been revoked`);
  if (!PATTERN[purpose].test(token)) throw refused;
  const [row] = await db
    .select()
    .from(intakeTokens)
    .where(eq(intakeTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!row || row.revokedAt || row.purpose !== purpose) throw refused;
  return row;
}

export async function touchIntakeToken(db: Queryable, row: IntakeTokenRow): Promise<void> {
  await db
    .update(intakeTokens)
    .set({ lastUsedAt: now() })
    .where(and(eq(intakeTokens.tenantId, row.tenantId), eq(intakeTokens.id, row.id)));
}
