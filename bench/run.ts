// `npm run bench [-- --quick] [--customers N] [--motors N] [--invoices N] [--duration S] [--report FILE]`
// Motors CRM on a fresh PostgreSQL database beside the floor (bench/floor.ts) on the same data,
// both driven by autocannon from separate processes. Writes bench/results/<date>.json and
// regenerates docs/benchmarks.md and docs/benchmarks.svg. Not part of `npm test`.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDb } from '../src/storage/db.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import { seedTable, tableExists } from './seed.ts';
import { operations, type BenchContext, type Request } from './operations.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { writeReport, type BenchResults } from './report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = flag('quick');
const sizes = {
  customers: option('customers', quick ? 2_000 : 100_000),
  motors: option('motors', quick ? 400 : 20_000),
  invoices: option('invoices', quick ? 400 : 20_000),
};
const duration = option('duration', quick ? 3 : 10);
const connectionCounts = [10, 50];
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...m: unknown[]) => console.log('bench:', ...m);

function start(script: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; url: string; startedAt: number }> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...script], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script.join(' ')} did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d;
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1'), startedAt });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** Resident set size and its peak, in MB, from /proc (Linux). */
function memory(pid: number): { rss: number; peak: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/load.ts'), JSON.stringify(job)], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator failed: ${err}`))));
  });
}

const jobFor = (base: string, r: Request, connections: number, rate?: number): LoadJob => ({
  url: base + r.path,
  method: r.method,
  headers: r.headers,
  body: r.body,
  uniqueIdempotencyKey: r.uniqueIdempotencyKey,
  connections,
  durationSeconds: duration,
  rate,
});

