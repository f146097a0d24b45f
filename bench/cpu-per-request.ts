// `node --import tsx bench/cpu-per-request.ts --database <url> [--server ours|floor] [--requests N] [--method M] [--body JSON] <path>`
// Server CPU and database commits per request: a server (ours as `npm start` runs it, or the
// floor) is started on a seeded PostgreSQL database (a benchmark's, kept with
// `npm run bench -- --keep-database`), warmed with 500 requests, then sent N more at 10
// connections (autocannon); the server's utime + stime (/proc/<pid>/stat) and the database's
// `xact_commit` are read before and after (autocannon's req/s is left out: a run of a fixed number
// of requests ends on its 1-second tick). On a shared machine these hold up where req/s does not
// (docs/benchmarks.md). The API key is made here, for the database's first tenant. Not part
// of `npm test`. Example, the benchmark's vehicle search:
//   node --import tsx bench/cpu-per-request.ts --database postgres://postgres@127.0.0.1:5432/motors_bench_… \
//     "/external/vehicles?brandId=<id>&minPrice=15000&maxPrice=40000&minYear=2018"
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { createApiKey } from '../src/core/api-keys.ts';
import { openDb } from '../src/storage/db.ts';
import { start, startMotors, stop } from './servers.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const databaseUrl = option('database');
const path = args.at(-1);
if (!databaseUrl || !path?.startsWith('/')) {
  console.error('usage: bench/cpu-per-request.ts --database <url> [--server ours|floor] [--requests N] [--method M] [--body JSON] <path>');
  process.exit(2);
}
const requests = Number(option('requests', '3000'));
const method = option('method', 'GET') as 'GET' | 'POST' | 'PUT';
const body = option('body');

const database = await openDb({ databaseUrl, dataDir: 'memory://', poolSize: 1 });
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const {
  rows: [tenant],
} = await client.query<{ id: string }>('select id from tenants order by created_at limit 1');
const { key } = await createApiKey(database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 100_000_000 });
await database.close();

const env = { DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'production' };
const floor = option('server', 'ours') === 'floor';
const server = floor ? await start(['--import', 'tsx', 'bench/floor.ts'], env, /floor on \S+ running on (http:\/\/\S+)/) : await startMotors(env);
let stopped = false;
try {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  // The floor is ready once it listens; ours once /readyz says so (the catalog is in).
  while (!floor && (await fetch(`${server.url}/readyz`).catch(() => undefined))?.status !== 200) await sleep(50);
  const cpuMs = () => {
    const fields = fs.readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  };
  const commits = async () => Number((await client.query<{ n: string }>('select xact_commit as n from pg_stat_database where datname = current_database()')).rows[0].n);
  const run = (amount: number) => autocannon({ url: `${server.url}${path}`, connections: 10, amount, method, body, headers });
  await run(500);
  // An idle backend reports the warm-up's statistics 10 s after its last transaction.
  await sleep(11_000);
  const [cpu0, commits0] = [cpuMs(), await commits()];
  const result = await run(requests);
  const cpu = cpuMs() - cpu0;
  // A backend reports its statistics at most once a second while busy, and all of them when it
  // exits: so the server stops (its connections close) before the commits are read.
  await stop(server.child);
  stopped = true;
  await sleep(500);
  const committed = (await commits()) - commits0;
  console.log(
    `${option('server', 'ours')} ${method} ${path}: ${Math.round((cpu / requests) * 1000)} µs of server CPU per request, ${(committed / requests).toFixed(2)} commits per request, non-2xx ${result.non2xx}`,
  );
} finally {
  if (!stopped) await stop(server.child);
  await client.end();
}
