import { sql } from 'drizzle-orm';
import type { Queryable } from './db.ts';

// Why a sync page needs a horizon (issue: "a sync client never misses a record").
//
// A record's updatedAt is stamped inside its write's transaction, but becomes visible only at
// commit. On PostgreSQL, where transactions overlap, a slow transaction can commit a record whose
// updatedAt is older than records a sync reader has already passed: a client that resumes from
// the largest updatedAt it has seen would never see it. The horizon is the instant before which
// every write is known to be committed: the start of the oldest transaction still open on this
// database (one that has not written yet but may, too — so xact_start, not backend_xid), capped
// at the current instant, in whole milliseconds (the precision of updatedAt). Every write stamps
// updatedAt at or after its own transaction's start (statement_timestamp(), core/collection.ts),
// so a row with updatedAt < horizon was committed before the horizon was read; a page read after
// that holds every such row. A page returns only rows before the horizon: a long transaction may
// delay what a page shows, never lose it.
//
// A horizon stays valid once read (an older one is only more cautious), so the newest one read is
// kept per database and a page that lies entirely before it — every page of a catch-up sync, the
// benchmark's lists — costs no extra round trip. Only a page reaching rows newer than it reads a
// fresh horizon and then the page again (the page must be read after its horizon).
//
// PGlite has one connection and runs one transaction at a time, so nothing can commit behind a
// reader there: only databases marked concurrent (the PostgreSQL pool) use a horizon.

const concurrent = new WeakSet<object>();
const newest = new WeakMap<object, Date>();

/** Marks a database whose transactions overlap (a PostgreSQL pool). */
export function markConcurrent(db: object): void {
  concurrent.add(db);
}

/** The horizon now: the oldest open transaction's start on this database, or now when there is none older. */
async function readHorizon(db: Queryable): Promise<Date> {
  const result = (await db.execute(
    sql`select date_trunc('milliseconds', least(statement_timestamp(), (
          select min(xact_start) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null and backend_type = 'client backend'
        ))) as at`,
  )) as unknown as { rows: { at: Date | string }[] };
  return new Date(result.rows[0].at);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The rows of a sync page (ordered by updatedAt) that are safe to hand out: those before the
 * horizon. `read` reads the page; it is read again after a fresh horizon when the page reaches past
 * the newest horizon known. When only the current millisecond or a short transaction holds rows
 * back, the page waits a few milliseconds for them rather than end early.
 */
export async function settledRows<R extends { updatedAt: Date }>(db: Queryable, rows: R[], read: () => Promise<R[]>): Promise<R[]> {
  if (!concurrent.has(db)) return rows;
  let horizon = newest.get(db);
  for (let attempt = 0; ; attempt++) {
    if (horizon && rows.every((r) => r.updatedAt < horizon!)) return rows;
    if (attempt === 3) return rows.filter((r) => r.updatedAt < horizon!);
    if (attempt > 0) await pause(attempt === 1 ? 2 : 10);
    horizon = await readHorizon(db);
    const known = newest.get(db);
    if (!known || known < horizon) newest.set(db, horizon);
    rows = await read();
  }
}
