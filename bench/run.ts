// `[BENCH_CPU_PROF=dir] npm run bench [-- --quick] [--pglite] [--customers N] [--motors N] [--invoices N] [--list-large N] [--import-rows N] [--duration S] [--only TEXT [--with-list-tenants]] [--keep-database] [--report FILE]`
// Motors CRM on a fresh PostgreSQL database (or, with --pglite, on PGlite) beside the floor
// (bench/floor.ts, on the same kind of database: with --pglite its own in-process PGlite holding a
// copy of Motors CRM's data directory) with the same data, both driven by autocannon from separate
// processes; then list latency by tenant size, 1 vs 2 server processes, and webhook delivery.
// Writes bench/results/<date>.json and regenerates docs/benchmarks.md and docs/benchmarks.svg
// (with --pglite: docs/benchmarks-pglite.md and .svg).
// Not part of `npm test`. BENCH_CPU_PROF=<dir> runs both servers under `node --cpu-prof` (profiles in
// <dir>/motors and <dir>/floor, summed by bench/cpu-profile.ts); bench/statements.ts counts what each
// operation sends to the embedded database.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { migrate, openDb, type Database, type Db } from '../src/storage/db.ts';
import { loadCatalog } from '../src/core/catalog-load.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import { apiKeys, tenants } from '../src/storage/schema/index.ts';
import { createScratchDatabase, postgresVersion, queryOf } from './databases.ts';
import { catalogLineup, listPlan, seedCustomers, seededCustomer, seedInvoices, seedMotors, type Owner } from './seed.ts';
import { operations, type BenchContext, type Request } from './operations.ts';
import { assertRunning, buildServerOnce, load, memory, root, sleep, start, startMotors, stop, waitReady, type Server } from './servers.ts';
import { measureListSizes, seedListTenants } from './list-sizes.ts';
import { measureProcesses } from './processes.ts';
import { measureWebhooks } from './webhooks.ts';
import type { LoadJob } from './load.ts';
import { writeReport, type BenchResults } from './report.ts';
import { CSV_IMPORT, measureCsvImport } from './csv-import.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = flag('quick');
// `--only <text>`: just the operations whose name contains it (or one of its `|`-separated parts),
// nothing else, no report (for profiling).
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const pglite = flag('pglite');
// `--keep-database`: leave the PostgreSQL database in place after the run (its URL is printed), to
// read plans with EXPLAIN on exactly the data that was measured.
const keepDatabase = flag('keep-database');
// `--with-list-tenants`: seed the list-size tenants in an `--only` run too (other tenants' rows
// share every index: a search or list measured without them measures an unshared table).
const withListTenants = flag('with-list-tenants');
const sizes = {
  customers: option('customers', quick ? 2_000 : 100_000),
  motors: option('motors', quick ? 400 : 20_000),
  invoices: option('invoices', quick ? 400 : 20_000),
};
/** Rows of the CSV import measurement (bench/csv-import.ts). */
const importRows = option('import-rows', quick ? 5_000 : 100_000);
const listSizes = [10_000, option('list-large', quick ? 100_000 : 1_000_000)];
const duration = option('duration', quick ? 3 : 10);
/** Offered rate of the list-size measurement: modest, so both sizes are measured below saturation. */
const listRate = option('list-rate', quick ? 100 : 200);
const webhookLoad = quick ? { backlog: 1_000, rate: 100, seconds: 3 } : { backlog: 5_000, rate: 200, seconds: 10 };
const connectionCounts = [10, 50];
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const log = (...m: unknown[]) => console.log('bench:', ...m);
const serverEnv = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '100000000' };

/** Customer i as a person searching for it types it: "Name Surname", and the phone number written nationally (0 7…). */
function searchFor(i: number) {
  const c = seededCustomer(i);
  return { name: `${c.firstName} ${c.lastName}`, phone: `0${c.phone.slice(4, 7)} ${c.phone.slice(7)}` };
}

const jobFor = (base: string, r: Request, connections: number, rate?: number): LoadJob => ({
  url: base + r.path,
  method: r.method,
  headers: r.headers,
  body: r.body,
  uniqueIdempotencyKey: r.uniqueIdempotencyKey,
  uniqueBody: r.uniqueBody,
  connections,
  durationSeconds: duration,
  rate,
});

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));

