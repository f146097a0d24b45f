import crypto from 'node:crypto';
import { and, eq, inArray, isNull, lt, lte, notInArray, sql } from 'drizzle-orm';
import { Agent, request } from 'undici';
import type { Db, Queryable } from '../storage/db.ts';
import { events, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../storage/schema/index.ts';
import { scopedId } from '../storage/tenant-scope.ts';
import type { Environment } from './context.ts';
import { EVENTS_CHANNEL } from './events.ts';
import { newId, now } from './ids.ts';
import { pruneIdempotencyKeys } from './idempotency.ts';
import { signDelivery } from './webhook-signing.ts';
import { guardedLookup, literalPrivateHost } from './webhook-urls.ts';

export type WebhookSettings = {
  /** Seconds to wait after the 1st, 2nd, … failed attempt; when exhausted the delivery is dead. */
  retryDelays: number[];
  allowPrivate: boolean;
  /** How long a claimed delivery is reserved for its worker; longer than the request timeout. */
  leaseMs: number;
  retentionDays: number;
  timeoutMs: number;
};

export const DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;
export const RESPONSE_BODY_LIMIT = 4096;
const RETRY_AFTER_CAP_MS = 24 * 60 * 60 * 1000;

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type EventRow = typeof events.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Does an endpoint's subscription list take this event? `*`, exact names, or `crm.customers.*` prefixes. */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/**
 * Fans undispatched outbox events out to the endpoints that subscribe to them, as delivery rows,
 * and marks the events dispatched, in one transaction. Concurrent dispatchers skip each other's
 * rows. The outbox spans tenants, so this is the one place that reads across them; each event
 * only ever meets endpoints of its own tenant and environment.
 *
 * With `claim`, up to `claim.max` of the new deliveries are leased to the caller in the same
 * transaction and returned ready to send (saving a claim round trip on the hot path); the rest
 * wait in the queue for any worker.
 */
export async function dispatchEvents(
  db: Db,
  limit = 500,
  claim?: { owner: string; max: number; leaseMs: number },
): Promise<{ events: number; deliveries: number; claimed: DeliveryTarget[] }> {
  return db.transaction(async (tx) => {
    const batch = await tx.select().from(events).where(isNull(events.dispatchedAt)).orderBy(events.id).limit(limit).for('update', { skipLocked: true });
    if (!batch.length) return { events: 0, deliveries: 0, claimed: [] };
    const tenantIds = [...new Set(batch.map((e) => e.tenantId))];
    const endpoints = await tx
      .select()
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.tenantId, tenantIds), eq(webhookEndpoints.enabled, true), isNull(webhookEndpoints.deletedAt)));
    const at = now();
    const lease = claim ? new Date(at.getTime() + claim.leaseMs) : undefined;
    const rows: (typeof webhookDeliveries.$inferInsert)[] = [];
    const targets = new Map<string, { endpoint: EndpointRow; event: EventRow }>();
    for (const e of batch) {
      for (const ep of endpoints) {
        if (ep.tenantId !== e.tenantId || ep.environment !== e.environment || !subscribes(ep.events, e.type)) continue;
        const mine = claim && targets.size < claim.max;
        const id = newId();
        if (mine) targets.set(id, { endpoint: ep, event: e });
        rows.push({
          tenantId: e.tenantId, environment: e.environment, id, endpointId: ep.id, eventId: e.id, eventType: e.type,
          status: 'pending', attempts: 0, nextAttemptAt: mine ? lease : at, leaseOwner: mine ? claim.owner : null, leaseExpiresAt: mine ? lease : null,
          createdAt: at, updatedAt: at,
        });
      }
    }
    const claimed: DeliveryTarget[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await tx.insert(webhookDeliveries).values(rows.slice(i, i + 1000)).onConflictDoNothing().returning();
      for (const d of inserted) {
        const t = targets.get(d.id);
        if (t) claimed.push({ delivery: d, ...t });
      }
    }
    await tx
      .update(events)
      .set({ dispatchedAt: at })
      .where(and(inArray(events.tenantId, tenantIds), inArray(events.id, batch.map((e) => e.id))));
    return { events: batch.length, deliveries: rows.length, claimed };
  });
}

/**
 * Claims up to `limit` due deliveries for `owner`. The lease is also the new next_attempt_at, so
 * a delivery whose worker died becomes due again by itself when the lease runs out.
 */
