import crypto from 'node:crypto';
import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Queryable, type Tx } from '../storage/db.ts';
import { idempotencyKeys } from '../storage/schema/index.ts';
import type { Environment } from './context.ts';
import { AppError } from './errors.ts';
import { appendEvents, eventsWritten, isoText, withStatementValues, type PendingEvent } from './events.ts';
import { writeInstant, type DeferredWrite } from './collection.ts';
import { credentialPattern } from './secrets.ts';

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

/** What a replay shows in place of a secret: the stored response never holds one. */
export const SECRET_NOT_STORED = '[not stored: shown only in the original response; rotate it if it was lost]';

/**
 * The response as stored for replays, without secrets: the fields a route names (`data.key`) and
 * any string holding one of our credentials, wherever it sits. A replayed POST that created an
 * API key, a webhook secret or a shopper's tokens says it was shown once (as Stripe does for
 * restricted keys), and `idempotency_keys` never holds one in clear text.
 */
export function withoutSecrets(body: unknown, secretFields: readonly string[] = []): unknown {
  const named = new Set(secretFields);
  const visit = (value: unknown, path: string): unknown => {
    if (named.has(path) && value !== null && value !== undefined) return SECRET_NOT_STORED;
    if (typeof value === 'string') return credentialPattern().test(value) ? SECRET_NOT_STORED : value;
    if (Array.isArray(value)) return value.map((v) => visit(v, `${path}[]`));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, path ? `${path}.${k}` : k)]));
    }
    return value;
  };
  return visit(body, '');
}

const match = (s: IdempotencyScope) => and(eq(idempotencyKeys.tenantId, s.tenantId), eq(idempotencyKeys.environment, s.environment), eq(idempotencyKeys.key, s.key));

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
export async function record(tx: Tx, s: StoreRequest, statusCode: number, response: unknown, pending: PendingEvent[]): Promise<boolean> {
  const store = storeStatement(s, statusCode, sql`${JSON.stringify(response)}::json`);
  const [row] = await queryRows<{ stored: number }>(
    tx,
    pending.length
      ? sql`with appended as (${appendEvents(pending)}), stored as (${store}) select (select count(*) from stored)::int as stored`
      : sql`with stored as (${store}) select (select count(*) from stored)::int as stored`,
  );
  const stored = Number(row.stored) > 0;
  if (stored && pending.length) eventsWritten(tx);
  return stored;
}

export type StoreRequest = IdempotencyScope & { requestHash: string; method: string; path: string };

// The record of a response for replays. An expired record is replaced, so a key can be reused
// after 24 hours; a live one is left alone and the statement stores nothing (`returning` is empty).
function storeStatement(s: StoreRequest, statusCode: number, response: SQL): SQL {
  const expired = new Date(Date.now() - IDEMPOTENCY_TTL_MS).toISOString();
  return sql`insert into ${idempotencyKeys} (tenant_id, environment, key, request_hash, method, path, status_code, response, created_at)
    values (${s.tenantId}, ${s.environment}, ${s.key}, ${s.requestHash}, ${s.method}, ${s.path}, ${statusCode}, ${response}, ${new Date().toISOString()}::timestamptz)
    on conflict (tenant_id, environment, key) do update set request_hash = excluded.request_hash, method = excluded.method, path = excluded.path,
      status_code = excluded.status_code, response = excluded.response, created_at = excluded.created_at
    where ${idempotencyKeys}.created_at < ${expired}::timestamptz
    returning key`;
}

/**
 * A pure collection's create (core/collection.ts DeferredWrite), its events and, with an
 * Idempotency-Key, the response for replays, as one autocommit statement: all of it is stored or
 * none. The statement's instant (ISO text) replaces PENDING_INSTANT in the events and the stored
 * response, and the values only it knows (a document number) their stand-ins. Answers `taken`
 * when another request holds the key: it committed first, and this statement stored nothing at all
 * (a deliberate cast error aborts it, written row and events too); `refused` the same way when a
 * check of the write's facts failed (a reference missing, the tenant's currency changed).
 */
export async function runDeferred(
  db: Queryable,
  write: DeferredWrite | undefined,
  store?: { request: StoreRequest; statusCode: number; response: unknown },
): Promise<{ instant: string; row?: Record<string, unknown>; standIns: Map<string, string> } | 'taken' | 'refused'> {
  const instant = isoText(writeInstant());
  const facts = write?.facts;
  const standIns = facts?.standIns ?? [];
  const ctes: SQL[] = [...(facts?.ctes ?? [])];
  const columns: SQL[] = [sql`${instant} as motors_instant`];
  if (write) ctes.push(sql`written as (${write.statement})`, sql`appended as (${appendEvents(write.events, instant, standIns)})`);
  if (store) {
    const response = sql`${withStatementValues(JSON.stringify(store.response), instant, standIns)}::json`;
    ctes.push(sql`stored as (${storeStatement(store.request, store.statusCode, response)})`);
    columns.push(sql`case when exists (select 1 from stored) then 1 else ('motors_idempotency_taken ' || (select count(*) from stored))::int end as motors_stored`);
  }
  if (facts?.guards.length) {
    columns.push(sql`case when ${sql.join(facts.guards, sql` and `)} then 1 else ('motors_write_refused ' || (select count(*) from written))::int end as motors_checked`);
  }
  standIns.forEach((s, i) => columns.push(sql`${s.value} as ${sql.identifier(`motors_stand_in_${i}`)}`));
  const query = sql`with ${sql.join(ctes, sql`, `)} select ${write ? sql`written.*, ` : sql``}${sql.join(columns, sql`, `)}${write ? sql` from written` : sql``}`;
  try {
    const [row] = await queryRows<Record<string, unknown>>(db, query);
    if (write?.events.length) eventsWritten(db);
    const values = new Map(standIns.map((s, i) => [s.text, String(row[`motors_stand_in_${i}`])]));
    return { instant: String(row.motors_instant), row: write ? row : undefined, standIns: values };
  } catch (err) {
    // The database's message quotes the value that failed the cast; the driver's wrapper (drizzle's
    // "Failed query: …") also holds the statement's text, which names both, single-quoted.
    const refusal = /"motors_(idempotency_taken|write_refused) /.exec(String(((err as { cause?: Error }).cause ?? (err as Error)).message))?.[1];
    if (refusal === 'idempotency_taken') return 'taken';
    if (refusal === 'write_refused') return 'refused';
    throw err;
  }
}

/** Stores a 4xx that rolled its transaction back, so a retry gets the same answer. */
export async function storeFailure(db: Queryable, s: IdempotencyScope & { requestHash: string; method: string; path: string }, statusCode: number, response: unknown): Promise<void> {
  await db
    .insert(idempotencyKeys)
    .values({ ...s, statusCode, response, createdAt: new Date() })
    .onConflictDoNothing();
}

export async function pruneIdempotencyKeys(db: Queryable): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(Date.now() - IDEMPOTENCY_TTL_MS)));
}

export const inUse = (key: string) => new AppError('idempotency_key_in_use', `A request with Idempotency-Key "${key}" is still being processed; retry when it has finished`);

export const reused = (key: string) => new AppError('idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request; use a new key for a new request`);