/** Time from start to a 200 on /healthz and on /readyz (the demo is in) on an empty embedded database, and the idle RSS after. */
async function coldStart(): Promise<{ ms: number; readyMs: number; idleRssMb: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-bench-cold-'));
  try {
    const server = await startMotors({ ...serverEnv, DATA_DIR: dir });
    let ms = 0;
    for (;;) {
      assertRunning(server);
      const res = await fetch(`${server.url}/healthz`).catch(() => undefined);
      if (res?.status === 200) {
        ms = Math.round(performance.now() - server.startedAt);
        break;
      }
      await sleep(20);
    }
    // Idle: the start has finished (the first-start demo dealership is seeded after /healthz answers).
    await waitReady(server);
    const readyMs = Math.round(performance.now() - server.startedAt);
    await sleep(1_000);
    const idleRssMb = memory(server.child.pid!).rss;
    await stop(server.child);
    return { ms, readyMs, idleRssMb };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What createApp does before serving: migrations and the vehicle catalog. */
async function prepare(database: Database) {
  await migrate(database);
  await loadCatalog(database.db);
}

/** The tenant and its keys, copied row for row, so the floor accepts the key ours was given. */
async function copyTenant(from: Db, to: Db, tenantId: string) {
  await to.insert(tenants).values(await from.select().from(tenants).where(eq(tenants.id, tenantId)));
  await to.insert(apiKeys).values(await from.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)));
}

/** One request to each server before measuring: both must answer 2xx, and a search must return the same rows. */
async function check(name: string, ours: Server, floor: Server, r: Request) {
  const send = (base: string) =>
    fetch(base + r.path, {
      method: r.method,
      headers: { ...r.headers, ...(r.body ? { 'content-type': 'application/json' } : {}), ...(r.uniqueIdempotencyKey ? { 'idempotency-key': crypto.randomUUID() } : {}) },
      body: r.body,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { id: string }[] | { id: string } } }));
  const [a, b] = [await send(ours.url), await send(floor.url)];
  if (a.status >= 300 || b.status >= 300) throw new Error(`${name}: ours answered ${a.status}, the floor ${b.status}: ${JSON.stringify(a.body).slice(0, 300)} / ${JSON.stringify(b.body).slice(0, 300)}`);
  if (r.method === 'GET' && Array.isArray(a.body.data) && Array.isArray(b.body.data)) {
    const ids = (d: { id: string }[]) => d.map((x) => x.id).join(',');
    if (ids(a.body.data) !== ids(b.body.data)) throw new Error(`${name}: ours and the floor return different rows`);
    return `${a.body.data.length} rows`;
  }
  return `${a.status}`;
}

