import { sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { events } from '../storage/schema/index.ts';
import { newId, now } from './ids.ts';

// Appends to the outbox in the caller's transaction (ctx.db), so an acknowledged write always
// has its event and a rolled-back one never does.
export async function emit(ctx: Ctx, type: string, data: Record<string, unknown>): Promise<string> {
  const id = newId();
  // One round trip: the outbox row, and a NOTIFY that wakes the webhook workers at commit
  // (PostgreSQL folds repeats within one transaction).
  await ctx.db.execute(sql`
    with appended as (
      insert into ${events} (tenant_id, environment, id, type, data, created_at)
      values (${ctx.tenantId}, ${ctx.environment}, ${id}, ${type}, ${JSON.stringify(data)}::jsonb, ${now().toISOString()}::timestamptz)
      returning id
    )
    select pg_notify(${EVENTS_CHANNEL}, '') from appended`);
  return id;
}

/** The NOTIFY channel on which a committed event wakes the webhook workers. */
export const EVENTS_CHANNEL = 'motors_events';