export async function claimDeliveries(db: Db, owner: string, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
  if (limit <= 0) return [];
  return db.transaction(async (tx) => {
    const at = now();
    const due = await tx
      .select({ tenantId: webhookDeliveries.tenantId, id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.status, ['pending', 'failed']), lte(webhookDeliveries.nextAttemptAt, at)))
      .orderBy(webhookDeliveries.nextAttemptAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    const expires = new Date(at.getTime() + leaseMs);
    return tx
      .update(webhookDeliveries)
      .set({ leaseOwner: owner, leaseExpiresAt: expires, nextAttemptAt: expires, updatedAt: at })
      .where(and(inArray(webhookDeliveries.tenantId, [...new Set(due.map((d) => d.tenantId))]), inArray(webhookDeliveries.id, due.map((d) => d.id))))
      .returning();
  });
}

/** The body every receiver gets: `{ id, event, createdAt, environment, data }`. */
export function deliveryBody(event: Pick<EventRow, 'id' | 'type' | 'createdAt' | 'environment' | 'data'>): string {
  return JSON.stringify({ id: event.id, event: event.type, createdAt: event.createdAt.toISOString(), environment: event.environment, data: event.data });
}

export type AttemptResult = {
  requestId: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  ok: boolean;
  /** From Retry-After on a 429 or 503. */
  retryAfterMs?: number;
};

const openAgent = new Agent({ connections: 128, keepAliveTimeout: 10_000 });
const guardedAgent = new Agent({ connections: 128, keepAliveTimeout: 10_000, connect: { lookup: guardedLookup as never } });

/** One signed POST. Never throws: every outcome is an AttemptResult for the log. */
export async function sendAttempt(
  settings: Pick<WebhookSettings, 'allowPrivate' | 'timeoutMs'>,
  endpoint: Pick<EndpointRow, 'url' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  event: Pick<EventRow, 'id' | 'type' | 'createdAt' | 'environment' | 'data'>,
): Promise<AttemptResult> {
  const requestId = crypto.randomUUID();
  const startedAt = now();
  const t0 = performance.now();
  const result = (r: Partial<AttemptResult>): AttemptResult => ({
    requestId, startedAt, durationMs: Math.round(performance.now() - t0), statusCode: null, responseBody: null, error: null, ok: false, ...r,
  });
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > startedAt) secrets.push(endpoint.previousSecret);
  const body = deliveryBody(event);
  const headers = signDelivery({ secrets, eventId: event.id, eventType: event.type, requestId, body, timestampMs: startedAt.getTime() });
  try {
    const url = new URL(endpoint.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return result({ error: 'URL is not http(s)' });
    if (!settings.allowPrivate) {
      const literal = literalPrivateHost(url);
      if (literal) return result({ error: `${literal} is a private address webhooks may not reach` });
    }
    const res = await request(url, {
      method: 'POST',
      headers,
      body,
      dispatcher: settings.allowPrivate ? openAgent : guardedAgent,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    const responseBody = await readCapped(res.body);
    const statusCode = res.statusCode;
    const ok = statusCode >= 200 && statusCode < 300;
    let error: string | null = null;
    if (statusCode >= 300 && statusCode < 400) error = `Redirect to ${res.headers.location ?? '(no location)'} not followed; point the endpoint at the final URL`;
    else if (!ok) error = `HTTP ${statusCode}`;
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined;
    return result({ statusCode, responseBody, ok, error, retryAfterMs });
  } catch (err) {
    return result({ error: describeError(err, settings.timeoutMs) });
  }
}

async function readCapped(stream: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_LIMIT) {
      stream.destroy();
      break;
    }
  }
  // Cut at a byte boundary and let the decoder drop a split last character.
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT)).replace(/\uFFFD$/, '');
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : undefined;
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `Timed out after ${timeoutMs / 1000} s`;
  const cause = e?.cause ?? e;
  const code = cause?.code ?? e?.code;
  return [code, cause?.message ?? e?.message].filter(Boolean).join(': ') || 'Request failed';
}

/** The delay before the next attempt after `attempts` failures, or undefined when the schedule is exhausted. */
export function retryDelayMs(settings: Pick<WebhookSettings, 'retryDelays'>, attempts: number, retryAfterMs?: number): number | undefined {
  const base = settings.retryDelays[attempts - 1];
  if (base === undefined) return undefined;
  // ±20 % jitter spreads the retries of an endpoint that failed for many events at once.
  const scheduled = base * 1000 * (0.8 + Math.random() * 0.4);
  return retryAfterMs ?? scheduled;
}

