import { and, asc, count, eq, getTableName, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { owner, scoped, scopedPlaceholders } from '../storage/tenant-scope.ts';
import { runPrepared } from '../storage/prepared.ts';
import { AppError } from './errors.ts';

type SyncTable = PgTable & {
  tenantId: PgColumn;
  environment: PgColumn;
  id: PgColumn;
  updatedAt: PgColumn;
  deletedAt: PgColumn;
};

export type SyncCursor = { updatedAt: Date; id: string };

export const encodeCursor = (c: SyncCursor): string =>
  Buffer.from(`${c.updatedAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');

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

// Ordered by (updated_at, id): a total order, so a client that resumes after the last record it
// saw never skips or repeats a record, even when many share one timestamp.
export async function listForSync<T extends SyncTable>(ctx: Ctx, table: T, opts: SyncListOptions) {
  const [rows, counted] = await Promise.all([
    opts.where ? filteredPage(ctx, table, opts) : plainPage(ctx, table, opts),
    opts.includeTotal ? ctx.db.select({ total: count() }).from(table as PgTable).where(scoped(ctx, table, ...conditions(table, opts))) : undefined,
  ]);
  const hasMore = rows.length > opts.limit;
  return { rows: rows.slice(0, opts.limit) as T['$inferSelect'][], hasMore, total: counted ? Number(counted[0].total) : null };
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
    .select()
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
        .select()
        .from(table as PgTable)
        .where(
          scopedPlaceholders(
            table,
            opts.includeDeleted ? undefined : isNull(table.deletedAt),
            gt(table.updatedAt, sql.placeholder('updatedAfter')),
            opts.cursor
              ? or(
                  gt(table.updatedAt, sql.placeholder('cursorUpdatedAt')),
                  and(eq(table.updatedAt, sql.placeholder('cursorUpdatedAt')), gt(table.id, sql.placeholder('cursorId'))),
                )
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
