import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';
import type { Database, Db } from './db.ts';
import { lockDataDir, lockFile } from './data-dir-lock.ts';
import { migrationsFolder } from './migrations.ts';

// The embedded driver: PGlite (PostgreSQL in WebAssembly) in DATA_DIR, locked to one process
// (data-dir-lock.ts), or in memory for tests; new databases start from a template.

// PGlite's defaults are PostgreSQL's, sized for a database server: 128 MB of shared buffers, which
// the WebAssembly build touches in full at start (≈ 110 MB of resident memory before the first
// query). An embedded CRM's working set fits a small cache; the operating system's page cache
// holds the rest of the files. These are PGlite's own start parameters plus shared_buffers.
export const pgliteStartParams = [
  '--single', '-F', '-O', '-j',
  '-c', 'search_path=public',
  '-c', 'exit_on_error=false',
  '-c', 'log_checkpoints=false',
  '-c', 'max_worker_processes=0',
  '-c', 'max_parallel_workers=0',
  '-c', 'max_parallel_workers_per_gather=0',
  '-c', 'io_method=sync',
  '-c', 'max_parallel_maintenance_workers=0',
  '-c', 'shared_buffers=16MB',
];

// The contrib extensions the migrations create (pg_trgm, by migration 0008).
// PGlite ships them as bundles it must be given at every open, not only when one is created.
async function pgliteExtensions() {
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return { pg_trgm };
}

export async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const inMemory = dataDir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  try {
    if (!inMemory) copyPgliteTemplate(dataDir);
    // One options object: `new PGlite(undefined, options)` ignores its second argument, which left
    // `memory://` databases without these start parameters.
    const client = new PGlite({
      dataDir: inMemory ? undefined : pgdataOf(dataDir),
      startParams: pgliteStartParams,
      extensions: await pgliteExtensions(),
      loadDataDir: inMemory ? pgliteMemoryImage() : undefined,
    });
    await client.waitReady;
    const db = drizzle({ client: turnTaking(client), schema }) as unknown as Db;
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

// PGlite runs a query synchronously, in this thread, and answers through a promise: a burst of
// queries (a first start's demo data, a large import) is one long chain of microtasks, during which
// the event loop never turns, so no connection is accepted and even /healthz waits for the end of
// the burst. Each query first lets the event loop turn once (setImmediate: a few microseconds).
type PgliteClient = InstanceType<typeof import('@electric-sql/pglite').PGlite>;
type Query = PgliteClient['query'];
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const turnFirst =
  (query: Query): Query =>
  async (...args) => {
    await turn();
    return query(...args);
  };
// Only what drizzle's PGlite session calls: query, and transaction (whose tx it queries).
function turnTaking(client: PgliteClient): PgliteClient {
  return {
    query: turnFirst(client.query.bind(client)),
    transaction: (fn) => client.transaction((tx) => fn(Object.assign(Object.create(tx), { query: turnFirst(tx.query.bind(tx)) }))),
  } as Pick<PgliteClient, 'query' | 'transaction'> as PgliteClient;
}

// A new embedded database starts as a copy of a template: PGlite's initdb (a second WebAssembly
// module and a second PostgreSQL instance) took 4-5 s of CPU and ~800 MB of memory on every
// first start, while copying the 40 MB it produces takes ~0.15 s. The template (initdb plus the
// migrations, in dist/pglite-template) is made once per PGlite version and set of migrations, by
// the build (scripts/build-server.mjs) or else the first `motors start`; without a current one,
// PGlite runs initdb itself as before. It holds no dealership's data and no secret: those are
// written at the first start, into the copy.
export const pgliteTemplateDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../dist/pglite-template');

export function pgliteTemplateKey(): string {
  // The package's files define the data directory format; its package.json is not exported.
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(migrationsFolder, file)));
  }
  return `pglite ${version}, migrations ${hash.digest('hex').slice(0, 16)}`;
}

/** The embedded database's files under DATA_DIR. */
const pgdataOf = (dataDir: string) => path.join(dataDir, 'pglite');

/** Whether DATA_DIR already holds an embedded database (a first start copies the template). */
export const hasPgliteDatabase = (dataDir: string) => fs.existsSync(path.join(pgdataOf(dataDir), 'PG_VERSION'));