async function coldStart(): Promise<{ ms: number; idleRssMb: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-bench-cold-'));
  try {
    const server = await start(['src/main.ts'], { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production' }, /running on (http:\/\/\S+)/);
    let ms = 0;
    for (;;) {
      const res = await fetch(`${server.url}/healthz`).catch(() => undefined);
      if (res?.status === 200) {
        ms = Math.round(performance.now() - server.startedAt);
        break;
      }
      await sleep(20);
    }
    await sleep(1_000);
    const idleRssMb = memory(server.child.pid!).rss;
    await stop(server.child);
    return { ms, idleRssMb };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  log(quick ? 'quick mode: small data, short runs — for proving the harness, not for numbers' : 'full run');
  const cold = await coldStart();
  log(`cold start on an empty embedded database: ${cold.ms} ms to 200 on /healthz, idle RSS ${cold.idleRssMb} MB`);

  const name = `motors_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const pgVersion = (await admin.query<{ server_version: string }>('show server_version')).rows[0].server_version;
  await admin.end();
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${name}`;
  const url = dbUrl.toString();

  let ours: Awaited<ReturnType<typeof start>> | undefined;
  let floor: Awaited<ReturnType<typeof start>> | undefined;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const database = await openDb({ databaseUrl: url, dataDir: 'memory://', poolSize: 2 });
  try {
    ours = await start(['src/main.ts'], { DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '100000000' }, /running on (http:\/\/\S+)/);
    await sleep(1_000);
    const idleRssMb = memory(ours.child.pid!).rss;
    log(`Motors CRM on PostgreSQL ${pgVersion} at ${ours.url}, idle RSS ${idleRssMb} MB`);

    const tenant = await createTenant(database.db, { name: 'Bench Motors' });
    const { key } = await createApiKey(database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 100_000_000 });
    const owner = { tenantId: tenant.id, environment: 'test' };
    const seeded: Record<string, number> = {};
    let t0 = performance.now();
    const customerIds = await seedTable(pool, 'customers', sizes.customers, owner, (i) => ({ type: 'person', first_name: `First${i}`, last_name: `Last${i}`, email: `c${i}@bench.example` }));
    seeded.customers = customerIds.length;
    // Collections of other branches: seeded when their table exists (half the motors listed).
    if (await tableExists(pool, 'motors')) seeded.motors = (await seedTable(pool, 'motors', sizes.motors, owner, (i) => ({ listed: i % 2 === 0 }))).length;
    if (await tableExists(pool, 'invoices')) seeded.invoices = (await seedTable(pool, 'invoices', sizes.invoices, owner)).length;
    log(`seeded ${JSON.stringify(seeded)} in ${Math.round(performance.now() - t0)} ms`);

    const shopper = { email: `shopper.${crypto.randomBytes(3).toString('hex')}@bench.example`, password: 'bench-password-123' };
    const reg = await fetch(`${ours.url}/external/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ ...shopper, firstName: 'Bench', lastName: 'Shopper' }) });
    if (reg.status !== 201) throw new Error(`shopper registration failed: ${reg.status} ${await reg.text()}`);
    const recent = await pool.query<{ updated_at: Date }>('select updated_at from customers where tenant_id = $1 order by updated_at desc offset 25 limit 1', [tenant.id]);
    const ctx: BenchContext = { key, customerIds, recentUpdatedAfter: recent.rows[0].updated_at.toISOString(), shopper };

    // The list must stay flat as a tenant grows: its keyset query must walk the sync index.
    const plan = await pool.query<{ 'QUERY PLAN': unknown }>(
      `explain (format json) select id from customers where tenant_id = $1 and environment = 'test' and deleted_at is null and updated_at > $2 order by updated_at, id limit 50`,
      [tenant.id, ctx.recentUpdatedAfter],
    );
    const planText = JSON.stringify(plan.rows[0]['QUERY PLAN']);
    const listIndex = /"Index Name":"(customers_[a-z_]+)"/.exec(planText)?.[1] ?? 'none (sequential scan)';
    log(`list query plan uses index: ${listIndex}`);

    floor = await start(['bench/floor.ts'], { DATABASE_URL: url, PORT: '0' }, /floor running on (http:\/\/\S+)/);
    log(`floor at ${floor.url}`);

    const results: BenchResults['operations'] = [];
    const separate: BenchResults['separate'] = [];
    for (const op of operations) {
      const missing = [];
      for (const t of op.needsTables ?? []) if (!(await tableExists(pool, t))) missing.push(t);
      if (missing.length) {
        log(`${op.name}: skipped (no table ${missing.join(', ')} on this branch)`);
        continue;
      }
      if (op.separate || !op.floor) {
        const r = await load(jobFor(ours.url, op.ours(ctx), 10));
        separate.push({ name: op.name, connections: 10, ours: r });
        log(`${op.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms (non-2xx ${r.non2xx})`);
        continue;
      }
      t0 = performance.now();
      const row: BenchResults['operations'][number] = { name: op.name, byConnections: {}, fixedRate: undefined };
      for (const c of connectionCounts) {
        // Alternating which goes first evens out warm caches.
        const a = await load(jobFor(ours.url, op.ours(ctx), c));
        const b = await load(jobFor(floor.url, op.floor(ctx), c));
        row.byConnections[c] = { ours: a, floor: b, ratio: b.rps ? a.rps / b.rps : 0 };
        log(`${op.name} @${c}: ours ${a.rps.toFixed(0)} req/s, floor ${b.rps.toFixed(0)} req/s, ratio ${(row.byConnections[c].ratio * 100).toFixed(0)} % (non-2xx ours ${a.non2xx}, floor ${b.non2xx})`);
      }
      const rate = Math.max(1, Math.floor(row.byConnections[10].floor.rps / 2));
      const a = await load(jobFor(ours.url, op.ours(ctx), 10, rate));
      const b = await load(jobFor(floor.url, op.floor(ctx), 10, rate));
      row.fixedRate = { rate, ours: a, floor: b };
      log(`${op.name} @${rate} req/s: ours p50 ${a.p50} / p99 ${a.p99} ms, floor p50 ${b.p50} / p99 ${b.p99} ms (${Math.round(performance.now() - t0)} ms)`);
      results.push(row);
    }

    const oursMemory = memory(ours.child.pid!);
    const floorMemory = memory(floor.child.pid!);
    const out: BenchResults = {
      date: new Date().toISOString(),
      quick,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: pgVersion, platform: `${os.platform()} ${os.release()}`, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) },
      sizes: seeded,
      durationSeconds: duration,
      coldStartMs: cold.ms,
      listIndex,
      idleRss: { embeddedMb: cold.idleRssMb, postgresMb: idleRssMb },
      peakRss: { oursMb: oursMemory.peak, floorMb: floorMemory.peak },
      operations: results,
      separate,
    };
    const written = writeReport(root, out);
    log(`wrote ${written.join(', ')}`);
  } finally {
    if (floor) await stop(floor.child);
    if (ours) await stop(ours.child);
    await database.close();
    await pool.end();
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  }
}

// `npm run bench -- --report bench/results/<file>.json` regenerates the docs from a saved run.
const reportFrom = args.indexOf('--report');
const run = reportFrom >= 0 ? async () => log(`wrote ${writeReport(root, JSON.parse(fs.readFileSync(args[reportFrom + 1], 'utf8')) as BenchResults).join(', ')}`) : main;
run().catch((err) => {
  console.error(err);
  process.exit(1);
});
