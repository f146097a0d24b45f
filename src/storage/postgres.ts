import * as schema from './schema/index.ts';
import type { Database, Db } from './db.ts';
import { markConcurrent } from './sync-horizon.ts';

// The PostgreSQL driver: a node-postgres pool (DATABASE_URL), LISTEN on a connection of its own.

export async function openPostgres(url: string, max: number): Promise<Database> {
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
  markConcurrent(db);
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
async function listenPostgres(pgModule: typeof import('pg').default, url: string, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
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
