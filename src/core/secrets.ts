import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { settings } from '../storage/schema/index.ts';

/**
 * The secret that signs shoppers' tokens and staff sessions: MOTORS_SECRET when given, otherwise
 * generated on first start and kept in the database, so every process and restart agrees on it.
 */
export async function signingSecret(db: Queryable, configured?: string): Promise<string> {
  if (configured) return configured;
  const generated = crypto.randomBytes(48).toString('base64url');
  await db.insert(settings).values({ key: 'signing_secret', value: generated }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, 'signing_secret'));
  return row.value;
}

/**
 * The forms of every credential the server hands out: API keys, shoppers' refresh tokens, webhook
 * signing secrets, JWTs and staff links (invitations, password resets). Recognised by form wherever they appear, so a new route that returns
 * one is covered without anyone remembering (log redaction, the idempotency store).
 */
export const credentialPattern = () => /motors_sk_(live|test)_[0-9A-Za-z]+|mrt_[\w-]+|msl_[\w-]+|whsec_[\w+/=%-]+|eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
