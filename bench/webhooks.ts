// Webhook delivery: two `motors worker` processes on a fresh PostgreSQL database deliver to a local
// receiver on 127.0.0.1 that answers 200 at once. Measures (1) deliveries per second draining a
// backlog, (2) commit-to-delivery latency p50/p99 at a steady rate of single-change transactions.
// Part of `npm run bench` (measureWebhooks); also runs alone:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/webhooks.ts [events] [rate/s] [seconds]
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createApp } from '../src/app.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createCustomer } from '../src/core/customers.ts';
import { createWebhookEndpoint } from '../src/core/webhooks.ts';
import type { Ctx } from '../src/core/context.ts';
import { createScratchDatabase } from './databases.ts';
import { root } from './servers.ts';

export type WebhookResult = {
  workers: number;
  backlog: number;
  drainSeconds: number;
  deliveriesPerSecond: number;
  /** The steady phase: `rate` single-change commits a second for `seconds`. */
  rate: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  notSucceeded: number;
};

const WORKERS = 2;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function measureWebhooks(opts: { adminUrl: string; backlog: number; rate: number; seconds: number; log?: (...m: unknown[]) => void }): Promise<WebhookResult> {
  const log = opts.log ?? (() => {});
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

  const scratch = await createScratchDatabase(opts.adminUrl, 'webhooks');
  const workers: ChildProcess[] = [];
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn', NODE_ENV: 'test' });
    app = await createApp(config, createLogger('warn'));
    const tenant = await createTenant(app.database.db, { name: 'Bench Motors' });
    const ctx: Ctx = { tenantId: tenant.id, environment: 'live', scopes: ['*'], actor: { type: 'system', id: 'bench' }, requestId: 'bench', db: app.database.db };
    await createWebhookEndpoint(ctx, { url: receiverUrl, events: ['*'] }, { allowPrivate: true });

    const startWorker = (): Promise<void> => {
      const child = spawn(process.execPath, ['bin/motors.mjs', 'worker'], {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn', WEBHOOK_ALLOW_PRIVATE: 'true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workers.push(child);
      return new Promise((ok, fail) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('running') && ok());
        child.on('exit', (code) => fail(new Error(`motors worker exited with ${code}`)));
      });
    };
    const until = (n: number) =>
      new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`only ${arrivals.size} of ${n} webhook deliveries arrived within 120 s`)), 120_000);
        onArrival = () => {
          if (arrivals.size < n) return;
          clearTimeout(timer);
          ok();
        };
        onArrival();
      });

    // 1. Throughput: a backlog of events written first, then the workers drain it.
    for (let i = 0; i < opts.backlog; i += 200) {
      await app.database.db.transaction(async (tx) => {
        for (let j = i; j < Math.min(opts.backlog, i + 200); j++) await createCustomer({ ...ctx, db: tx }, { firstName: `Backlog ${j}` });
      });
    }
    await Promise.all(Array.from({ length: WORKERS }, startWorker));
    // Timed from both workers being ready (process start-up is not delivery); what arrived while
    // the second was still starting is left out of the count.
    const t0 = performance.now();
    const early = arrivals.size;
    await until(opts.backlog);
    const drainSeconds = (performance.now() - t0) / 1000;
    const deliveriesPerSecond = Math.round((opts.backlog - early) / drainSeconds);
    log(`webhooks: ${opts.backlog - early} deliveries in ${drainSeconds.toFixed(2)} s = ${deliveriesPerSecond}/s (${WORKERS} workers)`);

    // 2. Latency at a steady rate: one change per transaction, commit time → arrival time.
    const committed = new Map<string, number>();
    const total = opts.rate * opts.seconds;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / opts.rate - performance.now();
      if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
      const c = await createCustomer(ctx, { firstName: `Steady ${i}` });
      committed.set(c.id, performance.timeOrigin + performance.now());
    }
    await until(opts.backlog + total);
    const latencies = [...committed].map(([id, at]) => arrivals.get(id)! - at);
    await new Promise((ok) => setTimeout(ok, 500));
    const result = (await app.database.db.execute(sql`select count(*)::int as n from webhook_deliveries where status <> 'succeeded'`)) as unknown as { rows: { n: number }[] };
    const out: WebhookResult = {
      workers: WORKERS,
      backlog: opts.backlog,
      drainSeconds: round1(drainSeconds),
      deliveriesPerSecond,
      rate: opts.rate,
      seconds: opts.seconds,
      p50: round1(percentile(latencies, 50)),
      p99: round1(percentile(latencies, 99)),
      max: round1(Math.max(...latencies)),
      notSucceeded: result.rows[0].n,
    };
    log(`webhooks: commit-to-delivery at ${opts.rate}/s for ${opts.seconds} s: p50 ${out.p50} ms, p99 ${out.p99} ms, max ${out.max} ms; not succeeded ${out.notSucceeded}`);
    return out;
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      w.kill('SIGTERM');
    }
    await new Promise((ok) => setTimeout(ok, 500));
    await app?.close();
    await scratch.drop();
    receiver.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.env.DATABASE_URL) {
    console.error('Set DATABASE_URL to a PostgreSQL server (a fresh database is created and dropped).');
    process.exit(2);
  }
  const [backlog = 5000, rate = 200, seconds = 10] = process.argv.slice(2).map(Number);
  measureWebhooks({ adminUrl: process.env.DATABASE_URL, backlog, rate, seconds, log: console.log }).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