export type DeliveryTarget = { delivery: DeliveryRow; endpoint?: EndpointRow; event?: EventRow };

/** The endpoints and events of a claimed batch, in two queries rather than two per delivery. */
export async function loadTargets(db: Queryable, deliveries: DeliveryRow[]): Promise<DeliveryTarget[]> {
  if (!deliveries.length) return [];
  const tenantIds = [...new Set(deliveries.map((d) => d.tenantId))];
  const [endpointRows, eventRows] = await Promise.all([
    db.select().from(webhookEndpoints).where(and(inArray(webhookEndpoints.tenantId, tenantIds), inArray(webhookEndpoints.id, [...new Set(deliveries.map((d) => d.endpointId))]))),
    db.select().from(events).where(and(inArray(events.tenantId, tenantIds), inArray(events.id, [...new Set(deliveries.map((d) => d.eventId))]))),
  ]);
  const key = (tenantId: string, id: string) => `${tenantId}/${id}`;
  const endpointsById = new Map(endpointRows.map((e) => [key(e.tenantId, e.id), e]));
  const eventsById = new Map(eventRows.map((e) => [key(e.tenantId, e.id), e]));
  return deliveries.map((d) => {
    const endpoint = endpointsById.get(key(d.tenantId, d.endpointId));
    const event = eventsById.get(key(d.tenantId, d.eventId));
    // Never across environments, whatever the rows say.
    return { delivery: d, endpoint: endpoint?.environment === d.environment ? endpoint : undefined, event: event?.environment === d.environment ? event : undefined };
  });
}

/** Why a delivery cannot be sent at all (it goes dead without an attempt), or undefined. */
export function undeliverable(t: DeliveryTarget): string | undefined {
  if (!t.endpoint || t.endpoint.deletedAt) return 'the endpoint was deleted';
  if (!t.endpoint.enabled) return 'the endpoint is disabled';
  if (!t.event) return 'the event is no longer stored';
  return undefined;
}

export type Outcome = DeliveryTarget & { attempt?: AttemptResult; skipped?: string };

/**
 * Records a batch of outcomes in one transaction: the attempts, the deliveries' new states and
 * the endpoints' failure clocks. Only the lease holder may settle a delivery: if its lease was
 * lost, the attempt is still logged but the row is left to its new owner. Returns when each
 * retried delivery is due next.
 */
