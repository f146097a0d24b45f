// Webhook delivery benchmark (run by hand, not part of npm test):
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/webhooks.ts [events] [rate/s] [seconds]
// Two `motors worker` processes on a fresh PostgreSQL database deliver to a local receiver that
// answers 200 at once. Measures (1) deliveries per second draining a backlog, (2) commit-to-delivery
// latency p50/p99 at a steady rate of single-change transactions.
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { freshDatabaseUrl } from '../test/helpers.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createApp } from '../src/app.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createCustomer } from '../src/core/customers.ts';
import { createWebhookEndpoint } from '../src/core/webhooks.ts';
import type { Ctx } from '../src/core/context.ts';

const backlog = Number(process.argv[2] ?? 5000);
const rate = Number(process.argv[3] ?? 200);
const seconds = Number(process.argv[4] ?? 10);
if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a PostgreSQL server (a fresh database is created and dropped).');
  process.exit(2);
}

const arrivals = new Map<string, number>();
let onArrival: (() => void) | undefined;
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    if (!arrivals.has(body.data.id)) arrivals.set(body.data.id, performance.timeOrigin + performance.now());
    res.end('ok');
    onArrival?.();
  });
});
await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const fresh = (await freshDatabaseUrl())!;
const config = loadConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'warn', NODE_ENV: 'test' });
const app = await createApp(config, createLogger('warn'));
const tenant = await createTenant(app.database.db, { name: 'Bench Motors' });
const ctx: Ctx = { tenantId: tenant.id, environment: 'live', scopes: ['*'], actor: { type: 'system', id: 'bench' }, requestId: 'bench', db: app.database.db };
await createWebhookEndpoint(ctx, { url: receiverUrl, events: ['*'] }, { allowPrivate: true });

const workers: ChildProcess[] = [];
function startWorker(): Promise<void> {
  const child = spawn(process.execPath, ['bin/motors.mjs', 'worker'], { env: { ...process.env, DATABASE_URL: fresh.url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  workers.push(child);
  return new Promise((ok) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running') && ok()));
}
const until = (n: number) =>
  new Promise<void>((ok) => {
    onArrival = () => arrivals.size >= n && ok();
    onArrival();
  });
const percentile = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

try {
  // 1. Throughput: a backlog of events written first, then two workers drain it.
  for (let i = 0; i < backlog; i += 200) {
    await app.database.db.transaction(async (tx) => {
      for (let j = i; j < Math.min(backlog, i + 200); j++) await createCustomer({ ...ctx, db: tx }, { firstName: `Backlog ${j}` });
    });
  }
  await Promise.all([startWorker(), startWorker()]);
  const t0 = performance.now();
  await until(backlog);
  const drainS = (performance.now() - t0) / 1000;
  console.log(`throughput: ${backlog} deliveries in ${drainS.toFixed(2)} s = ${Math.round(backlog / drainS)} deliveries/s (2 workers)`);

  // 2. Latency at a steady rate: one change per transaction, commit time → arrival time.
  const committed = new Map<string, number>();
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
    const c = await createCustomer(ctx, { firstName: `Steady ${i}` });
    committed.set(c.id, performance.timeOrigin + performance.now());
  }
  await until(backlog + total);
  const latencies = [...committed].map(([id, at]) => arrivals.get(id)! - at);
  console.log(`latency at ${rate}/s for ${seconds} s: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
  await new Promise((ok) => setTimeout(ok, 500));
  const result = (await app.database.db.execute(sql`select count(*)::int as n from webhook_deliveries where status <> 'succeeded'`)) as unknown as { rows: { n: number }[] };
  const n = result.rows[0].n;
  console.log(`deliveries not succeeded: ${n}`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await new Promise((ok) => setTimeout(ok, 500));
  await app.close();
  await fresh.drop();
  receiver.close();
}
