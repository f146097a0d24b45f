import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import * as schema from './schema/index.ts';

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

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export class DataDirLockedError extends Error {}

// PGlite is one process's database: a second process opening the same files would corrupt them.
// A lock file with the holder's pid refuses the second opener with a message a person can act on.
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'motors.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(
          `The embedded database in ${path.resolve(dir)} is in use by another process (pid ${holder}). ` +
            `Stop that process first, or set DATABASE_URL to use PostgreSQL, which many processes can share.`,
        );
      }
      fs.unlinkSync(lockPath); // stale lock of a process that died
    }
  }
  throw new DataDirLockedError(`Could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type OpenDbOptions = {
  databaseUrl?: string;
  /** PGlite directory; `memory://` keeps everything in memory (tests). */
  dataDir: string;
  poolSize?: number;
};

export async function openDb(opts: OpenDbOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const inMemory = dataDir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    const client = inMemory ? new PGlite() : new PGlite(path.join(dataDir, 'pglite'));
    await client.waitReady;
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      ping: async () => {
        await client.query('select 1');
      },
      listen: async (channel, onNotify) => {
        const unsubscribe = await client.listen(channel, onNotify);
        return async () => unsubscribe();
      },
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pg = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.default.Pool({ connectionString: url, max, connectionTimeoutMillis: 3000 });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process.
  pool.on('error', () => {});
  // Nor may a checked-out one (a transaction between two queries): pg emits 'error' on the client,
  // which pg-pool listens to only while the client is idle, and an unheard 'error' event is an
  // uncaught exception. The failure still reaches the caller through its query's rejection.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzle(pool, { schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    url,
    ping: async () => {
      await pool.query('select 1');
    },
    listen: (channel, onNotify) => listenPostgres(pg.default, url, channel, onNotify),
    close: () => pool.end(),
  };
}

// LISTEN needs a connection of its own, outside the pool. A lost connection is re-opened; the
// listener's owner polls as well, so a notification missed in between only delays work.
async function listenPostgres(
  pgModule: typeof import('pg').default,
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
): Promise<() => Promise<void>> {
  let client: import('pg').Client | undefined;
  let closed = false;
  const connect = async (): Promise<void> => {
    const c = new pgModule.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify(n.payload ?? '');
    });
    c.on('error', () => {
      c.end().catch(() => {});
      if (!closed) setTimeout(() => void connect().catch(() => {}), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    if (closed) await c.end();
    else client = c;
  };
  await connect();
  return async () => {
    closed = true;
    await client?.end().catch(() => {});
  };
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
