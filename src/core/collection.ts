import { isDeepStrictEqual } from 'node:util';
import { and, count, eq, getTableColumns, getTableName, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { owner, scoped, scopedId, scopedPlaceholders } from '../storage/tenant-scope.ts';
import { runPrepared } from '../storage/prepared.ts';
import { viewColumns } from '../storage/search-text.ts';
import { AppError, notFound } from './errors.ts';
import { appendEvents, emit, eventsWritten, isoText, newEvent, PENDING_INSTANT, type PendingEvent } from './events.ts';
import { queryRows } from '../storage/db.ts';
import { events } from '../storage/schema/index.ts';
import { newId } from './ids.ts';
import { listForSync, type SyncListOptions } from './listing.ts';
import { filterConditions, hasTerms, searchPage, type FilterValues, type SearchSpec } from './search.ts';
import { sortOrder } from './sorting.ts';
import { NeedsTransaction, newStatementFacts, transactionNeeded, type StatementFacts } from './one-statement.ts';

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
  /**
   * `prepare` reads nothing from the database: it validates and merges only. Such a collection's
   * create is one statement (row, events, idempotency record) and its update a read and one
   * conditional statement, with no transaction and no lock held across a round trip (ARCHITECTURE.md,
   * "Concurrency"). Its prepare is given no database, so one that starts reading (a reference, a
   * duplicate check) fails every test that writes the record instead of racing in production.
   */
  pure?: true;
  /** What `q` searches and which typed filters the list takes (core/search.ts). */
  search?: SearchSpec;
  /**
   * Its create's `prepare` reads the database only through assertReferences, tenantCurrency and
   * nextDocumentNumber (invoices): on a one-statement route that create is one statement too, which
   * holds the references, checks the currency and bumps the counter (core/one-statement.ts). An
   * input that needs any other read (a line taking an inventory item's price) is run again in a
   * transaction, as are this collection's updates.
   */
  createInOneStatement?: true;
};

/** A browsing page's options (the dashboard's lists and CSV export): `sort` is a value of core/sorting.ts. */
export type BrowseOptions = { page: number; limit: number; deleted?: boolean; filters?: FilterValues; q?: string; sort?: string };

/** A list's options: the sync page's, plus `q` and the collection's typed filters. */
export type ListOptions = SyncListOptions & { q?: string; filters?: FilterValues };

/**
 * A pure collection's create, handed to the platform (ctx.deferWrite) instead of run: the platform
 * runs it with the request's idempotency record as one statement. Its timestamps are the
 * statement's instant; the view the response was built from holds PENDING_INSTANT in their place.
 */
export type DeferredWrite = {
  /** `insert … returning *`, for a data-modifying CTE. */
  statement: SQL;
  events: PendingEvent[];
  /** The stored row (as the driver returned it) → its view, to check the prediction against. */
  viewOf: (raw: Record<string, unknown>) => unknown;
  predicted: unknown;
  /** What the statement must do and check besides the insert (createInOneStatement). */
  facts?: StatementFacts;
};

/** The database a pure collection's prepare gets: none. */
const noDatabase = new Proxy(
  {},
  {
    get(_target, key) {
      throw new Error(`A collection declared pure read the database in prepare (db.${String(key)}): remove \`pure\` from its spec`);
    },
  },
) as Ctx['db'];

/** The write and read operations every Records API collection shares, with events in the same transaction. */
/** Rows whose conditional write lost to a concurrent one (by collection, tenant and id), and when. */
const hotRows = new Map<string, number>();
const HOT_ROW_MS = 2_000;

/**
 * Updates of one row from this process take turns, and each starts from the row the turn before
 * it wrote: a row that many requests write at once costs one conditional statement per write,
 * where each would otherwise read it, lose the conditional write to the others and queue on the
 * row lock (BEGIN, SELECT … FOR UPDATE, UPDATE, COMMIT). The row handed on is a starting point,
 * not a lock: the write is still conditional on its updatedAt, so a write from anywhere else
 * (another process, a delete, a transaction) makes it fail, and the update reads the row again.
 */