export async function settleDeliveries(db: Db, settings: Pick<WebhookSettings, 'retryDelays'>, outcomes: Outcome[]): Promise<Date[]> {
  if (!outcomes.length) return [];
  const at = now();
  const nextTimes: Date[] = [];
  const rows = outcomes.map((o) => {
    const d = o.delivery;
    if (!o.attempt) return { d, status: 'dead', attempts: d.attempts, next: null, code: null, error: `Not sent: ${o.skipped}`, deliveredAt: null };
    const attempts = d.attempts + 1;
    if (o.attempt.ok) return { d, status: 'succeeded', attempts, next: null, code: o.attempt.statusCode, error: null, deliveredAt: at };
    const delay = retryDelayMs(settings, attempts, o.attempt.retryAfterMs);
    const next = delay === undefined ? null : new Date(at.getTime() + delay);
    if (next) nextTimes.push(next);
    return { d, status: next ? 'failed' : 'dead', attempts, next, code: o.attempt.statusCode, error: o.attempt.error, deliveredAt: null };
  });
  const stamp = (x: Date | null) => (x ? x.toISOString() : null);
  const values = sql.join(
    rows.map(
      (r) =>
        sql`(${r.d.tenantId}, ${r.d.id}, ${r.d.leaseOwner}, ${r.status}, ${r.attempts}::int, ${stamp(r.next)}::timestamptz, ${r.code}::int, ${r.error}::text, ${stamp(r.deliveredAt)}::timestamptz)`,
    ),
    sql`, `,
  );
  const attempted = outcomes.filter((o) => o.attempt);
  const byEndpoint = new Map<string, { endpoint: EndpointRow; ok: boolean; failed: boolean }>();
  for (const o of attempted) {
    const k = `${o.endpoint!.tenantId}/${o.endpoint!.id}`;
    const e = byEndpoint.get(k) ?? { endpoint: o.endpoint!, ok: false, failed: false };
    if (o.attempt!.ok) e.ok = true;
    else e.failed = true;
    byEndpoint.set(k, e);
  }
  await db.transaction(async (tx) => {
    if (attempted.length) {
      await tx.insert(webhookAttempts).values(
        attempted.map((o) => ({
          tenantId: o.delivery.tenantId, environment: o.delivery.environment, id: newId(), deliveryId: o.delivery.id, endpointId: o.delivery.endpointId,
          eventId: o.delivery.eventId, requestId: o.attempt!.requestId, worker: o.delivery.leaseOwner ?? 'unknown', startedAt: o.attempt!.startedAt,
          durationMs: o.attempt!.durationMs, statusCode: o.attempt!.statusCode, responseBody: o.attempt!.responseBody, error: o.attempt!.error,
        })),
      );
    }
    await tx.execute(sql`
      update webhook_deliveries d
         set status = v.status, attempts = v.attempts, next_attempt_at = v.next, last_status_code = v.code, last_error = v.error,
             delivered_at = coalesce(v.delivered_at, d.delivered_at), lease_owner = null, lease_expires_at = null, updated_at = ${at.toISOString()}::timestamptz
        from (values ${values}) as v(tenant_id, id, owner, status, attempts, next, code, error, delivered_at)
       where d.tenant_id = v.tenant_id and d.id = v.id and d.lease_owner = v.owner`);
    for (const { endpoint, ok, failed } of byEndpoint.values()) {
      const scope = { tenantId: endpoint.tenantId, environment: endpoint.environment };
      // The endpoint row is shared by all its deliveries: touch it only when its state changes
      // (or once a minute for last_success_at), so concurrent deliveries do not queue on its lock.
      if (ok && (endpoint.failingSince || !endpoint.lastSuccessAt || at.getTime() - endpoint.lastSuccessAt.getTime() > 60_000)) {
        await tx.update(webhookEndpoints).set({ failingSince: null, lastSuccessAt: at }).where(scopedId(scope, webhookEndpoints, endpoint.id));
      } else if (!ok && failed && (!endpoint.failingSince || at.getTime() - endpoint.failingSince.getTime() >= DISABLE_AFTER_MS)) {
        await recordEndpointFailure(tx, scope, endpoint, at);
      }
    }
  });
  return nextTimes;
}

/** Delivers one claimed delivery and records it (the single-delivery form of the worker's batch path). */
export async function performDelivery(db: Db, settings: WebhookSettings, delivery: DeliveryRow): Promise<Date[]> {
  const [target] = await loadTargets(db, [delivery]);
  const skipped = undeliverable(target);
  return settleDeliveries(db, settings, [{ ...target, skipped, attempt: skipped ? undefined : await sendAttempt(settings, target.endpoint!, target.event!) }]);
}

// The failure clock starts at the first failure after a success; five days of it disable the endpoint.
async function recordEndpointFailure(tx: Queryable, scope: { tenantId: string; environment: Environment }, endpoint: EndpointRow, at: Date) {
  const [current] = await tx.select({ failingSince: webhookEndpoints.failingSince }).from(webhookEndpoints).where(scopedId(scope, webhookEndpoints, endpoint.id));
  const since = current?.failingSince ?? at;
  const disable = at.getTime() - since.getTime() >= DISABLE_AFTER_MS;
  await tx
    .update(webhookEndpoints)
    .set({
      failingSince: since,
      ...(disable
        ? { enabled: false, disabledReason: `Disabled automatically on ${at.toISOString()}: no successful delivery since ${since.toISOString()} (5 days). Fix the receiver, enable the endpoint and recover the failed deliveries.` }
        : {}),
    })
    .where(scopedId(scope, webhookEndpoints, endpoint.id));
}

/** Wakes every worker listening for events (at commit of the caller's transaction). */
export async function wakeWorkers(db: Queryable): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
}

/** Drops delivery log entries older than the retention, and expired idempotency records. */
export async function pruneWebhookLog(db: Db, retentionDays: number): Promise<void> {
  const cutoff = new Date(Date.now() - retentionDays * 24 * 60 * 60 * 1000);
  await db.delete(webhookAttempts).where(lt(webhookAttempts.startedAt, cutoff));
  await db.delete(webhookDeliveries).where(and(lt(webhookDeliveries.createdAt, cutoff), notInArray(webhookDeliveries.status, ['pending', 'failed'])));
  await pruneIdempotencyKeys(db);
}
