import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type * as schema from './schema/index.ts';
import { migrationsFolder } from './migrations.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { sendNotifiesAfterCommit } from './notify.ts';

export type Schema = typeof schema;
// The one database type the rest of the code sees, whichever driver is underneath.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Queryable = Db | Tx;

export type Database = {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** For LISTEN/NOTIFY and health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Calls `onNotify` for every NOTIFY on `channel` (delivered at commit); returns the unsubscribe. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Only on PostgreSQL: the connection string, so other processes can share it. */
  url?: string;
};

export type OpenDbOptions = {
  databaseUrl?: string;
  /** PGlite directory; `memory://` keeps everything in memory (tests). */
  dataDir: string;
  poolSize?: number;
};

export async function openDb(opts: OpenDbOptions): Promise<Database> {
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : await openPglite(opts.dataDir);
  sendNotifiesAfterCommit(database.db);
  return database;
}

export async function migrate(database: Database): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, { migrationsFolder });
    return;
  }
  const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
  const pg = await import('pg');
  // Several processes may start at once: one migrates while the others wait on the same lock.
  const lock = new pg.default.Client({ connectionString: database.url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock(727274)');
    await run(database.db as never, { migrationsFolder });
  } finally {
    await lock.query('select pg_advisory_unlock(727274)').catch(() => {});
    await lock.end();
  }
}

/** Rows of a raw statement: both drivers answer `execute` with `{ rows }`. */
export async function queryRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}
