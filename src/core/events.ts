import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import type { Queryable } from '../storage/db.ts';
import { notifyAfterCommit } from '../storage/notify.ts';
import { events } from '../storage/schema/index.ts';
import { newId, now } from './ids.ts';
import { recordsCollections, type RecordsCollection } from './scopes.ts';

// The event registry: every type emit() may write, declared once with the record its payload is.
// Webhook subscriptions, the event log's `type` filter, the dashboard's event checklist and
// docs/webhooks.md all read this list; emit() refuses a type that is not in it.
export type EventSpec = {
  type: string;
  /** What `data` holds: the record type's representation (its Records API view), or a named payload. */
  record: string;
  description: string;
};

const lifecycle = (collection: string, noun: string): EventSpec[] => [
  { type: `crm.${collection}.created`, record: collection, description: `A ${noun} was created.` },
  { type: `crm.${collection}.updated`, record: collection, description: `A ${noun} was changed (or restored after a delete).` },
  { type: `crm.${collection}.deleted`, record: collection, description: `A ${noun} was deleted (soft delete; the payload is the record as it was).` },
];

const nouns: Record<RecordsCollection | 'blogPosts', string> = {
  customers: 'customer',
  motors: 'motor',
  quotes: 'quote',
  workOrders: 'work order',
  invoices: 'invoice',
  inventoryItems: 'inventory item',
  vendors: 'vendor',
  purchaseOrders: 'purchase order',
  employees: 'employee',
  logisticsEntries: 'logistics entry',
  leads: 'lead',
  supportTickets: 'support ticket',
  marketplaceItems: 'marketplace item',
  marketplaceOrders: 'marketplace order',
  policies: 'policy',
  directoryListings: 'directory listing',
  blogPosts: 'blog post',
};

export const eventRegistry: readonly EventSpec[] = [
  ...[...recordsCollections, 'blogPosts' as const].flatMap((c) => lifecycle(c, nouns[c])),
  { type: 'crm.invoices.status_changed', record: 'invoices', description: 'An invoice changed status (sent, paid, void, …); fired beside crm.invoices.updated.' },
  { type: 'crm.payments.created', record: 'payments', description: 'A payment was recorded against an invoice (CRM API); crm.invoices.updated follows.' },
  { type: 'crm.newsletter.subscribed', record: 'newsletterSubscription', description: 'An email subscribed to the newsletter from the storefront: {email, subscribed, source}.' },
  { type: 'webhook.test', record: 'webhookTest', description: 'A test event sent from the dashboard or `POST /webhooks/{id}/test`: {message, webhookId}.' },
];

/** Every declared event type, in the registry's order. */
export const eventTypes: readonly string[] = eventRegistry.map((e) => e.type);
const declared = new Set(eventTypes);

/** `*`, an exact type, or a `prefix.*` wildcard (`crm.invoices.*`) matches `type`. */
export function matchesEventPattern(pattern: string, type: string): boolean {
  return pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1)));
}

/** A pattern that can ever match: `*`, a declared type, or a wildcard that covers at least one. */
export const isKnownEventPattern = (pattern: string): boolean => eventTypes.some((t) => matchesEventPattern(pattern, t));

/** An outbox row not yet written: the request's events wait for the end of its transaction. */
export type PendingEvent = { tenantId: string; environment: string; id: string; type: string; data: Record<string, unknown>; createdAt: string };

/** The NOTIFY channel on which a committed event wakes the webhook workers. */
export const EVENTS_CHANNEL = 'motors_events';

// Appends to the outbox in the caller's transaction, so an acknowledged write always has its
// event and a rolled-back one never does. Inside an API request (ctx.pendingEvents, set by
// http/platform/route.ts) the events are collected and written by the platform in the
// transaction's last statement, together with the idempotency record: one round trip instead
// of one per event plus one for the record. Elsewhere they are written at once.
export async function emit(ctx: Ctx, type: string, data: Record<string, unknown>): Promise<string> {
  const event = newEvent(ctx, type, data);
  if (ctx.pendingEvents) ctx.pendingEvents.push(event);
  else await writeEvents(ctx.db, [event]);
  return event.id;
}

/** An outbox row for the caller's tenant and environment, not yet written. */
export function newEvent(ctx: Pick<Ctx, 'tenantId' | 'environment'>, type: string, data: Record<string, unknown>): PendingEvent {
  // A programming error, caught by any test that writes the record: an undeclared type would
  // reach receivers that cannot subscribe to it by name and docs that do not describe it.
  if (!declared.has(type)) throw new Error(`Event type "${type}" is not declared in the event registry (src/core/events.ts)`);
  return { tenantId: ctx.tenantId, environment: ctx.environment, id: newId(), type, data, createdAt: now().toISOString() };
}

/** Writes the events (none is a no-op) and wakes the webhook workers once they are committed. */
export async function writeEvents(db: Queryable, list: PendingEvent[]): Promise<void> {
  if (!list.length) return;
  await db.execute(appendEvents(list));
  eventsWritten(db);
}

/**
 * Wakes the webhook workers once `db`'s write, which appended events, has committed: a NOTIFY
 * sent after the commit, never inside the writing statement (storage/notify.ts says why).
 */
export const eventsWritten = (db: Queryable): void => notifyAfterCommit(db, EVENTS_CHANNEL);

// A write whose timestamps the database sets in the same statement that stores its events
// (core/collection.ts) builds its view, and so its events' payloads, with this stand-in instant;
// the statement replaces its ISO text with the one it wrote. No real record is stamped in year
// 8964, and no input a person types holds that text with these milliseconds.
export const PENDING_INSTANT = new Date(Date.UTC(8964, 4, 3, 2, 1, 0, 417));
export const PENDING_INSTANT_ISO = PENDING_INSTANT.toISOString();

/** The ISO text (as `toISOString()` writes it) of a timestamptz expression, in SQL. */
export const isoText = (instant: SQL): SQL => sql`to_char(${instant} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The outbox insert, for a data-modifying CTE: all rows from one JSON parameter, any count.
 * With `instant` (ISO text in SQL), PENDING_INSTANT in the payloads becomes that text; when it is
 * NULL (the write it belongs to changed no row) no event is written. `standIns` put the values
 * only the statement knows (a document number) in place of their stand-in text.
 */
export function appendEvents(list: PendingEvent[], instant?: SQL, standIns: { text: string; value: SQL }[] = []): SQL {
  const rows = sql`${withStatementValues(JSON.stringify(list), instant, standIns)}::jsonb`;
  return sql`insert into ${events} (tenant_id, environment, id, type, data, created_at)
    select "tenantId", environment, id, type, data, "createdAt"
    from jsonb_to_recordset(${rows}) as e("tenantId" text, environment text, id text, type text, data jsonb, "createdAt" timestamptz)
    returning id`;
}

/** JSON text with the statement's instant and values in place of their stand-ins, in SQL. */
export function withStatementValues(json: string, instant: SQL | undefined, standIns: { text: string; value: SQL }[] = []): SQL {
  let text = instant ? sql`replace(${json}, ${PENDING_INSTANT_ISO}, ${instant})` : sql`${json}`;
  for (const s of standIns) text = sql`replace(${text}, ${s.text}, ${s.value})`;
  return text;
}
