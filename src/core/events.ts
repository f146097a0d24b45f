import { sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { events } from '../storage/schema/index.ts';
import { owner } from '../storage/tenant-scope.ts';
import { newId, now } from './ids.ts';

// Appends to the outbox in the caller's transaction (ctx.db), so an acknowledged write always
// has its event and a rolled-back one never does.
export async function emit(ctx: Ctx, type: string, data: Record<string, unknown>): Promise<string> {
  const id = newId();
  await ctx.db.insert(events).values({ ...owner(ctx), id, type, data, createdAt: now() });
  // Wakes the webhook workers at commit (PostgreSQL folds repeats within one transaction).
  await ctx.db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
  return id;
}

/** The NOTIFY channel on which a committed event wakes the webhook workers. */
export const EVENTS_CHANNEL = 'motors_events';