async function registerShopper(base: string, key: string): Promise<NonNullable<BenchContext['shopper']>> {
  const shopper = { email: `shopper.${crypto.randomBytes(3).toString('hex')}@bench.example`, password: 'bench-password-123' };
  const res = await fetch(`${base}/external/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ ...shopper, firstName: 'Bench', lastName: 'Shopper' }) });
  if (res.status !== 201) throw new Error(`shopper registration failed: ${res.status} ${await res.text()}`);
  return shopper;
}

async function main() {
  const loadBefore = loadAverage();
  // `--only "CSV import"`: that measurement alone, on its own database (it starts no server).
  if (only && CSV_IMPORT.includes(only)) {
    await measureCsvImport({ adminUrl, rows: importRows, pglite, log });
    return;
  }
  log(`${quick ? 'quick mode: small data, short runs — for proving the harness, not for numbers' : 'full run'}; Motors CRM on ${pglite ? 'PGlite' : 'PostgreSQL'}`);
  await buildServerOnce();
  const cold = await coldStart();
  log(`cold start on an empty embedded database: ${cold.ms} ms to 200 on /healthz, ${cold.readyMs} ms to 200 on /readyz (demo in), idle RSS ${cold.idleRssMb} MB`);

  const pgVersion = await postgresVersion(adminUrl);
  const scratch = await createScratchDatabase(adminUrl, 'main');
  const dataDir = pglite ? fs.mkdtempSync(path.join(os.tmpdir(), 'motors-bench-pglite-')) : undefined;
  let floorDb: Database | undefined;
  let oursDb: Database | undefined;
  let ours: Server | undefined;
  let floor: Server | undefined;
  let floorDir: string | undefined;
  try {
    // Seeding happens before Motors CRM starts: PGlite is one process's database.
    floorDb = await openDb({ databaseUrl: scratch.url, dataDir: 'memory://', poolSize: 4 });
    await prepare(floorDb);
    oursDb = dataDir ? await openDb({ dataDir }) : floorDb;
    if (dataDir) await prepare(oursDb);
    const tenant = await createTenant(oursDb.db, { name: 'Bench Motors' });
    const { key } = await createApiKey(oursDb.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 100_000_000 });
    if (dataDir) await copyTenant(oursDb.db, floorDb.db, tenant.id);
    const owner: Owner = { tenantId: tenant.id, environment: 'test' };
    const targets = dataDir ? [queryOf(oursDb), queryOf(floorDb)] : [queryOf(floorDb)];
    let t0 = performance.now();
    const customers = await seedCustomers(targets, owner, sizes.customers);
    await seedMotors(targets, owner, sizes.motors);
    await seedInvoices(targets, owner, sizes.invoices, customers.ids);
    log(`seeded ${JSON.stringify(sizes)} in ${Math.round(performance.now() - t0)} ms`);
    t0 = performance.now();
    const listTenants = only && !withListTenants ? [] : await seedListTenants(oursDb, listSizes);
    log(`seeded list-size tenants of ${listSizes.join(' and ')} customers in ${Math.round(performance.now() - t0)} ms; plans: ${listTenants.map((t) => t.index).join(', ')}`);

    const ctx: BenchContext = {
      key,
      customerIds: customers.ids,
      recentUpdatedAfter: customers.updatedAt(sizes.customers - 26).toISOString(),
      vehicleSearch: { brandId: catalogLineup()[0].makeId, minPrice: 15_000, maxPrice: 40_000, minYear: 2018 },
      customerSearch: searchFor(Math.floor(sizes.customers / 2)),
    };
    const listIndex = await listPlan(queryOf(oursDb), owner, ctx.recentUpdatedAfter);
    log(`list query plan uses index: ${listIndex}`);
    if (dataDir) {
      await oursDb.close();
      oursDb = undefined;
      // The floor's PGlite: the same files, copied before either server writes to them.
      floorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-bench-floor-pglite-'));
      fs.cpSync(dataDir, floorDir, { recursive: true, filter: (file) => path.basename(file) !== 'motors.lock' });
    }

    ours = await startMotors({ ...serverEnv, ...(dataDir ? { DATA_DIR: dataDir } : { DATABASE_URL: scratch.url }) });
    await waitReady(ours);
    await sleep(1_000);
    const idleRssMb = memory(ours.child.pid!).rss;
    log(`Motors CRM on ${pglite ? 'PGlite' : `PostgreSQL ${pgVersion}`} at ${ours.url}, idle RSS ${idleRssMb} MB`);

    const floorEnv: Record<string, string> = floorDir ? { FLOOR_PGLITE_DIR: path.join(floorDir, 'pglite') } : { DATABASE_URL: scratch.url };
    floor = await start(['--import', 'tsx', 'bench/floor.ts'], { ...floorEnv, PORT: '0' }, /floor on \S+ running on (http:\/\/\S+)/);
    log(`floor on ${floorDir ? 'PGlite' : 'PostgreSQL'} at ${floor.url}`);

    const results: BenchResults['operations'] = [];
    const separate: BenchResults['separate'] = [];
    // The operations both servers run come first: the peak RSS compared with the floor's is taken
    // after them, before the loads only ours runs (an argon2id sign-in hashes with 19 MiB a call,
    // four at a time on libuv's pool, which alone raised our peak by ~55 MB).
    const oursOnly = (o: (typeof operations)[number]) => Boolean(o.separate || !o.floor);
    const selected = operations.filter((o) => !only || only.split('|').some((part) => o.name.includes(part)));
    let comparedPeak: number | undefined;
    for (const op of [...selected.filter((o) => !oursOnly(o)), ...selected.filter(oursOnly)]) {
      if (op.separate || !op.floor) {
        comparedPeak ??= memory(ours.child.pid!).peak;
        // Registered only now: its customer record would otherwise make ours list one row more
        // than the floor (on PGlite the two databases are apart).
        ctx.shopper ??= await registerShopper(ours.url, key);
        const r = await load({ ...jobFor(ours.url, op.ours(ctx), 10, op.rate), paced: op.rate !== undefined });
        separate.push({ name: op.name, connections: 10, rate: op.rate, p99Target: op.p99Target, ours: r });
        log(`${op.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (non-2xx ${r.non2xx}); peak RSS so far: ours ${memory(ours.child.pid!).peak} MB`);
        continue;
      }
      log(`${op.name}: check ${await check(op.name, ours, floor, op.ours(ctx))}`);
      t0 = performance.now();
      const row: BenchResults['operations'][number] = { name: op.name, target: pglite ? 0.5 : (op.target ?? 0.8), byConnections: {}, fixedRate: undefined };
      for (const c of connectionCounts) {
        const a = await load(jobFor(ours.url, op.ours(ctx), c));
        const b = await load(jobFor(floor.url, op.floor(ctx), c));
        row.byConnections[c] = { ours: a, floor: b, ratio: b.rps ? a.rps / b.rps : 0 };
        log(`${op.name} @${c}: ours ${a.rps.toFixed(0)} req/s, floor ${b.rps.toFixed(0)} req/s, ratio ${(row.byConnections[c].ratio * 100).toFixed(0)} % (non-2xx ours ${a.non2xx}, floor ${b.non2xx})`);
      }
      // Half the floor's maximum, open loop: a rate both can sustain, where latency means something.
      const rate = Math.max(1, Math.floor(row.byConnections[10].floor.rps / 2));
      const a = await load(jobFor(ours.url, op.ours(ctx), 10, rate));
      const b = await load(jobFor(floor.url, op.floor(ctx), 10, rate));
      row.fixedRate = { rate, ours: a, floor: b };
      log(`${op.name} @${rate} req/s: ours p50 ${a.p50} / p99 ${a.p99} ms, floor p50 ${b.p50} / p99 ${b.p99} ms (${Math.round(performance.now() - t0)} ms); peak RSS so far: ours ${memory(ours.child.pid!).peak} MB, the floor ${memory(floor.child.pid!).peak} MB`);
      results.push(row);
    }

    const listBySize = await measureListSizes(ours.url, listTenants, listRate, duration);
    for (const l of listBySize) log(`list at ${l.records} records, ${l.rate} req/s: p50 ${l.result.p50} / p99 ${l.result.p99} ms, index ${l.index} (non-2xx ${l.result.non2xx})`);

    const oursMemory = memory(ours.child.pid!);
    const floorMemory = memory(floor.child.pid!);
    comparedPeak ??= oursMemory.peak;
    log(`peak RSS: ours ${comparedPeak} MB under the load both servers ran (${oursMemory.peak} MB with the loads only ours runs), the floor ${floorMemory.peak} MB`);
    await stop(floor.child);
    await stop(ours.child);
    floor = ours = undefined;

    if (only) return;
    // On the floor's PostgreSQL database (the same data), whichever database the main run used.
    const processes = await measureProcesses({ databaseUrl: scratch.url, redisUrl, ctx, durationSeconds: duration, log });

    let webhooks: BenchResults['webhooks'];
    try {
      webhooks = await measureWebhooks({ adminUrl, ...webhookLoad, log });
    } catch (err) {
      log(`webhooks: skipped — ${(err as Error).message}`);
      webhooks = { skipped: (err as Error).message };
    }
    const csvImport = await measureCsvImport({ adminUrl, rows: importRows, pglite, log });

    const out: BenchResults = {
      date: new Date().toISOString(),
      quick,
      database: pglite ? 'pglite' : 'postgres',
      floorDatabase: pglite ? 'pglite' : 'postgres',
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? '?',
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: pgVersion,
        platform: `${os.platform()} ${os.release()}`,
        loadAverageBefore: loadBefore,
        loadAverage: loadAverage(),
        commit: gitCommit(),
      },
      sizes,
      durationSeconds: duration,
      coldStartMs: cold.ms,
      coldStartReadyMs: cold.readyMs,
      listIndex,
      idleRss: { embeddedMb: cold.idleRssMb, ...(pglite ? { pgliteMb: idleRssMb } : { postgresMb: idleRssMb }) },
      peakRss: { oursMb: comparedPeak, floorMb: floorMemory.peak, oursWithOwnLoadsMb: oursMemory.peak },
      operations: results,
      separate,
      listBySize,
      processes,
      webhooks,
      csvImport,
    };
    log(`wrote ${writeReport(root, out).join(', ')}`);
  } finally {
    if (floor) await stop(floor.child);
    if (ours) await stop(ours.child);
    if (oursDb && oursDb !== floorDb) await oursDb.close();
    await floorDb?.close();
    if (keepDatabase) log(`kept the database for EXPLAIN (--keep-database): ${scratch.url} — drop it with: psql -c 'drop database ${scratch.name}'`);
    else await scratch.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (floorDir) fs.rmSync(floorDir, { recursive: true, force: true });
  }
}

// `npm run bench -- --report bench/results/<file>.json` regenerates the docs from a saved run.
const reportFrom = args.indexOf('--report');
const run = reportFrom >= 0 ? async () => log(`wrote ${writeReport(root, JSON.parse(fs.readFileSync(args[reportFrom + 1], 'utf8')) as BenchResults).join(', ')}`) : main;
run().catch((err) => {
  console.error(err);
  process.exit(1);
});
