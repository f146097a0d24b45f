import crypto from 'node:crypto';
import { count, desc, eq, gte, inArray, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { events, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../storage/schema/index.ts';
import { owner, scoped, scopedId, scopedLive } from '../storage/tenant-scope.ts';
import { AppError, invalidField, notFound } from './errors.ts';
import { newId, now } from './ids.ts';
import { assertPublicUrl, parseWebhookUrl } from './webhook-urls.ts';
import { wakeWorkers, type SendAttempt, type WebhookSettings } from './webhook-delivery.ts';
import { eventTypes, isKnownEventPattern } from './events.ts';

/** A new endpoint secret: `whsec_` + 24 random bytes in base64, the Standard Webhooks form. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString('base64')}`;
}

export const PREVIOUS_SECRET_TTL_MS = 24 * 60 * 60 * 1000;

/** Every event a Motors CRM endpoint can subscribe to: the registry's (docs/webhooks.md describes each). */
export const eventCatalogue: string[] = [...eventTypes];

const EVENT_PATTERN = /^(\*|[a-z][A-Za-z0-9]*(\.[A-Za-z0-9_]+)*(\.\*)?)$/;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export type WebhookEndpointView = {
  id: string;
  environment: 'live' | 'test';
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type WebhookEndpointInput = {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function webhookEndpointView(r: EndpointRow): WebhookEndpointView {
  return {
    id: r.id,
    environment: r.environment,
    url: r.url,
    events: r.events,
    description: r.description,
    enabled: r.enabled,
    disabledReason: r.disabledReason,
    failingSince: iso(r.failingSince),
    lastSuccessAt: iso(r.lastSuccessAt),
    previousSecretExpiresAt: r.previousSecretExpiresAt && r.previousSecretExpiresAt > now() ? r.previousSecretExpiresAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

async function checkUrl(url: string, settings: Pick<WebhookSettings, 'allowPrivate'>): Promise<string> {
  const parsed = parseWebhookUrl(url);
  if (!settings.allowPrivate) await assertPublicUrl(parsed);
  return parsed.toString();
}

function checkEvents(list: string[]): string[] {
  if (!list.length) throw invalidField('events', 'must name at least one event, or "*" for all');
  const bad = list.find((e) => !EVENT_PATTERN.test(e));
  if (bad) throw invalidField('events', `"${bad}" is not an event name, a "crm.<collection>.*" prefix or "*"`);
  // A misspelt name would be accepted and then never fire: refuse what no declared event matches.
  const unknown = list.find((e) => !isKnownEventPattern(e));
  if (unknown) throw invalidField('events', `"${unknown}" matches no event; see the event catalogue (docs/webhooks.md) for the names`);
  return [...new Set(list)];
}

// ADF forwarding targets share the table and the queue (core/adf-forwarding.ts) but are not webhooks.
const isWebhook = eq(webhookEndpoints.kind, 'webhook');

/**
 * The endpoint. `forUpdate` for a write that changes the row it read: held (`FOR UPDATE`) until
 * the request's transaction ends, so a concurrent write of it waits and then decides on what
 * this one wrote (ARCHITECTURE.md, "Concurrency"). Resend and recover change deliveries, not the
 * endpoint, and take no lock on it: the worker locks a delivery before its endpoint, and the
 * other order could deadlock with it.
 */
async function findEndpoint(ctx: Ctx, id: string, opts: { forUpdate?: true } = {}): Promise<EndpointRow> {
  const query = ctx.db
    .select()
    .from(webhookEndpoints)
    .where(scopedLive(ctx, webhookEndpoints, isWebhook, eq(webhookEndpoints.id, id)))
    .limit(1);
  const [row] = await (opts.forUpdate ? query.for('update') : query);
  if (!row) throw notFound('Webhook', id);
  return row;
}

export async function listWebhookEndpoints(ctx: Ctx, opts: { page: number; limit: number }) {
  const where = scopedLive(ctx, webhookEndpoints, isWebhook);
  const [{ total }] = await ctx.db.select({ total: count() }).from(webhookEndpoints).where(where);
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(where)
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .limit(opts.limit)
    .offset((opts.page - 1) * opts.limit);
  return { rows: rows.map(webhookEndpointView), total };
}

export async function getWebhookEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpointView> {
  return webhookEndpointView(await findEndpoint(ctx, id));
}

/** Creates an endpoint; the only time besides a rotation that the secret is returned. */
export async function createWebhookEndpoint(
  ctx: Ctx,
  input: WebhookEndpointInput & { url: string },
  settings: Pick<WebhookSettings, 'allowPrivate'>,
): Promise<WebhookEndpointView & { secret: string }> {
  const at = now();
  const secret = newWebhookSecret();
  const [row] = await ctx.db
    .insert(webhookEndpoints)
    .values({
      ...owner(ctx),
      id: newId(),
      url: await checkUrl(input.url, settings),
      events: checkEvents(input.events ?? ['*']),
      description: input.description ?? null,
      enabled: input.enabled ?? true,
      secret,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return { ...webhookEndpointView(row), secret };
}

/** Partial update. Enabling an endpoint clears an automatic disable and its failure clock. */
export async function updateWebhookEndpoint(ctx: Ctx, id: string, input: WebhookEndpointInput, settings: Pick<WebhookSettings, 'allowPrivate'>): Promise<WebhookEndpointView> {
  const current = await findEndpoint(ctx, id, { forUpdate: true });
  const values: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: now() };
  if (input.url !== undefined) values.url = await checkUrl(input.url, settings);
  if (input.events !== undefined) values.events = checkEvents(input.events);
  if (input.description !== undefined) values.description = input.description;
  if (input.enabled !== undefined) {
    values.enabled = input.enabled;
    if (input.enabled && !current.enabled) Object.assign(values, { disabledReason: null, failingSince: null });
    if (!input.enabled) values.disabledReason = 'Disabled by a user';
  }
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set(values)
    .where(scopedId(ctx, webhookEndpoints, id))
    .returning();
  return webhookEndpointView(row);
}

/** Soft delete: no more deliveries; the log stays until it is pruned. */
export async function deleteWebhookEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpointView> {
  await findEndpoint(ctx, id, { forUpdate: true });
  const at = now();
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({ deletedAt: at, updatedAt: at, enabled: false })
    .where(scopedId(ctx, webhookEndpoints, id))
    .returning();
  return webhookEndpointView(row);
}

/** A new secret; the old one keeps signing (as a second signature) for 24 hours. */
export async function rotateWebhookSecret(ctx: Ctx, id: string): Promise<WebhookEndpointView & { secret: string }> {
  const current = await findEndpoint(ctx, id, { forUpdate: true });
  const at = now();
  const secret = newWebhookSecret();
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({ secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(at.getTime() + PREVIOUS_SECRET_TTL_MS), updatedAt: at })
    .where(scopedId(ctx, webhookEndpoints, id))
    .returning();
  return { ...webhookEndpointView(row), secret };
}

export type AttemptView = {
  id: string;
  requestId: string;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
};

export type DeliveryView = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'dead';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attempts: AttemptView[];
};

type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

function deliveryView(d: DeliveryRow, attempts: AttemptRow[]): DeliveryView {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attemptCount: d.attempts,
    nextAttemptAt: d.status === 'pending' || d.status === 'failed' ? iso(d.nextAttemptAt) : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: iso(d.deliveredAt),
    attempts: attempts.map((a) => ({
      id: a.id,
      requestId: a.requestId,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      responseBody: a.responseBody,
      error: a.error,
    })),
  };
}

export async function withAttempts(ctx: Ctx, rows: DeliveryRow[]): Promise<DeliveryView[]> {
  if (!rows.length) return [];
  const attempts = await ctx.db
    .select()
    .from(webhookAttempts)
    .where(
      scoped(
        ctx,
        webhookAttempts,
        inArray(
          webhookAttempts.deliveryId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(webhookAttempts.startedAt, webhookAttempts.id);
  return rows.map((r) =>
    deliveryView(
      r,
      attempts.filter((a) => a.deliveryId === r.id),
    ),
  );
}

/** The delivery log of an endpoint, newest first, each delivery with its attempts. */
export async function listWebhookDeliveries(ctx: Ctx, endpointId: string, opts: { page: number; limit: number; status?: DeliveryRow['status']; eventId?: string }) {
  await findEndpoint(ctx, endpointId);
  return pageOfDeliveries(ctx, opts, eq(webhookDeliveries.endpointId, endpointId), opts.eventId ? eq(webhookDeliveries.eventId, opts.eventId) : undefined);
}

/** A page of the tenant's deliveries matching `conditions` (and `status`), newest first, with their attempts. */
export async function pageOfDeliveries(ctx: Ctx, opts: { page: number; limit: number; status?: DeliveryRow['status'] }, ...conditions: (SQL | undefined)[]) {
  const where = scoped(ctx, webhookDeliveries, ...conditions, opts.status ? eq(webhookDeliveries.status, opts.status) : undefined);
  const [{ total }] = await ctx.db.select({ total: count() }).from(webhookDeliveries).where(where);
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(where)
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(opts.limit)
    .offset((opts.page - 1) * opts.limit);
  return { rows: await withAttempts(ctx, rows), total };
}

const requeue = { status: 'pending' as const, attempts: 0, leaseOwner: null, leaseExpiresAt: null };

/** Sends one delivery again, whatever its state, with the same event id. */
export async function resendWebhookDelivery(ctx: Ctx, endpointId: string, deliveryId: string): Promise<DeliveryView> {
  await findEndpoint(ctx, endpointId);
  return requeueDelivery(ctx, endpointId, deliveryId);
}

/** Queues one delivery of an endpoint (of any kind) again, due now. */
export async function requeueDelivery(ctx: Ctx, endpointId: string, deliveryId: string): Promise<DeliveryView> {
  const at = now();
  const [row] = await ctx.db
    .update(webhookDeliveries)
    .set({ ...requeue, nextAttemptAt: at, updatedAt: at })
    .where(scoped(ctx, webhookDeliveries, eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)))
    .returning();
  if (!row) throw notFound('Delivery', deliveryId);
  wakeWorkers(ctx.db);
  return (await withAttempts(ctx, [row]))[0];
}

/** Queues again every failed or dead delivery of an endpoint created since `since`. */
export async function recoverWebhookDeliveries(ctx: Ctx, endpointId: string, since: Date): Promise<{ recovered: number }> {
  const endpoint = await findEndpoint(ctx, endpointId);
  if (!endpoint.enabled) throw new AppError('conflict', `Webhook ${endpointId} is disabled; enable it before recovering its deliveries`);
  const at = now();
  const rows = await ctx.db
    .update(webhookDeliveries)
    .set({ ...requeue, nextAttemptAt: at, updatedAt: at })
    .where(scoped(ctx, webhookDeliveries, eq(webhookDeliveries.endpointId, endpointId), inArray(webhookDeliveries.status, ['failed', 'dead']), gte(webhookDeliveries.createdAt, since)))
    .returning({ id: webhookDeliveries.id });
  if (rows.length) wakeWorkers(ctx.db);
  return { recovered: rows.length };
}

/**
 * Sends a `webhook.test` event to one endpoint now (disabled or not) and returns the attempt.
 * The event and its delivery are logged like any other, but never retried. The request is made
 * outside any transaction (call it with a ctx whose db is not a transaction): a slow receiver
 * must not hold the database.
 */
export async function testWebhookEndpoint(ctx: Ctx, id: string, send: SendAttempt) {
  const endpoint = await findEndpoint(ctx, id);
  return sendTestEvent(ctx, endpoint, { message: 'A test event from Motors CRM', webhookId: endpoint.id }, send);
}

/** A `webhook.test` event sent to one endpoint of any kind now, logged as a delivery that is never retried. */
export async function sendTestEvent(ctx: Ctx, endpoint: EndpointRow, data: Record<string, unknown>, send: SendAttempt) {
  const at = now();
  const event = { ...owner(ctx), id: newId(), type: 'webhook.test', data, createdAt: at, dispatchedAt: at };
  const attempt = await send(endpoint, event);
  const deliveryId = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(events).values(event);
    await tx.insert(webhookDeliveries).values({
      ...owner(ctx),
      id: deliveryId,
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.type,
      status: attempt.ok ? 'succeeded' : 'dead',
      attempts: 1,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      createdAt: at,
      updatedAt: now(),
      deliveredAt: attempt.ok ? now() : null,
    });
    await tx.insert(webhookAttempts).values({
      ...owner(ctx),
      id: newId(),
      deliveryId,
      endpointId: endpoint.id,
      eventId: event.id,
      requestId: attempt.requestId,
      worker: 'test',
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      responseBody: attempt.responseBody,
      error: attempt.error,
    });
  });
  return { deliveryId, eventId: event.id, success: attempt.ok, ...attempt };
}
