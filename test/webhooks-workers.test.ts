import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import { startServer, usingPostgres, type TestServer } from './helpers.ts';
import { startReceiver } from './webhook-receiver.ts';
import { createCustomer } from '../src/core/customers.ts';
import { createWebhookEndpoint } from '../src/core/webhooks.ts';
import { webhookAttempts, webhookDeliveries } from '../src/storage/schema/index.ts';
import type { Ctx } from '../src/core/context.ts';

// Separate `motors worker` processes on one PostgreSQL queue. PGlite is one process's database,
// so these run on the PostgreSQL pass only.
describe('webhook workers as separate processes', { skip: usingPostgres ? false : 'needs PostgreSQL (DATABASE_URL)' }, () => {
  let server: TestServer;
  const children = new Set<ChildProcess>();
  before(async () => {
    // No worker inside the server: only the child processes deliver.
    server = await startServer({ WEBHOOK_RETRY_DELAYS: '0.2,0.4,0.8,1,1,1,1' });
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await server?.close();
  });

  function startWorker(leaseSeconds = 2): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['bin/motors.mjs', 'worker'], {
      env: { ...process.env, DATABASE_URL: server.app.database.url!, WEBHOOK_RETRY_DELAYS: '0.2,0.4,0.8,1,1,1,1', WEBHOOK_LEASE_SECONDS: String(leaseSeconds), LOG_LEVEL: 'warn', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('running')) resolve(child);
      });
      child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  }

  async function tenantWithEndpoint(url: string) {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: server.app.database.db };
    await createWebhookEndpoint(ctx, { url, events: ['*'] }, { allowPrivate: true });
    return ctx;
  }

  async function burst(ctx: Ctx, n: number) {
    for (let i = 0; i < n; i += 50) {
      await server.app.database.db.transaction(async (tx) => {
        for (let j = i; j < Math.min(n, i + 50); j++) await createCustomer({ ...ctx, db: tx }, { firstName: `Burst ${j}` });
      });
    }
  }

  it('delivers every one of 1,000 events at least once although a worker is SIGKILLed halfway', async () => {
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }));
    try {
      const ctx = await tenantWithEndpoint(receiver.url);
      const first = await startWorker();
      await burst(ctx, 1000);
      const distinct = () => new Set(receiver.received.map((r) => r.body.id)).size;
      await receiver.until(() => distinct() >= 400, 60_000);
      first.kill('SIGKILL');
      await new Promise((ok) => first.once('exit', ok));
      const killedAt = distinct();
      assert.ok(killedAt < 1000, 'killed before the end');
      await startWorker();
      await receiver.until(() => distinct() >= 1000, 60_000);
      assert.equal(distinct(), 1000, 'every event arrived');
      // Every delivery settles as succeeded; none is left pending or lost.
      for (let i = 0; i < 50; i++) {
        const [{ open }] = await server.app.database.db
          .select({ open: sql<number>`count(*)::int` })
          .from(webhookDeliveries)
          .where(sql`${webhookDeliveries.tenantId} = ${ctx.tenantId} and ${webhookDeliveries.status} <> 'succeeded'`);
        if (open === 0) break;
        await new Promise((ok) => setTimeout(ok, 100));
      }
      const rows = await server.app.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, ctx.tenantId));
      assert.equal(rows.length, 1000);
      assert.ok(
        rows.every((r) => r.status === 'succeeded'),
        'all succeeded',
      );
    } finally {
      await receiver.close();
      for (const c of children) c.kill('SIGTERM');
    }
  });

  it('never has two workers delivering the same attempt at once', async () => {
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 20 }));
    try {
      const ctx = await tenantWithEndpoint(receiver.url);
      const workers = await Promise.all([startWorker(10), startWorker(10)]);
      await burst(ctx, 300);
      await receiver.until(() => new Set(receiver.received.map((r) => r.body.id)).size >= 300, 60_000);
      await new Promise((ok) => setTimeout(ok, 300));
      assert.equal(receiver.maxConcurrentPerEvent, 1, 'no event was in flight twice at once');
      const attempts = await server.app.database.db.select().from(webhookAttempts).where(eq(webhookAttempts.tenantId, ctx.tenantId));
      assert.equal(attempts.length, receiver.received.length, 'every request is one logged attempt');
      const byWorker = new Set(attempts.map((a) => a.worker));
      assert.equal(byWorker.size, 2, 'both workers took part');
      // Attempts of one delivery never overlap in time, whichever worker made them.
      const byDelivery = new Map<string, { start: number; end: number }[]>();
      for (const a of attempts) {
        const list = byDelivery.get(a.deliveryId) ?? [];
        list.push({ start: a.startedAt.getTime(), end: a.startedAt.getTime() + a.durationMs });
        byDelivery.set(a.deliveryId, list);
      }
      for (const list of byDelivery.values()) {
        list.sort((x, y) => x.start - y.start);
        for (let i = 1; i < list.length; i++) assert.ok(list[i].start >= list[i - 1].end, 'attempts of one delivery overlap');
      }
      assert.equal(byDelivery.size, 300);
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((ok) => (w.exitCode !== null ? ok(null) : w.once('exit', ok)))));
    } finally {
      await receiver.close();
    }
  });
});

describe('motors worker on the embedded database', () => {
  it('refuses to start without DATABASE_URL and says why', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: 'memory://', NODE_ENV: 'test' };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['bin/motors.mjs', 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((ok) => child.on('exit', ok));
    assert.equal(code, 1);
    assert.match(stderr, /needs DATABASE_URL/);
    assert.match(stderr, /one process/);
  });
});