type Turns = { tail: Promise<void>; waiting: number; handed?: unknown };
const rowTurns = new Map<string, Turns>();

async function takingTurns<R, A>(key: string, work: (handed: R | undefined) => Promise<{ answer: A; row?: R }>): Promise<A> {
  let turns = rowTurns.get(key);
  if (!turns) rowTurns.set(key, (turns = { tail: Promise.resolve(), waiting: 0 }));
  const before = turns.tail;
  let done!: () => void;
  turns.tail = new Promise<void>((resolve) => (done = resolve));
  turns.waiting++;
  try {
    await before;
    const handed = turns.handed as R | undefined;
    turns.handed = undefined; // a turn that fails hands on nothing: the next one reads the row
    const { answer, row } = await work(handed);
    turns.handed = row;
    return answer;
  } finally {
    done();
    if (--turns.waiting === 0) rowTurns.delete(key);
  }
}

export function defineCollection<T extends RecordTable, V extends { id: string; updatedAt: string }, I>(spec: CollectionSpec<T, V, I>) {
  const { table } = spec;
  const t = table as unknown as RecordTable & Record<string, PgColumn>;
  const findName = `${getTableName(table)}_find`;
  const lockName = `${getTableName(table)}_lock`;
  const columns = getTableColumns(table) as Record<string, PgColumn>;

  async function findRow(ctx: Ctx, id: string): Promise<Row<T>> {
    const [row] = await runPrepared(
      ctx.db,
      findName,
      (db) =>
        db
          .select(viewColumns(table))
          .from(table as PgTable)
          .where(scopedPlaceholders(t, isNull(t.deletedAt), eq(t.id, sql.placeholder('id'))))
          .limit(1),
      { ...owner(ctx), id },
    );
    if (!row) throw notFound(spec.label, id);
    return row as Row<T>;
  }

  /**
   * The row a write decides on, locked (`FOR UPDATE`) until the request's transaction ends: a
   * concurrent write of the same record waits, then decides on what this one wrote. Every
   * read-decide-write of a record starts here (ARCHITECTURE.md, "Concurrency"). The same statement
   * reads the database clock for the write's updatedAt: later than the stored one, never earlier
   * than the transaction's start (what the sync horizon needs), and known before the write, so the
   * write and its events go out as one statement.
   */
  async function lockForWrite(ctx: Ctx, id: string): Promise<{ row: Row<T>; next: Date }> {
    const [found] = (await runPrepared(
      ctx.db,
      lockName,
      (db) =>
        db
          .select({ ...columns, nextUpdatedAt: writeInstantAfter(t.updatedAt).mapWith(t.updatedAt) })
          .from(table as PgTable)
          .where(scopedPlaceholders(t, isNull(t.deletedAt), eq(t.id, sql.placeholder('id'))))
          .limit(1)
          .for('update'),
      { ...owner(ctx), id },
    )) as (Row<T> & { nextUpdatedAt: Date })[];
    if (!found) throw notFound(spec.label, id);
    const { nextUpdatedAt, ...row } = found;
    return { row: row as unknown as Row<T>, next: nextUpdatedAt };
  }

  const lockRow = async (ctx: Ctx, id: string): Promise<Row<T>> => (await lockForWrite(ctx, id)).row;

  /**
   * Writes `set` over the row and its events in one statement. The events carry the view of the
   * row as it will be stored, built here before the write; the stored row comes back from the
   * same statement, and in the rare case that the database stored a value differently from how
   * it was sent (a numeric's scale, say) the events are corrected to the stored view.
   * With `seen`, the write is conditional: it changes the row only if its updatedAt is still
   * `seen` (nobody wrote it since it was read), takes the next instant after it, and answers
   * undefined (no row, no event) when somebody did.
   */
  async function writeChange(ctx: Ctx, id: string, current: Row<T>, set: Record<string, unknown>, eventTypes: (view: V) => string[], seen?: Date): Promise<{ view: V; row: Row<T> } | undefined> {
    const row = { ...current, ...set, ...(seen ? { updatedAt: PENDING_INSTANT } : {}) } as Row<T>;
    const view = spec.view(row);
    const pending = eventTypes(view).map((type) => newEvent(ctx, type, view as Record<string, unknown>));
    const where = seen ? and(scopedId(ctx, t, id), isNull(t.deletedAt), eq(t.updatedAt, seen)) : scopedId(ctx, t, id);
    const values = seen ? { ...set, updatedAt: writeInstantAfter(t.updatedAt) } : set;
    const change = ctx.db
      .update(table as PgTable)
      .set(values as never)
      .where(where)
      .returning();
    const appended = seen ? appendEvents(pending, sql`(select ${isoText(sql`updated_at`)} from changed)`) : appendEvents(pending);
    const [raw] = await queryRows<Record<string, unknown>>(ctx.db, sql`with changed as (${change.getSQL()}), appended as (${appended}) select changed.* from changed`);
    if (!raw) return undefined;
    if (pending.length) eventsWritten(ctx.db);
    const storedRow = fromDriver(raw);
    const stored = spec.view(storedRow);
    const sent = seen ? spec.view({ ...row, updatedAt: stored.updatedAt ? new Date(stored.updatedAt) : PENDING_INSTANT } as Row<T>) : view;
    if (!isDeepStrictEqual(asJson(stored), asJson(sent))) {
      await ctx.db
        .update(events)
        .set({ data: stored as Record<string, unknown> })
        .where(
          and(
            eq(events.tenantId, ctx.tenantId),
            inArray(
              events.id,
              pending.map((e) => e.id),
            ),
          ),
        );
    }
    return { view: stored, row: storedRow };
  }

  /** A row as the driver returned it from a raw statement, mapped as drizzle maps its own selects. */
  function fromDriver(raw: Record<string, unknown>): Row<T> {
    return Object.fromEntries(
      Object.entries(columns).map(([key, column]) => [key, raw[column.name] === null || raw[column.name] === undefined ? null : column.mapFromDriverValue(raw[column.name])]),
    ) as Row<T>;
  }

  async function create(ctx: Ctx, input: I): Promise<V> {
    if ((spec.pure || spec.createInOneStatement) && ctx.deferWrite) return deferCreate(ctx, input);
    const values = await spec.prepare(ctx, input, undefined);
    const at = writeInstant();
    const [row] = await ctx.db
      .insert(table)
      .values({ ...values, ...owner(ctx), id: newId(), createdAt: at, updatedAt: at } as Insert<T>)
      .returning();
    const view = spec.view(row as Row<T>);
    await emit(ctx, `crm.${spec.name}.created`, view as Record<string, unknown>);
    return view;
  }

  // The row is known before it exists (ids are ours, defaults are the columns' own, timestamps
  // the statement's instant), so its view and event are built here and the platform stores row,
  // event and idempotency record in one statement.
  async function deferCreate(ctx: Ctx, input: I): Promise<V> {
    const facts = spec.pure ? undefined : newStatementFacts();
    const values = await spec.prepare(facts ? { ...ctx, db: transactionNeeded, statement: facts } : { ...ctx, db: noDatabase }, input, undefined);
    const at = writeInstant();
    const insert = { ...values, ...owner(ctx), id: newId() } as Record<string, unknown>;
    const predicted = Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, key in insert && insert[key] !== undefined ? insert[key] : columnDefault(column)]));
    const view = spec.view({ ...predicted, createdAt: PENDING_INSTANT, updatedAt: PENDING_INSTANT, deletedAt: null } as Row<T>);
    // A value only the statement knows (a number) goes in as its SQL.
    const standIns = new Map(facts?.standIns.map((s) => [s.text, s.value]));
    const row = Object.fromEntries(Object.entries(insert).map(([key, value]) => [key, (typeof value === 'string' && standIns.get(value)) || value]));
    ctx.deferWrite!({
      statement: ctx.db
        .insert(table)
        .values({ ...row, createdAt: at, updatedAt: at } as Insert<T>)
        .returning()
        .getSQL(),
      events: [newEvent(ctx, `crm.${spec.name}.created`, view as Record<string, unknown>)],
      viewOf: (raw) => spec.view(fromDriver(raw)),
      predicted: view,
      facts,
    });
    return view;
  }

  async function get(ctx: Ctx, id: string): Promise<V> {
    return spec.view(await findRow(ctx, id));
  }

  /**
   * Partial update of the locked row. If-Match is checked against that row, so of many writers
   * holding one ETag exactly one succeeds. An update that changes nothing writes nothing: same
   * updatedAt, no event.
   */
  async function update(ctx: Ctx, id: string, input: I, opts: { ifMatch?: string } = {}): Promise<V> {
    if (spec.pure && ctx.deferWrite) return updateIfUnchanged(ctx, id, input, opts.ifMatch);
    if (ctx.deferWrite) throw new NeedsTransaction(`${spec.label} updates run in a transaction`);
    return updateLocked(ctx, id, input, opts.ifMatch);
  }

  // The update decided on the locked row (inside the caller's transaction).
  async function updateLocked(ctx: Ctx, id: string, input: I, ifMatch: string | undefined): Promise<V> {
    const { row: current, next } = await lockForWrite(ctx, id);
    checkIfMatch(id, current, ifMatch);
    const values = await spec.prepare(spec.pure ? { ...ctx, db: noDatabase } : ctx, input, current);
    if (!changesAnything(current as Record<string, unknown>, values as Record<string, unknown>)) return spec.view(current);
    return (await writeChange(ctx, id, current, { ...values, updatedAt: next }, updateEvents(current)))!.view;
  }

  const updateEvents = (current: Row<T>) => (view: V) => [`crm.${spec.name}.updated`, ...(spec.extraEvents?.(view, spec.view(current)) ?? [])];

  function checkIfMatch(id: string, current: Row<T>, ifMatch: string | undefined) {
    const currentTag = etagOf(current as { updatedAt: Date });
    if (ifMatch && ifMatch !== currentTag && ifMatch !== '*') {
      throw new AppError('precondition_failed', `${spec.label} ${id} changed since it was read (If-Match ${ifMatch}, current ETag ${currentTag})`);
    }
  }

  /**
   * A pure collection's update, outside any transaction: read the row, merge, and write it only
   * if it is still the row that was read (one conditional statement with its events). If somebody
   * wrote it in between, If-Match fails (412); without If-Match the update is decided again on the
   * new row, once, and then waits its turn on the row's lock, so a hot record is never refused.
   */
  async function updateIfUnchanged(ctx: Ctx, id: string, input: I, ifMatch: string | undefined): Promise<V> {
    const key = `${spec.name} ${ctx.tenantId} ${ctx.environment} ${id}`;
    const locked = () => ctx.db.transaction((tx) => updateLocked({ ...ctx, db: tx, deferWrite: undefined }, id, input, ifMatch));
    return takingTurns<Row<T>, V>(key, async (handed) => {
      // A row that lost a conditional write moments ago is being written by several requests at
      // once (from other processes: this one's take turns): optimism would lose again (each loss
      // costs a read and a statement), so those go to the row lock directly.
      const hotSince = hotRows.get(key);
      if (hotSince !== undefined && Date.now() - hotSince < HOT_ROW_MS) return { answer: await locked() };
      // What the update writes over `current`, or undefined when it changes nothing.
      const decide = async (current: Row<T>) => {
        checkIfMatch(id, current, ifMatch);
        const values = (await spec.prepare({ ...ctx, db: noDatabase }, input, current)) as Record<string, unknown>;
        return changesAnything(current as Record<string, unknown>, values) ? values : undefined;
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        let current = attempt === 0 ? handed : undefined;
        // Only the conditional write confirms a handed row: a refusal or "nothing to change"
        // decided on it is decided again on the row as read.
        let values = current ? await decide(current).catch(() => undefined) : undefined;
        if (!current || !values) {
          current = await findRow(ctx, id);
          values = await decide(current);
          if (!values) return { answer: spec.view(current), row: current };
        }
        const written = await writeChange(ctx, id, current, values, updateEvents(current), (current as { updatedAt: Date }).updatedAt);
        if (written) return { answer: written.view, row: written.row };
        if (current !== handed) {
          if (hotRows.size > 10_000) hotRows.clear();
          hotRows.set(key, Date.now());
        }
        if (ifMatch) checkIfMatch(id, await findRow(ctx, id), ifMatch);
      }
      return { answer: await locked() };
    });
  }

  /** Soft delete: a tombstone with deletedAt, gone from reads, restorable for 30 days. */
  async function remove(ctx: Ctx, id: string): Promise<V> {
    const { row: current, next } = await lockForWrite(ctx, id);
    await spec.beforeDelete?.(ctx, current);
    return (await writeChange(ctx, id, current, { deletedAt: next, updatedAt: next }, () => [`crm.${spec.name}.deleted`]))!.view;
  }

  /** Undoes a soft delete within 30 days (the dashboard's "restore"). */
  async function restore(ctx: Ctx, id: string): Promise<V> {
    const [current] = (await ctx.db
      .select()
      .from(table as PgTable)
      .where(scopedId(ctx, t, id))
      .limit(1)
      .for('update')) as Row<T>[];
    const deletedAt = (current as { deletedAt: Date | null } | undefined)?.deletedAt;
    if (!current || !deletedAt) throw notFound(`Deleted ${spec.label.toLowerCase()}`, id);
    if (Date.now() - deletedAt.getTime() > RESTORE_DAYS * 86400_000) {
      throw new AppError('conflict', `${spec.label} ${id} was deleted more than ${RESTORE_DAYS} days ago and can no longer be restored`);
    }
    const [row] = (await ctx.db
      .update(table as PgTable)
      .set({ deletedAt: null, updatedAt: writeInstantAfter(t.updatedAt) } as never)
      .where(scopedId(ctx, t, id))
      .returning()) as Row<T>[];
    const view = spec.view(row);
    await emit(ctx, `crm.${spec.name}.updated`, view as Record<string, unknown>);
    return view;
  }

  /**
   * The live records whose `column` holds one of `keys` (an import's natural key: email, VIN, SKU),
   * oldest first, so a key shared by older duplicates always finds the same record. With `lock`
   * they are taken `FOR UPDATE` (the write decides on them) with their next write instant, as
   * lockRow does for one record.
   */
  async function rowsByKey(ctx: Ctx, column: PgColumn, keys: string[], opts: { lock?: boolean } = {}): Promise<Map<string, { row: Row<T>; next: Date }>> {
    const found = new Map<string, { row: Row<T>; next: Date }>();
    if (!keys.length) return found;
    const query = ctx.db
      .select({ ...columns, nextUpdatedAt: writeInstantAfter(t.updatedAt).mapWith(t.updatedAt) })
      .from(table as PgTable)
      .where(scoped(ctx, t, isNull(t.deletedAt), sql`${column} in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`))
      .orderBy(t.createdAt, t.id);
    const rows = (await (opts.lock ? query.for('update') : query)) as (Row<T> & { nextUpdatedAt: Date })[];
    for (const { nextUpdatedAt, ...row } of rows) {
      const key = String((row as Record<string, unknown>)[keyOf(column)]);
      if (!found.has(key)) found.set(key, { row: row as unknown as Row<T>, next: nextUpdatedAt });
    }
    return found;
  }
  const keyOf = (column: PgColumn) => Object.entries(columns).find(([, c]) => c === column)![0];

  /** Runs the collection's own checks (prepare) on an input without writing it: an import's validation. */
  async function check(ctx: Ctx, input: I, current: Row<T> | undefined): Promise<void> {
    await spec.prepare(spec.pure ? { ...ctx, db: noDatabase } : ctx, input, current);
  }

  /**
   * An import's batch, in the caller's transaction (`ctx.db`, events collected in
   * `ctx.pendingEvents`): each entry updates the record found by its key (`existing`, locked by
   * rowsByKey) or is created; the creates go out as one multi-row insert. Each entry passes the
   * collection's prepare, as any write does; one it refuses is answered as rejected and the rest
   * are written. Updates that change nothing write nothing.
   */
  async function writeBatch(
    ctx: Ctx,
    entries: { input: I; existing?: { row: Row<T>; next: Date } }[],
  ): Promise<({ outcome: 'created' | 'updated' | 'unchanged'; view: V } | { outcome: 'rejected'; error: AppError })[]> {
    const prepareCtx = spec.pure ? { ...ctx, db: noDatabase } : ctx;
    const results: ({ outcome: 'created' | 'updated' | 'unchanged'; view: V } | { outcome: 'rejected'; error: AppError })[] = [];
    const inserts: { index: number; values: Record<string, unknown> }[] = [];
    for (const [index, { input, existing }] of entries.entries()) {
      try {
        const values = await spec.prepare(prepareCtx, input, existing?.row);
        if (!existing) {
          inserts.push({ index, values: { ...values, ...owner(ctx), id: newId() } });
          continue;
        }
        if (!changesAnything(existing.row as Record<string, unknown>, values as Record<string, unknown>)) {
          results[index] = { outcome: 'unchanged', view: spec.view(existing.row) };
          continue;
        }
        const id = (existing.row as { id: string }).id;
        results[index] = { outcome: 'updated', view: (await writeChange(ctx, id, existing.row, { ...values, updatedAt: existing.next }, updateEvents(existing.row)))!.view };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results[index] = { outcome: 'rejected', error: err };
      }
    }
    if (inserts.length) {
      const at = writeInstant();
      const rows = (await ctx.db
        .insert(table)
        .values(inserts.map((i) => ({ ...i.values, createdAt: at, updatedAt: at }) as Insert<T>))
        .returning()) as Row<T>[];
      const byId = new Map(rows.map((r) => [(r as { id: string }).id, r]));
      for (const { index, values } of inserts) {
        const view = spec.view(byId.get(values.id as string)!);
        await emit(ctx, `crm.${spec.name}.created`, view as Record<string, unknown>);
        results[index] = { outcome: 'created', view };
      }
    }
    return results;
  }

  /**
   * A page for people browsing (the dashboard): newest changes first, or in `sort`'s order
   * (core/sorting.ts); with `q`, search results, in rank order unless sorted. `deleted` lists the
   * restorable tombstones instead of the live records.
   */
  async function listRecent(ctx: Ctx, opts: BrowseOptions) {
    const filters = filterConditions(spec.search?.filters, opts.filters ?? {});
    const skip = (opts.page - 1) * opts.limit;
    if (spec.search && hasTerms(opts.q)) {
      const order = opts.sort ? sortOrder(spec.name, columns, opts.sort) : undefined;
      const where = and(opts.deleted ? isNotNull(t.deletedAt) : undefined, ...filters);
      const page = await searchPage(ctx, t, spec.search, { q: opts.q, where, includeDeleted: opts.deleted, limit: opts.limit, skip, includeTotal: true, order });
      return { rows: page.rows.map((r) => spec.view(r as Row<T>)), total: page.total ?? 0 };
    }
    const where = scoped(ctx, t, opts.deleted ? isNotNull(t.deletedAt) : isNull(t.deletedAt), ...filters);
    const [rows, [{ total }]] = await Promise.all([
      ctx.db
        .select(viewColumns(table))
        .from(table as PgTable)
        .where(where)
        .orderBy(...sortOrder(spec.name, columns, opts.sort))
        .limit(opts.limit)
        .offset(skip),
      ctx.db
        .select({ total: count() })
        .from(table as PgTable)
        .where(where),
    ]);
    return { rows: rows.map((r) => spec.view(r as Row<T>)), total: Number(total) };
  }

  /**
   * A Records API page. With `q`: ranked search results, paged by offset (`ranked`); without it:
   * the sync order, filters or not.
   */
  async function list(ctx: Ctx, opts: ListOptions) {
    const filtered = and(opts.where, ...filterConditions(spec.search?.filters, opts.filters ?? {}));
    if (spec.search && hasTerms(opts.q)) {
      const updated = opts.updatedAfter ? sql`${t.updatedAt} > ${opts.updatedAfter.toISOString()}` : undefined;
      const page = await searchPage(ctx, t, spec.search, { ...opts, q: opts.q, where: and(filtered, updated) });
      return { rows: page.rows.map((r) => spec.view(r as Row<T>)), total: page.total, hasMore: page.hasMore, ranked: true as const };
    }
    const { rows, total, hasMore } = await listForSync(ctx, t, { ...opts, where: filtered });
    const last = rows.at(-1) as { updatedAt: Date; id: string } | undefined;
    return { rows: rows.map((r) => spec.view(r as Row<T>)), total, hasMore, last };
  }

  return {
    name: spec.name,
    label: spec.label,
    pure: spec.pure === true,
    createInOneStatement: spec.createInOneStatement === true,
    search: spec.search ? { filters: spec.search.filters ?? {} } : undefined,
    table,
    findRow,
    lockRow,
    create,
    get,
    update,
    remove,
    restore,
    list,
    listRecent,
    rowsByKey,
    check,
    writeBatch,
  };
}

