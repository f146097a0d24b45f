import crypto from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { queryRows, type Queryable, type Tx } from '../storage/db.ts';
import { idempotencyKeys } from '../storage/schema/index.ts';
import type { Environment } from './context.ts';
import { AppError } from './errors.ts';
import { appendEvents, notifyIfAny, type PendingEvent } from './events.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyScope = { tenantId: string; environment: Environment; key: string };
export type StoredResponse = { statusCode: number; response: unknown; requestHash: string };

export function requestHash(method: string, url: string, body: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(body ?? null);
  } catch {
    // Thousands of nested arrays parse, but overflow the stack when serialised again (found by
    // test/fuzz.test.ts): no schema of ours nests that deep, so it is the caller's error.
    throw new AppError('validation_failed', 'body: nested too deeply', { fields: [{ field: 'body', message: 'nested too deeply' }] });
  }
  return crypto.createHash('sha256').update(`${method} ${url}\n${text}`).digest('hex');
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
 * Stores the response and the write's events in the write's transaction, in one statement.
 * Returns false when another request holds the key (it committed first: the caller rolls back,
 * events included, and replays that one). An expired record is replaced, so a key can be reused
 * after 24 hours.
 */
export async function record(
  tx: Tx,
  s: IdempotencyScope & { requestHash: string; method: string; path: string },
  statusCode: number,
  response: unknown,
  pending: PendingEvent[],
): Promise<boolean> {
  const expired = new Date(Date.now() - IDEMPOTENCY_TTL_MS).toISOString();
  const store = sql`insert into ${idempotencyKeys} (tenant_id, environment, key, request_hash, method, path, status_code, response, created_at)
    values (${s.tenantId}, ${s.environment}, ${s.key}, ${s.requestHash}, ${s.method}, ${s.path}, ${statusCode}, ${JSON.stringify(response)}::json, ${new Date().toISOString()}::timestamptz)
    on conflict (tenant_id, environment, key) do update set request_hash = excluded.request_hash, method = excluded.method, path = excluded.path,
      status_code = excluded.status_code, response = excluded.response, created_at = excluded.created_at
    where ${idempotencyKeys}.created_at < ${expired}::timestamptz
    returning key`;
  const [row] = await queryRows<{ stored: number }>(
    tx,
    pending.length
      ? sql`with appended as (${appendEvents(pending)}), stored as (${store}) select (select count(*) from stored)::int as stored, ${notifyIfAny(sql`appended`)} as notified`
      : sql`with stored as (${store}) select (select count(*) from stored)::int as stored`,
  );
  return Number(row.stored) > 0;
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
