import { Column, is, SQL, Subquery } from 'drizzle-orm';
import type { Queryable } from './db.ts';

type Prepared<R> = { execute(placeholders?: Record<string, unknown>): Promise<R> };

// Drizzle builds a query's SQL text on every call: for a GET by id that was a quarter of the
// server's CPU (profile in docs/benchmarks.md). A hot query of a fixed shape is built once per
// database handle and sent as a named prepared statement, so PostgreSQL also parses and plans it
// once per connection. A transaction is a new handle, so inside one the query is built once per
// transaction (as before) but still reuses the connection's parsed statement.
const cache = new WeakMap<object, Map<string, Prepared<unknown>>>();

/**
 * Runs the query `build` describes, built with `sql.placeholder(...)` for its values, as the
 * prepared statement `name`. One name means one SQL text: give every shape its own name.
 */
export function runPrepared<R>(db: Queryable, name: string, build: (db: Queryable) => { prepare(name: string): Prepared<R> }, placeholders: Record<string, unknown>): Promise<R> {
  let byName = cache.get(db);
  if (!byName) cache.set(db, (byName = new Map()));
  let query = byName.get(name) as Prepared<R> | undefined;
  if (!query) byName.set(name, (query = withRowMapper(build(db).prepare(name))));
  return query.execute(placeholders);
}

// What drizzle's prepared queries (node-postgres and PGlite alike) keep of their selection: the
// selected fields in column order, and an optional mapper of the driver's rows (arrays).
type Selected = { path: string[]; field: unknown };
type DrizzlePrepared = { fields?: Selected[]; customResultMapper?: (rows: unknown[][]) => unknown };
type Decoder = { mapFromDriverValue(value: unknown): unknown };

/**
 * Drizzle maps every row of a select through `mapResultRow`, which looks up every field's kind
 * (`is()`, a prototype walk) on every row: with 50 rows of 22 columns that was 12.6 % of a list's
 * CPU (profile in docs/benchmarks.md). A prepared select of a flat selection (one table's columns,
 * `sql` fields with a decoder) gets a mapper that knows its decoders in advance and does what
 * `mapResultRow` does for such a selection: a null stays null, anything else goes through its
 * decoder's `mapFromDriverValue`. Nested selections (joins) keep drizzle's own mapping.
 */
function withRowMapper<P>(prepared: P): P {
  const q = prepared as DrizzlePrepared;
  if (!q.fields || q.customResultMapper || !q.fields.every((f) => f.path.length === 1)) return prepared;
  const keys = q.fields.map((f) => f.path[0]);
  // A column that keeps the driver's value as it is (text, boolean, …) needs no call.
  const decoders = q.fields.map(({ field }) => {
    const decoder = decoderOf(field);
    return decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue ? undefined : (value: unknown) => decoder.mapFromDriverValue(value);
  });
  const width = keys.length;
  q.customResultMapper = (rows) =>
    rows.map((row) => {
      const mapped: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) {
        const value = row[i];
        const decode = decoders[i];
        mapped[keys[i]] = value === null || decode === undefined ? value : decode(value);
      }
      return mapped;
    });
  return prepared;
}

// The decoder drizzle's mapResultRow picks for a field, in its order: a column, an `sql` value
// (`.mapWith`), a subquery's `sql`, an aliased value's `sql`.
function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field;
  const decoderOfSql = (s: SQL) => (s as unknown as { decoder: Decoder }).decoder;
  if (is(field, SQL)) return decoderOfSql(field);
  if (is(field, Subquery)) return decoderOfSql(field._.sql);
  return decoderOfSql((field as { sql: SQL }).sql);
}
