import { and, eq, getTableColumns, inArray, isNull, lt, lte, notInArray, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../storage/db.ts';
import { events, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../storage/schema/index.ts';
import { scopedId } from '../storage/tenant-scope.ts';
import { notifyAfterCommit } from '../storage/notify.ts';
import type { Environment } from './context.ts';
import { EVENTS_CHANNEL, matchesEventPattern } from './events.ts';
import { newId, now } from './ids.ts';
import { pruneIdempotencyKeys } from './idempotency.ts';
import type { SmtpRelay } from './adf-send.ts';

export type WebhookSettings = {
  /** Seconds to wait after the 1st, 2nd, … failed attempt; when exhausted the delivery is dead. */
  retryDelays: number[];
  allowPrivate: boolean;
  /** How long a claimed delivery is reserved for its worker; longer than the request timeout. */
  leaseMs: number;
  retentionDays: number;
  /** Days the event log and the request log are kept (EVENT_RETENTION_DAYS). */
  eventRetentionDays: number;
  timeoutMs: number;
  /** Outgoing mail for ADF forwarding by e-mail (SMTP_RELAY_URL); unset, e-mail targets are refused. */
  smtpRelay?: SmtpRelay;
};

export const DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type EventRow = typeof events.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

// A delivery as a row of webhook_deliveries, for json_populate_recordset.
const deliveryRecord = (d: DeliveryRow) => ({
  tenant_id: d.tenantId,
  environment: d.environment,
  id: d.id,
  endpoint_id: d.endpointId,
  event_id: d.eventId,
  event_type: d.eventType,
  status: d.status,
  attempts: d.attempts,
  next_attempt_at: d.nextAttemptAt,
  lease_owner: d.leaseOwner,
  lease_expires_at: d.leaseExpiresAt,
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
  delivered_at: d.deliveredAt,
});

// Both drivers answer a raw statement with `{ rows }`.
const resultRows = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Does an endpoint's subscription list take this event? `*`, exact names, or `crm.customers.*` prefixes. */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => matchesEventPattern(p, type));
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
export async function dispatchEvents(db: Db, limit = 500, claim?: { owner: string; max: number; leaseMs: number }): Promise<{ events: number; deliveries: number; claimed: DeliveryTarget[] }> {
  return db.transaction(async (tx) => {
    const at = now();
    // Taken and marked dispatched in one statement (undone with the transaction if it fails); the
    // rows are found by the outbox index, then by primary key, whatever the outbox's size.
    const next = tx.select({ tenantId: events.tenantId, id: events.id }).from(events).where(isNull(events.dispatchedAt)).orderBy(events.id).limit(limit).for('update', { skipLocked: true });
    const batch = await tx.update(events).set({ dispatchedAt: at }).where(sql`(${events.tenantId}, ${events.id}) in ${next}`).returning();
    if (!batch.length) return { events: 0, deliveries: 0, claimed: [] };
    batch.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const tenantIds = [...new Set(batch.map((e) => e.tenantId))];
    const endpoints = await tx
      .select()
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.tenantId, tenantIds), eq(webhookEndpoints.enabled, true), isNull(webhookEndpoints.deletedAt)));
    const lease = claim ? new Date(at.getTime() + claim.leaseMs) : null;
    const rows: DeliveryRow[] = [];
    const targets = new Map<string, { endpoint: EndpointRow; event: EventRow }>();
    for (const e of batch) {
      for (const ep of endpoints) {
        if (ep.tenantId !== e.tenantId || ep.environment !== e.environment || !subscribes(ep.events, e.type)) continue;
        const mine = claim && targets.size < claim.max;
        const id = newId();
        if (mine) targets.set(id, { endpoint: ep, event: e });
        rows.push({
          tenantId: e.tenantId,
          environment: e.environment,
          id,
          endpointId: ep.id,
          eventId: e.id,
          eventType: e.type,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: mine ? lease : at,
          leaseOwner: mine ? claim.owner : null,
          leaseExpiresAt: mine ? lease : null,
          lastStatusCode: null,
          lastError: null,
          createdAt: at,
          updatedAt: at,
          deliveredAt: null,
        });
      }
    }
    // The whole batch as one JSON parameter, not 16 bound parameters per row.
    if (!rows.length) return { events: batch.length, deliveries: 0, claimed: [] };
    const inserted = resultRows<{ id: string }>(
      await tx.execute(sql`
        insert into ${webhookDeliveries}
        select * from json_populate_recordset(null::${webhookDeliveries}, ${JSON.stringify(rows.map(deliveryRecord))}::json)
        on conflict do nothing
        returning id`),
    );
    // Deliveries this worker could not take are for any worker, and the others must hear of them.
    if (rows.length > targets.size) wakeWorkers(tx);
    const claimed: DeliveryTarget[] = [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const { id } of inserted) {
      const t = targets.get(id);
      if (t) claimed.push({ delivery: byId.get(id)!, ...t });
    }
    return { events: batch.length, deliveries: rows.length, claimed };
  });
}

