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
  if (!query) byName.set(name, (query = build(db).prepare(name)));
  return query.execute(placeholders);
}