export type Collection = ReturnType<typeof defineCollection<RecordTable, { id: string; updatedAt: string }, never>>;

/** A strong validator that changes whenever the record does. */
export const etagOf = (row: { updatedAt: Date }) => `"${row.updatedAt.getTime().toString(36)}"`;

// A write's createdAt/updatedAt come from the database clock inside the write's statement, in
// whole milliseconds (the precision every API renders): never earlier than the start of the
// write's transaction, whatever the application server's clock says. The sync horizon
// (storage/sync-horizon.ts) relies on exactly that.
export const writeInstant = (): SQL => sql`date_trunc('milliseconds', statement_timestamp())`;

/** The write's instant for a row that already has one: always later, even within one millisecond. */
export const writeInstantAfter = (updatedAt: PgColumn): SQL => sql`greatest(date_trunc('milliseconds', statement_timestamp()), ${updatedAt} + interval '1 millisecond')`;

// Whether a prepared update would change the stored row. Values are compared as they would be
// stored (dates by instant, JSON without undefined members).
function changesAnything(current: Record<string, unknown>, values: Record<string, unknown>): boolean {
  const stored = (v: unknown) => (v instanceof Date ? v.getTime() : asJson(v));
  return Object.entries(values).some(([key, value]) => !isDeepStrictEqual(stored(value), stored(current[key])));
}

/** A column's default as the database would fill it in: its literal default, else null. */
function columnDefault(column: PgColumn): unknown {
  const c = column as PgColumn & { default?: unknown; defaultFn?: () => unknown };
  if (c.defaultFn) return c.defaultFn();
  if (c.default === undefined || (typeof c.default === 'object' && c.default !== null && 'getSQL' in c.default)) return null;
  return c.default;
}

/** A value as JSON would carry it (dates as text, no undefined members), for comparing. */
const asJson = (v: unknown): unknown => (v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v);

/** Drops undefined entries, so "omitted" and "set to null" stay different in a partial update. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
