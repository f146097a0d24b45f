import { and, asc, count, eq, gt, isNull, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { scoped } from '../storage/tenant-scope.ts';
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
  const conditions: (SQL | undefined)[] = [opts.where];
  if (!opts.includeDeleted) conditions.push(isNull(table.deletedAt));
  if (opts.updatedAfter) conditions.push(gt(table.updatedAt, opts.updatedAfter));
  if (opts.cursor) {
    conditions.push(
      or(gt(table.updatedAt, opts.cursor.updatedAt), and(eq(table.updatedAt, opts.cursor.updatedAt), gt(table.id, opts.cursor.id))),
    );
  }
  const where = scoped(ctx, table, ...conditions);
  // One row more than asked tells whether another page exists, without counting.
  const [rows, counted] = await Promise.all([
    ctx.db.select().from(table as PgTable).where(where).orderBy(asc(table.updatedAt), asc(table.id)).limit(opts.limit + 1).offset(opts.skip),
    opts.includeTotal ? ctx.db.select({ total: count() }).from(table as PgTable).where(where) : undefined,
  ]);
  const hasMore = rows.length > opts.limit;
  return { rows: rows.slice(0, opts.limit) as T['$inferSelect'][], hasMore, total: counted ? Number(counted[0].total) : null };
}

