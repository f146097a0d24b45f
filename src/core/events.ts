import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import type { Queryable } from '../storage/db.ts';
import { events } from '../storage/schema/index.ts';
import { newId, now } from './ids.ts';

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
  const event: PendingEvent = { tenantId: ctx.tenantId, environment: ctx.environment, id: newId(), type, data, createdAt: now().toISOString() };
  if (ctx.pendingEvents) ctx.pendingEvents.push(event);
  else await writeEvents(ctx.db, [event]);
  return event.id;
}

/** Writes the events (none is a no-op) and wakes the webhook workers at commit. */
export async function writeEvents(db: Queryable, list: PendingEvent[]): Promise<void> {
  if (!list.length) return;
  await db.execute(sql`with appended as (${appendEvents(list)}) select ${notifyIfAny(sql`appended`)} as notified`);
}

/** The outbox insert, for a data-modifying CTE: all rows from one JSON parameter, any count. */
export function appendEvents(list: PendingEvent[]): SQL {
  return sql`insert into ${events} (tenant_id, environment, id, type, data, created_at)
    select "tenantId", environment, id, type, data, "createdAt"
    from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as e("tenantId" text, environment text, id text, type text, data jsonb, "createdAt" timestamptz)
    returning id`;
}

/** A NOTIFY when the CTE `appended` wrote any row (PostgreSQL folds repeats within one transaction). */
export function notifyIfAny(appended: SQL): SQL {
  return sql`(select count(*) from (select pg_notify(${EVENTS_CHANNEL}, '') from (select 1 from ${appended} limit 1) a) n)`;
}
