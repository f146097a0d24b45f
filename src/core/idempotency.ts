import crypto from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../storage/db.ts';
import { idempotencyKeys } from '../storage/schema/index.ts';
import type { Environment } from './context.ts';
import { AppError } from './errors.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyScope = { tenantId: string; environment: Environment; key: string };
export type StoredResponse = { statusCode: number; response: unknown; requestHash: string };

export function requestHash(method: string, url: string, body: unknown): string {
  return crypto.createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

const match = (s: IdempotencyScope) =>
  and(eq(idempotencyKeys.tenantId, s.tenantId), eq(idempotencyKeys.environment, s.environment), eq(idempotencyKeys.key, s.key));

export async function findStored(db: Queryable, s: IdempotencyScope): Promise<StoredResponse | undefined> {
  const [row] = await db
    .select({ statusCode: idempotencyKeys.statusCode, response: idempotencyKeys.response, requestHash: idempotencyKeys.requestHash, createdAt: idempotencyKeys.createdAt })
    .from(idempotencyKeys)
    .where(match(s))
    .limit(1);
  if (!row || row.statusCode === 0 || Date.now() - row.createdAt.getTime() > IDEMPOTENCY_TTL_MS) return undefined;
  return row;
}

/**
 * Claims the key inside the write's transaction. On PostgreSQL a concurrent request holding the
 * same key makes our insert wait on its row; a short lock_timeout turns that wait into a 409
 * instead of a queue. Returns the stored response when another request already completed.
 */
export async function claim(
  tx: Tx,
  s: IdempotencyScope & { requestHash: string; method: string; path: string },
): Promise<StoredResponse | 'claimed'> {
  // An expired record no longer holds the key.
  await tx.delete(idempotencyKeys).where(and(match(s), lt(idempotencyKeys.createdAt, new Date(Date.now() - IDEMPOTENCY_TTL_MS))));
  await tx.execute(sql`set local lock_timeout = '200ms'`);
  let inserted: { key: string }[];
  try {
    inserted = await tx
      .insert(idempotencyKeys)
      .values({ ...s, statusCode: 0, response: {}, createdAt: new Date() })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
  } catch (err) {
    if (pgCode(err) === '55P03') throw inUse(s.key);
    throw err;
  }
  await tx.execute(sql`set local lock_timeout = 0`);
  if (inserted.length) return 'claimed';
  const stored = await findStored(tx, s);
  if (!stored) throw inUse(s.key);
  return stored;
}

export async function complete(tx: Tx, s: IdempotencyScope, statusCode: number, response: unknown): Promise<void> {
  await tx.update(idempotencyKeys).set({ statusCode, response }).where(match(s));
}

/** Stores a 4xx that rolled its transaction back, so a retry gets the same answer. */
export async function storeFailure(
  db: Queryable,
  s: IdempotencyScope & { requestHash: string; method: string; path: string },
  statusCode: number,
  response: unknown,
): Promise<void> {
  await db
    .insert(idempotencyKeys)
    .values({ ...s, statusCode, response, createdAt: new Date() })
    .onConflictDoNothing();
}

export async function pruneIdempotencyKeys(db: Queryable): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(Date.now() - IDEMPOTENCY_TTL_MS)));
}

export const inUse = (key: string) =>
  new AppError('idempotency_key_in_use', `A request with Idempotency-Key "${key}" is still being processed; retry when it has finished`);

export const reused = (key: string) =>
  new AppError('idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request; use a new key for a new request`);

function pgCode(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
export { pgCode };
