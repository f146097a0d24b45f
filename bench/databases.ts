// The benchmark's databases: throwaway PostgreSQL databases (created and dropped per run) and a
// raw-SQL handle over either driver, so seeding and EXPLAIN are written once for PostgreSQL and PGlite.
import crypto from 'node:crypto';
import pg from 'pg';
import type { Database } from '../src/storage/db.ts';

export type Rows = { rows: Record<string, unknown>[] };
/** One SQL statement with positional parameters ($1…), on whichever driver the database uses. */
export type Query = (text: string, params?: unknown[]) => Promise<Rows>;

// Both drivers' clients (pg.Pool and PGlite) answer `query(text, params)` with `{ rows }`.
export const queryOf = (database: Database): Query => {
  const client = (database.db as unknown as { $client: { query: (text: string, params?: unknown[]) => Promise<Rows> } }).$client;
  return (text, params) => client.query(text, params);
};

export type ScratchDatabase = { url: string; name: string; drop(): Promise<void> };

/** A new, empty PostgreSQL database on the server of `adminUrl`; drop() removes it. */
export async function createScratchDatabase(adminUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `motors_bench_${label}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function postgresVersion(adminUrl: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return (await c.query<{ server_version: string }>('show server_version')).rows[0].server_version;
  } finally {
    await c.end();
  }
}