/**
 * Claims up to `limit` due deliveries for `owner`. The lease is also the new next_attempt_at, so
 * a delivery whose worker died becomes due again by itself when the lease runs out.
 */
export async function claimDeliveries(db: Db, owner: string, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
  if (limit <= 0) return [];
  const at = now();
  const expires = new Date(at.getTime() + leaseMs);
  // One statement, so no transaction: the rows locked by the CTE are the rows updated.
  const due = db.$with('due').as(
    db
      .select({ tenantId: webhookDeliveries.tenantId, id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.status, ['pending', 'failed']), lte(webhookDeliveries.nextAttemptAt, at)))
      .orderBy(webhookDeliveries.nextAttemptAt)
      .limit(limit)
      .for('update', { skipLocked: true }),
  );
  return db
    .with(due)
    .update(webhookDeliveries)
    .set({ leaseOwner: owner, leaseExpiresAt: expires, nextAttemptAt: expires, updatedAt: at })
    .from(due)
    .where(and(eq(webhookDeliveries.tenantId, due.tenantId), eq(webhookDeliveries.id, due.id)))
    .returning(getTableColumns(webhookDeliveries));
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

/**
 * One attempt at a delivery, bound to the webhook settings (worker/outbound.ts sendAttempt):
 * core decides what is sent and records the outcome; the worker makes the request.
 */
export type SendAttempt = (endpoint: SendableEndpoint, event: SendableEvent) => Promise<AttemptResult>;
export type SendableEndpoint = Pick<EndpointRow, 'url' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'> & Partial<Pick<EndpointRow, 'kind'>>;
export type SendableEvent = Pick<EventRow, 'id' | 'type' | 'createdAt' | 'environment' | 'data'>;

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
    db
      .select()
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.tenantId, tenantIds), inArray(webhookEndpoints.id, [...new Set(deliveries.map((d) => d.endpointId))]))),
    db
      .select()
      .from(events)
      .where(and(inArray(events.tenantId, tenantIds), inArray(events.id, [...new Set(deliveries.map((d) => d.eventId))]))),
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
 * Records a batch of outcomes in one statement (in a transaction only when an endpoint changes): the attempts, the deliveries' new states and
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
  const attempted = outcomes.filter((o) => o.attempt);
  const byEndpoint = new Map<string, { endpoint: EndpointRow; ok: boolean; failed: boolean }>();
  for (const o of attempted) {
    const k = `${o.endpoint!.tenantId}/${o.endpoint!.id}`;
    const e = byEndpoint.get(k) ?? { endpoint: o.endpoint!, ok: false, failed: false };
    if (o.attempt!.ok) e.ok = true;
    else e.failed = true;
    byEndpoint.set(k, e);
  }
  // The endpoint row is shared by all its deliveries: touch it only when its state changes (or
  // once a minute for last_success_at), so concurrent deliveries do not queue on its lock.
  const endpointWrites = [...byEndpoint.values()].filter(
    ({ endpoint, ok, failed }) =>
      (ok && (endpoint.failingSince || !endpoint.lastSuccessAt || at.getTime() - endpoint.lastSuccessAt.getTime() > 60_000)) ||
      (!ok && failed && (!endpoint.failingSince || at.getTime() - endpoint.failingSince.getTime() >= DISABLE_AFTER_MS)),
  );
  // The whole batch is one JSON parameter and one statement: the attempts logged and the
  // deliveries' new states, written together (a statement is atomic without a transaction).
  const batch = JSON.stringify(
    rows.map((r, i) => {
      const a = outcomes[i].attempt;
      return {
        tenant_id: r.d.tenantId,
        environment: r.d.environment,
        id: r.d.id,
        owner: r.d.leaseOwner,
        status: r.status,
        attempts: r.attempts,
        next: r.next,
        code: r.code,
        error: r.error,
        delivered_at: r.deliveredAt,
        ...(a && {
          attempt_id: newId(),
          endpoint_id: r.d.endpointId,
          event_id: r.d.eventId,
          request_id: a.requestId,
          worker: r.d.leaseOwner ?? 'unknown',
          started_at: a.startedAt,
          duration_ms: a.durationMs,
          response_body: a.responseBody,
        }),
      };
    }),
  );
  const settle = sql`
    with v as (
      select * from json_to_recordset(${batch}::json) as v(
        tenant_id text, environment text, id text, owner text, status text, attempts int, next timestamptz, code int, error text, delivered_at timestamptz,
        attempt_id text, endpoint_id text, event_id text, request_id text, worker text, started_at timestamptz, duration_ms int, response_body text)
      -- The limit changes nothing but the planner's guess (100 rows for any function), which
      -- otherwise answers a small batch with a sequential scan of webhook_deliveries.
      limit ${sql.raw(String(rows.length))}
    ),
    logged as (
      insert into ${webhookAttempts} (tenant_id, environment, id, delivery_id, endpoint_id, event_id, request_id, worker, started_at, duration_ms, status_code, response_body, error)
      select tenant_id, environment, attempt_id, id, endpoint_id, event_id, request_id, worker, started_at, duration_ms, code, response_body, error
        from v where attempt_id is not null
    )
    update ${webhookDeliveries} d
       set status = v.status, attempts = v.attempts, next_attempt_at = v.next, last_status_code = v.code, last_error = v.error,
           delivered_at = coalesce(v.delivered_at, d.delivered_at), lease_owner = null, lease_expires_at = null, updated_at = ${at.toISOString()}::timestamptz
      from v
     where d.tenant_id = v.tenant_id and d.id = v.id and d.lease_owner = v.owner`;
  if (!endpointWrites.length) {
    await db.execute(settle);
    return nextTimes;
  }
  await db.transaction(async (tx) => {
    await tx.execute(settle);
    for (const { endpoint, ok } of endpointWrites) {
      const scope = { tenantId: endpoint.tenantId, environment: endpoint.environment };
      if (ok)
        await tx
          .update(webhookEndpoints)
          .set({ failingSince: null, lastSuccessAt: at })
          .where(scopedId(scope, webhookEndpoints, endpoint.id));
      else await recordEndpointFailure(tx, scope, endpoint, at);
    }
  });
  return nextTimes;
}

