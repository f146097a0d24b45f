import { count, desc, eq, getTableName, isNotNull, isNull, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { owner, scoped, scopedId, scopedPlaceholders } from '../storage/tenant-scope.ts';
import { runPrepared } from '../storage/prepared.ts';
import { AppError, notFound } from './errors.ts';
import { emit } from './events.ts';
import { newId, now } from './ids.ts';
import { listForSync, type SyncListOptions } from './listing.ts';

/** Soft-deleted records can be restored from the dashboard for this long. */
export const RESTORE_DAYS = 30;

export type RecordTable = PgTable & {
  tenantId: PgColumn;
  environment: PgColumn;
  id: PgColumn;
  createdAt: PgColumn;
  updatedAt: PgColumn;
  deletedAt: PgColumn;
};

type Row<T extends RecordTable> = T['$inferSelect'];
type Insert<T extends RecordTable> = T['$inferInsert'];
type Writable<T extends RecordTable> = Omit<Insert<T>, 'tenantId' | 'environment' | 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;

export type CollectionSpec<T extends RecordTable, V extends { id: string; updatedAt: string }, I> = {
  /** The Records API collection name; events are `crm.<name>.created|updated|deleted`. */
  name: string;
  /** "Customer", for messages such as "Customer 123 was not found". */
  label: string;
  table: T;
  view: (row: Row<T>) => V;
  /**
   * Turns an API input into column values: validates beyond shape, checks references, computes
   * derived fields (totals, numbers). `current` is the stored row on update; the result is merged
   * over it (omitted fields keep their values).
   */
  prepare: (ctx: Ctx, input: I, current: Row<T> | undefined) => Promise<Partial<Writable<T>>>;
  /** More events than created/updated for a write, e.g. `crm.invoices.status_changed`. */
  extraEvents?: (view: V, previous: V | undefined) => string[];
  /** Refuses a delete (e.g. a client with open invoices) by throwing. */
  beforeDelete?: (ctx: Ctx, current: Row<T>) => Promise<void>;
};

/** The write and read operations every Records API collection shares, with events in the same transaction. */
export function defineCollection<T extends RecordTable, V extends { id: string; updatedAt: string }, I>(spec: CollectionSpec<T, V, I>) {
  const { table } = spec;
  const t = table as unknown as RecordTable & Record<string, PgColumn>;
  const findName = `${getTableName(table)}_find`;

  async function findRow(ctx: Ctx, id: string): Promise<Row<T>> {
    const [row] = await runPrepared(
      ctx.db,
      findName,
      (db) => db.select().from(table as PgTable).where(scopedPlaceholders(t, isNull(t.deletedAt), eq(t.id, sql.placeholder('id')))).limit(1),
      { ...owner(ctx), id },
    );
    if (!row) throw notFound(spec.label, id);
    return row as Row<T>;
  }

  async function create(ctx: Ctx, input: I): Promise<V> {
    const at = now();
    const values = await spec.prepare(ctx, input, undefined);
    const [row] = await ctx.db
      .insert(table)
      .values({ ...values, ...owner(ctx), id: newId(), createdAt: at, updatedAt: at } as Insert<T>)
      .returning();
    const view = spec.view(row as Row<T>);
    await emit(ctx, `crm.${spec.name}.created`, view as Record<string, unknown>);
    return view;
  }

  async function get(ctx: Ctx, id: string): Promise<V> {
    return spec.view(await findRow(ctx, id));
  }

  async function update(ctx: Ctx, id: string, input: I, opts: { ifMatch?: string } = {}): Promise<V> {
    const current = await findRow(ctx, id);
    const currentTag = etagOf(current as { updatedAt: Date });
    if (opts.ifMatch && opts.ifMatch !== currentTag && opts.ifMatch !== '*') {
      throw new AppError('precondition_failed', `${spec.label} ${id} changed since it was read (If-Match ${opts.ifMatch}, current ETag ${currentTag})`);
    }
    const values = await spec.prepare(ctx, input, current);
    const [row] = (await ctx.db
      .update(table as PgTable)
      .set({ ...values, updatedAt: nextTimestamp((current as { updatedAt: Date }).updatedAt) } as never)
      .where(scopedId(ctx, t, id))
      .returning()) as Row<T>[];
    const view = spec.view(row as Row<T>);
    await emit(ctx, `crm.${spec.name}.updated`, view as Record<string, unknown>);
    for (const type of spec.extraEvents?.(view, spec.view(current)) ?? []) await emit(ctx, type, view as Record<string, unknown>);
    return view;
  }

  /** Soft delete: a tombstone with deletedAt, gone from reads, restorable for 30 days. */
  async function remove(ctx: Ctx, id: string): Promise<V> {
    const current = await findRow(ctx, id);
    await spec.beforeDelete?.(ctx, current);
    const at = nextTimestamp((current as { updatedAt: Date }).updatedAt);
    const [row] = (await ctx.db
      .update(table as PgTable)
      .set({ deletedAt: at, updatedAt: at } as never)
      .where(scopedId(ctx, t, id))
      .returning()) as Row<T>[];
    const view = spec.view(row as Row<T>);
    await emit(ctx, `crm.${spec.name}.deleted`, view as Record<string, unknown>);
    return view;
  }

  /** Undoes a soft delete within 30 days (the dashboard's "restore"). */
  async function restore(ctx: Ctx, id: string): Promise<V> {
    const [current] = (await ctx.db.select().from(table as PgTable).where(scopedId(ctx, t, id)).limit(1)) as Row<T>[];
    const deletedAt = (current as { deletedAt: Date | null } | undefined)?.deletedAt;
    if (!current || !deletedAt) throw notFound(`Deleted ${spec.label.toLowerCase()}`, id);
    if (Date.now() - deletedAt.getTime() > RESTORE_DAYS * 86400_000) {
      throw new AppError('conflict', `${spec.label} ${id} was deleted more than ${RESTORE_DAYS} days ago and can no longer be restored`);
    }
    const [row] = (await ctx.db
      .update(table as PgTable)
      .set({ deletedAt: null, updatedAt: nextTimestamp((current as { updatedAt: Date }).updatedAt) } as never)
      .where(scopedId(ctx, t, id))
      .returning()) as Row<T>[];
    const view = spec.view(row);
    await emit(ctx, `crm.${spec.name}.updated`, view as Record<string, unknown>);
    return view;
  }

  /** Newest changes first, for people browsing (the dashboard); `deleted` lists the restorable tombstones. */
  async function listRecent(ctx: Ctx, opts: { page: number; limit: number; deleted?: boolean }) {
    const where = scoped(ctx, t, opts.deleted ? isNotNull(t.deletedAt) : isNull(t.deletedAt));
    const [rows, [{ total }]] = await Promise.all([
      ctx.db.select().from(table as PgTable).where(where).orderBy(desc(t.updatedAt), desc(t.id)).limit(opts.limit).offset((opts.page - 1) * opts.limit),
      ctx.db.select({ total: count() }).from(table as PgTable).where(where),
    ]);
    return { rows: rows.map((r) => spec.view(r as Row<T>)), total: Number(total) };
  }

  async function list(ctx: Ctx, opts: SyncListOptions) {
    const { rows, total, hasMore } = await listForSync(ctx, t, opts);
    const last = rows.at(-1) as { updatedAt: Date; id: string } | undefined;
    return { rows: rows.map((r) => spec.view(r as Row<T>)), total, hasMore, last };
  }

  return { name: spec.name, label: spec.label, table, findRow, create, get, update, remove, restore, list, listRecent };
}

export type Collection = ReturnType<typeof defineCollection<RecordTable, { id: string; updatedAt: string }, never>>;

/** A strong validator that changes whenever the record does. */
export const etagOf = (row: { updatedAt: Date }) => `"${row.updatedAt.getTime().toString(36)}"`;

// updatedAt always moves forward, even when two writes land in the same millisecond.
export function nextTimestamp(previous: Date): Date {
  const t = now();
  return t.getTime() > previous.getTime() ? t : new Date(previous.getTime() + 1);
}

/** Drops undefined entries, so "omitted" and "set to null" stay different in a partial update. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
