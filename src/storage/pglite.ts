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
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
  '-c',
  'shared_buffers=16MB',
];

// The contrib extensions the migrations create (pg_trgm, by migration 0008).
// PGlite ships them as bundles it must be given at every open, not only when one is created.
async function pgliteExtensions() {
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return { pg_trgm };
}

export async function openPglite(dataDir: string): Promise<Database> {
  const pglite = await import('@electric-sql/pglite');
  const { PGlite } = pglite;
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
      fs: inMemory ? pgliteMemoryImage(pglite) : undefined,
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
  for (const file of fs
    .readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
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
    if (!isThisPglitesTemplate(templateKeyOnDisk())) return;
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
 * Rows every new database starts with, written into the template after the migrations: the
 * vehicle catalog, which the composition root (app.ts) gives, since storage knows no domain. Its
 * key names the rows' version: a template with another is made again. A copy with stale rows is
 * still a valid database (the server reloads what changed at start), so the copy checks only the
 * first line of key.txt, PGlite's version and the migrations.
 */
export type TemplateSeed = { key(): string; run(db: Db): Promise<void> };

// key.txt's first line: PGlite's version and the migrations, what makes a template usable at all.
const isThisPglitesTemplate = (key: string | undefined): key is string => key?.split('\n')[0] === pgliteTemplateKey();

const templateKeyOnDisk = (): string | undefined => {
  try {
    return fs.readFileSync(path.join(pgliteTemplateDir, 'key.txt'), 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Builds the template a new embedded database is copied from (see copyPgliteTemplate), unless it
 * is there and current. Another process building it meanwhile is left to it: this one's database,
 * if new, runs initdb itself.
 */
export async function ensurePgliteTemplate(seed?: TemplateSeed): Promise<void> {
  const key = seed ? `${pgliteTemplateKey()}\n${seed.key()}` : pgliteTemplateKey();
  if (templateKeyOnDisk() === key) return;
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
    const db = drizzle(client, { schema });
    await run(db as never, { migrationsFolder });
    await seed?.run(db as unknown as Db);
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
// the tarball takes a fraction of a second. The tarball is named after the template's key (and
// what is left out of it), so a stale one is never loaded; without it, PGlite runs initdb as
// before. `npm test` makes it once per run.
// The template's own key (key.txt, seed included) names it; a template of another PGlite or other
// migrations has none.
const pgliteImageFile = (): string | undefined => {
  const key = templateKeyOnDisk();
  if (!isThisPglitesTemplate(key)) return undefined;
  return path.join(pgliteTemplateDir, `memory-${crypto.createHash('sha256').update(`${key}, no template databases`).digest('hex').slice(0, 12)}.tar`);
};

// The tarball's files, read once per process (a test process starts many servers): each new
// database then gets a copy of them in its own in-memory file system, where PGlite's loadDataDir
// would read, copy and untar the whole tarball again for every one.
type ImageFile = { path: string; data?: Uint8Array };
let imageFiles: ImageFile[] | null | undefined;

function pgliteMemoryImage({ PGlite, MemoryFS }: typeof import('@electric-sql/pglite')): InstanceType<typeof MemoryFS> | undefined {
  if (imageFiles === undefined) {
    try {
      const image = pgliteImageFile();
      imageFiles = image ? untar(fs.readFileSync(image)) : null;
    } catch {
      imageFiles = null;
    }
  }
  if (!imageFiles) return undefined;
  const files = imageFiles;
  return new (class extends MemoryFS {
    // PGlite calls it once its file system is up, before it looks for PGDATA.
    async initialSyncFs() {
      const { FS } = this.pg!.Module;
      for (const file of files) {
        const at = `${PGlite.paths.PGDATA}/${file.path}`;
        if (!file.data) {
          FS.mkdirTree(at);
          continue;
        }
        const dir = at.slice(0, at.lastIndexOf('/'));
        if (!FS.analyzePath(dir).exists) FS.mkdirTree(dir);
        FS.writeFile(at, file.data);
      }
    }
  })();
}

/** The regular files and directories of a ustar archive (what PGlite's dumpDataDir writes). */
function untar(tar: Buffer): ImageFile[] {
  const files: ImageFile[] = [];
  const field = (at: number, length: number) => {
    const end = tar.indexOf(0, at);
    return tar.toString('utf8', at, end === -1 || end > at + length ? at + length : end);
  };
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const prefix = field(at + 345, 155);
    const path = `${prefix ? `${prefix}/` : ''}${field(at, 100)}`.replace(/^\/+|\/+$/g, '');
    const size = Number.parseInt(field(at + 124, 12).trim() || '0', 8);
    const type = tar[at + 156];
    at += 512;
    // A Uint8Array, not a Buffer: the file system copies it with slice(), which a Buffer shares.
    if (type === 0x30 || type === 0) files.push({ path, data: new Uint8Array(tar.buffer, tar.byteOffset + at, size) });
    else if (type === 0x35) files.push({ path });
    at += Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Makes the template (ensurePgliteTemplate) and its tarball for `memory://` databases, unless current. */
export async function ensurePgliteMemoryImage(seed?: TemplateSeed): Promise<void> {
  await ensurePgliteTemplate(seed);
  const image = pgliteImageFile();
  if (!image || fs.existsSync(image)) return;
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
    // Half of the template's files and a third of its bytes are the template databases, which an
    // in-memory database never uses (nothing creates a database in it).
    for (const name of ['template0', 'template1']) {
      await client.query(`alter database ${name} is_template false`);
      await client.query(`drop database ${name}`);
    }
    const tar = await client.dumpDataDir('none');
    await client.close();
    fs.writeFileSync(`${image}.tmp`, Buffer.from(await tar.arrayBuffer()));
    fs.renameSync(`${image}.tmp`, image);
    for (const stale of fs.readdirSync(pgliteTemplateDir).filter((f) => /^memory-.*\.tar$/.test(f) && f !== path.basename(image))) {
      fs.rmSync(path.join(pgliteTemplateDir, stale), { force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(`${image}.tmp`, { force: true });
    unlock();
  }
}