// The failure clock starts at the first failure after a success; five days of it disable the endpoint.
async function recordEndpointFailure(tx: Queryable, scope: { tenantId: string; environment: Environment }, endpoint: EndpointRow, at: Date) {
  const [current] = await tx
    .select({ failingSince: webhookEndpoints.failingSince })
    .from(webhookEndpoints)
    .where(scopedId(scope, webhookEndpoints, endpoint.id));
  const since = current?.failingSince ?? at;
  const disable = at.getTime() - since.getTime() >= DISABLE_AFTER_MS;
  await tx
    .update(webhookEndpoints)
    .set({
      failingSince: since,
      ...(disable
        ? {
            enabled: false,
            disabledReason: `Disabled automatically on ${at.toISOString()}: no successful delivery since ${since.toISOString()} (5 days). Fix the receiver, enable the endpoint and recover the failed deliveries.`,
          }
        : {}),
    })
    .where(scopedId(scope, webhookEndpoints, endpoint.id));
}

/** The NOTIFY payload that says deliveries are queued (a commit's NOTIFY says events are). */
export const DELIVERIES_QUEUED = 'deliveries';

/** Wakes every worker listening, to claim queued deliveries, once the caller's write has committed. */
export function wakeWorkers(db: Queryable): void {
  notifyAfterCommit(db, EVENTS_CHANNEL, DELIVERIES_QUEUED);
}

/** Drops delivery log entries older than the retention, and expired idempotency records. */
export async function pruneWebhookLog(db: Db, retentionDays: number): Promise<void> {
  const cutoff = new Date(Date.now() - retentionDays * 24 * 60 * 60 * 1000);
  await db.delete(webhookAttempts).where(lt(webhookAttempts.startedAt, cutoff));
  await db.delete(webhookDeliveries).where(and(lt(webhookDeliveries.createdAt, cutoff), notInArray(webhookDeliveries.status, ['pending', 'failed'])));
  await pruneIdempotencyKeys(db);
}
