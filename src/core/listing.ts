import { and, asc, count, eq, getTableName, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { owner, scoped, scopedPlaceholders } from '../storage/tenant-scope.ts';
import { runPrepared } from '../storage/prepared.ts';
import { settledRows } from '../storage/sync-horizon.ts';
import { viewColumns } from '../storage/search-text.ts';
import { AppError } from './errors.ts';

type SyncTable = PgTable & {
  tenantId: PgColumn;
  environment: PgColumn;
  id: PgColumn;
  updatedAt: PgColumn;
  deletedAt: PgColumn;
};

export type SyncCursor = { updatedAt: Date; id: string };

export const encodeCursor = (c: SyncCursor): string => Buffer.from(`${c.updatedAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): SyncCursor {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const updatedAt = new Date(ts);
  if (!id || Number.isNaN(updatedAt.getTime())) {
    throw new AppError('validation_failed', 'cursor: not a cursor returned by this API', {
      fields: [{ field: 'cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return { updatedAt, id };
}

export type SyncListOptions = {
  limit: number;
  skip: number;
  updatedAfter?: Date;
  cursor?: SyncCursor;
  /** Soft-deleted records as tombstones (with deletedAt), for sync clients that mirror deletions. */
  includeDeleted?: boolean;
  /** Count every matching record too: O(matching records), so only when asked for. */
  includeTotal?: boolean;
  where?: SQL;
};

/** How far a page may run past `limit` to end on a whole millisecond (see listForSync). */
export const SAME_INSTANT_MAX = 1000;

// Ordered by (updated_at, id): a total order, so a client that resumes after the last record it
// saw (nextCursor) never skips or repeats a record, even when many share one timestamp.
// Two more rules make the document's own sync loop lossless — `updatedAfter` = the largest
// updatedAt seen, with nothing else:
// - only rows before the sync horizon are handed out (storage/sync-horizon.ts), so no record can
//   commit later with an updatedAt the client has already passed;
// - a page never ends inside a millisecond: when the row after the page shares the last row's
//   updatedAt, the page runs on to the end of that millisecond (up to SAME_INSTANT_MAX more rows),
//   since `updatedAfter` = that instant would skip the rest of it. Clients paging with `skip` may
//   see such rows twice, never zero times.
export async function listForSync<T extends SyncTable>(ctx: Ctx, table: T, opts: SyncListOptions) {
  type R = { updatedAt: Date; id: string };
  const read = () => (opts.where ? filteredPage(ctx, table, opts) : plainPage(ctx, table, opts)) as Promise<R[]>;
  const [first, counted] = await Promise.all([
    read(),
    opts.includeTotal
      ? ctx.db
          .select({ total: count() })
          .from(table as PgTable)
          .where(scoped(ctx, table, ...conditions(table, opts)))
      : undefined,
  ]);
  const rows = await settledRows(ctx.db, first, read);
  const hasMore = rows.length > opts.limit;
  let page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  if (hasMore && last && rows[opts.limit].updatedAt.getTime() === last.updatedAt.getTime()) {
    page = page.concat((await restOfInstant(ctx, table, opts, last)) as R[]);
  }
  return { rows: page as T['$inferSelect'][], hasMore, total: counted ? Number(counted[0].total) : null };
}

/** The rows after `last` that share its updatedAt (all before the horizon, since the next row was). */
function restOfInstant(ctx: Ctx, table: SyncTable, opts: SyncListOptions, last: { updatedAt: Date; id: string }) {
  const sameInstant = [eq(table.updatedAt, last.updatedAt), gt(table.id, last.id)];
  return ctx.db
    .select(viewColumns(table))
    .from(table as PgTable)
    .where(scoped(ctx, table, ...conditions(table, { ...opts, updatedAfter: undefined, cursor: undefined }), ...sameInstant))
    .orderBy(asc(table.id))
    .limit(SAME_INSTANT_MAX);
}

function conditions(table: SyncTable, opts: SyncListOptions): (SQL | undefined)[] {
  const list: (SQL | undefined)[] = [opts.where];
  if (!opts.includeDeleted) list.push(isNull(table.deletedAt));
  if (opts.updatedAfter) list.push(gt(table.updatedAt, opts.updatedAfter));
  if (opts.cursor) {
    list.push(or(gt(table.updatedAt, opts.cursor.updatedAt), and(eq(table.updatedAt, opts.cursor.updatedAt), gt(table.id, opts.cursor.id))));
  }
  return list;
}

/** A page with a collection's own filters: built on every call, since the filters vary. */
function filteredPage(ctx: Ctx, table: SyncTable, opts: SyncListOptions) {
  return ctx.db
    .select(viewColumns(table))
    .from(table as PgTable)
    .where(scoped(ctx, table, ...conditions(table, opts)))
    .orderBy(asc(table.updatedAt), asc(table.id))
    .limit(opts.limit + 1)
    .offset(opts.skip);
}

/**
 * A page without filters — every sync run and most lists — as a prepared statement: one per
 * combination of updatedAfter / cursor / includeDeleted, with the values as placeholders.
 * `-infinity` stands in for "no updatedAfter" so the two share one statement.
 */
function plainPage(ctx: Ctx, table: SyncTable, opts: SyncListOptions): Promise<unknown[]> {
  const shape = `${getTableName(table)}_sync${opts.cursor ? '_cursor' : ''}${opts.includeDeleted ? '_all' : ''}`;
  return runPrepared(
    ctx.db,
    shape,
    (db) =>
      db
        .select(viewColumns(table))
        .from(table as PgTable)
        .where(
          scopedPlaceholders(
            table,
            opts.includeDeleted ? undefined : isNull(table.deletedAt),
            gt(table.updatedAt, sql.placeholder('updatedAfter')),
            opts.cursor
              ? or(gt(table.updatedAt, sql.placeholder('cursorUpdatedAt')), and(eq(table.updatedAt, sql.placeholder('cursorUpdatedAt')), gt(table.id, sql.placeholder('cursorId'))))
              : undefined,
          ),
        )
        .orderBy(asc(table.updatedAt), asc(table.id))
        .limit(sql.placeholder('limit'))
        .offset(sql.placeholder('offset')),
    {
      ...owner(ctx),
      updatedAfter: opts.updatedAfter?.toISOString() ?? '-infinity',
      cursorUpdatedAt: opts.cursor?.updatedAt.toISOString(),
      cursorId: opts.cursor?.id,
      limit: opts.limit + 1,
      offset: opts.skip,
    },
  );
}