function copyPgliteTemplate(dataDir: string): void {
  if (hasPgliteDatabase(dataDir)) return;
  const pgdata = pgdataOf(dataDir);
  const partial = `${pgdata}.partial`;
  try {
    if (fs.readFileSync(path.join(pgliteTemplateDir, 'key.txt'), 'utf8') !== pgliteTemplateKey()) return;
    // Copied beside, then renamed: a copy cut short never looks like a database.
    fs.rmSync(partial, { recursive: true, force: true });
    fs.rmSync(pgdata, { recursive: true, force: true });
    fs.cpSync(path.join(pgliteTemplateDir, 'pgdata'), partial, { recursive: true });
    fs.renameSync(partial, pgdata);
  } catch {
    // No template, or one being replaced while we copied: PGlite runs initdb instead.
    fs.rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * Builds the template a new embedded database is copied from (see copyPgliteTemplate), unless it
 * is there and current. Another process building it meanwhile is left to it: this one's database,
 * if new, runs initdb itself.
 */
export async function ensurePgliteTemplate(): Promise<void> {
  const key = pgliteTemplateKey();
  const keyFile = path.join(pgliteTemplateDir, 'key.txt');
  if (fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) return;
  fs.mkdirSync(path.dirname(pgliteTemplateDir), { recursive: true });
  const unlock = lockFile(`${pgliteTemplateDir}.lock`);
  if (typeof unlock !== 'function') return;
  const work = `${pgliteTemplateDir}.${process.pid}.tmp`;
  try {
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work);
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    const client = new PGlite(path.join(work, 'pgdata'), { startParams: pgliteStartParams, extensions: await pgliteExtensions() });
    await client.waitReady;
    await run(drizzle(client, { schema }) as never, { migrationsFolder });
    await client.close(); // a clean shutdown checkpoints, so a copy starts without recovery
    fs.writeFileSync(path.join(work, 'key.txt'), key);
    fs.rmSync(pgliteTemplateDir, { recursive: true, force: true });
    fs.renameSync(work, pgliteTemplateDir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    unlock();
  }
}

// A `memory://` database (every test server) starts from the same template, loaded from one
// tarball of it: PGlite's initdb was most of a test file's time (≈ 15 s of a 35 s file), loading
// the tarball takes about a second. The tarball is named after the template's key, so a stale one
// is never loaded; without it, PGlite runs initdb as before. `npm test` makes it once per run.
const pgliteImageFile = () =>
  path.join(pgliteTemplateDir, `memory-${crypto.createHash('sha256').update(pgliteTemplateKey()).digest('hex').slice(0, 12)}.tar`);

function pgliteMemoryImage(): Blob | undefined {
  try {
    return new Blob([fs.readFileSync(pgliteImageFile())]);
  } catch {
    return undefined;
  }
}

/** Makes the template (ensurePgliteTemplate) and its tarball for `memory://` databases, unless current.
 * @public scripts/test.mjs imports it by name (in an `-e` string knip cannot read). */
export async function ensurePgliteMemoryImage(): Promise<void> {
  await ensurePgliteTemplate();
  const image = pgliteImageFile();
  if (fs.existsSync(image) || !fs.existsSync(path.join(pgliteTemplateDir, 'key.txt'))) return;
  const unlock = lockFile(`${pgliteTemplateDir}.lock`);
  if (typeof unlock !== 'function') return;
  // PGlite writes to the directory it opens: dump a copy, never the template others copy from.
  const work = `${pgliteTemplateDir}.${process.pid}.image`;
  try {
    fs.rmSync(work, { recursive: true, force: true });
    fs.cpSync(path.join(pgliteTemplateDir, 'pgdata'), work, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const client = new PGlite(work, { startParams: pgliteStartParams, extensions: await pgliteExtensions() });
    await client.waitReady;
    const tar = await client.dumpDataDir('none');
    await client.close();
    fs.writeFileSync(`${image}.tmp`, Buffer.from(await tar.arrayBuffer()));
    fs.renameSync(`${image}.tmp`, image);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(`${image}.tmp`, { force: true });
    unlock();
  }
}
