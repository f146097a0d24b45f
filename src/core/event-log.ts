import { and, count, desc, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import type { Queryable } from '../storage/db.ts';
import { events, webhookDeliveries } from '../storage/schema/index.ts';
import { scoped } from '../storage/tenant-scope.ts';
import { invalidField } from './errors.ts';
import { eventTypes, isKnownEventPattern, matchesEventPattern } from './events.ts';
import { decodeCursor, encodeCursor } from './listing.ts';

// The event log: the outbox read back, per tenant and environment, newest first. Each item is
// the body a webhook receiver gets for the event, so one parser serves both.

export type EventLogItem = { id: string; event: string; createdAt: string; environment: 'live' | 'test'; data: Record<string, unknown> };

export type EventLogQuery = {
  limit: number;
  /** Continue after the last item of a previous page (keyset; mutually exclusive with offset). */
  cursor?: string;
  offset?: number;
  /** Event names or `prefix.*` wildcards; any matches. Unknown ones are a 400 naming `field`. */
  types?: string[];
  since?: Date;
  until?: Date;
  withTotal?: boolean;
};

type Row = typeof events.$inferSelect;

const item = (r: Row): EventLogItem => ({ id: r.id, event: r.type, createdAt: r.createdAt.toISOString(), environment: r.environment, data: r.data });

/** The smallest UUIDv7 of a millisecond: event ids are UUIDv7, so a time range is an id range of the primary key. */
const idAt = (ms: number) => {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
};
// An event's id is drawn just before its createdAt: a second of slack keeps the id bound loose.
const SLACK_MS = 1000;

/** The declared event types the patterns cover, or undefined for "every type" (`*`, or no filter). */
export function eventTypeFilter(patterns: string[] | undefined, field: string): string[] | undefined {
  if (!patterns?.length || patterns.includes('*')) return undefined;
  const unknown = patterns.find((p) => !isKnownEventPattern(p));
  if (unknown) throw invalidField(field, `"${unknown}" matches no event; see the event catalogue (docs/webhooks.md) for the names`);
  return eventTypes.filter((t) => patterns.some((p) => matchesEventPattern(p, t)));
}

/** The log's total for the filter (served by events_log_idx; test/events-log.test.ts checks the plan). */
export const eventLogCount = (ctx: Ctx, where: SQL | undefined) => ctx.db.select({ n: count() }).from(events).where(where);

/** The filter of a listing beyond the tenant and environment (scoped() adds those): the types the patterns cover, the time range. */
export function eventLogWhere(q: Pick<EventLogQuery, 'types' | 'since' | 'until'> & { typeField?: string }): (SQL | undefined)[] {
  const types = eventTypeFilter(q.types, q.typeField ?? 'type');
  return [
    types ? inArray(events.type, types) : undefined,
    q.since ? and(gte(events.createdAt, q.since), gte(events.id, idAt(q.since.getTime() - SLACK_MS))) : undefined,
    q.until ? and(lt(events.createdAt, q.until), lt(events.id, idAt(q.until.getTime() + SLACK_MS))) : undefined,
  ];
}

export async function listEventLog(ctx: Ctx, q: EventLogQuery & { typeField?: string }) {
  const where = eventLogWhere(q);
  const filtered = scoped(ctx, events, ...where);
  const page = q.cursor ? scoped(ctx, events, ...where, lt(events.id, decodeCursor(q.cursor).id)) : filtered;
  const [rows, total] = await Promise.all([
    ctx.db
      .select()
      .from(events)
      .where(page)
      .orderBy(desc(events.id))
      .limit(q.limit + 1)
      .offset(q.offset ?? 0),
    q.withTotal ? eventLogCount(ctx, filtered).then((r) => Number(r[0].n)) : Promise.resolve(null),
  ]);
  const hasMore = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return {
    items: items.map(item),
    total,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor({ updatedAt: last.createdAt, id: last.id }) : null,
  };
}

/**
 * Drops events older than the retention that are dispatched and that no delivery log entry still
 * needs (a resend sends the stored event again). Runs with the webhook log's pruning.
 */
export async function pruneEventLog(db: Queryable, retentionDays: number): Promise<void> {
  const cutoff = new Date(Date.now() - retentionDays * 86400_000);
  await db.execute(sql`delete from ${events} e
    where e.created_at < ${cutoff.toISOString()} and e.dispatched_at is not null
      and not exists (select 1 from ${webhookDeliveries} d where d.tenant_id = e.tenant_id and d.event_id = e.id)`);
}
