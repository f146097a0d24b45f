import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { freshDatabaseUrl, usingPostgres } from './helpers.ts';
import { startProcess } from './processes.ts';
import { openDb } from '../src/storage/db.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import { customers, events } from '../src/storage/schema/index.ts';

// SIGKILL in the middle of a burst of creates: nothing acknowledged is lost, nothing retried is
// doubled, and every created record has its outbox event (the transaction holds all three).
const skip = usingPostgres ? false : 'needs PostgreSQL (set DATABASE_URL): the embedded database belongs to the killed process';

const TOTAL = 240;
const CONCURRENCY = 12;
const KILL_AFTER = 60;

type Outcome = { status: number; id?: string; replayed?: boolean } | { error: string };

async function create(url: string, key: string, i: number): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/api/public/v1/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': `crash-${i}` },
      body: JSON.stringify({ type: 'person', firstName: 'Crash', lastName: `Test ${i}`, tags: ['crash'] }),
    });
    const body = (await res.json()) as { data?: { id?: string } };
    return { status: res.status, id: body.data?.id, replayed: res.headers.get('idempotent-replayed') === 'true' };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

describe('crash safety', { skip }, () => {
  it('SIGKILL during a burst of idempotent creates: every acknowledged write exists exactly once, with its event', async () => {
    const fresh = (await freshDatabaseUrl())!;
    const env = { DATABASE_URL: fresh.url, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000' };
    const database = await openDb({ databaseUrl: fresh.url, dataDir: 'memory://', poolSize: 2 });
    let server = await startProcess(env);
    try {
      const tenant = await createTenant(database.db, { name: 'Crash Motors' });
      const { key } = await createApiKey(database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 100_000 });

      const first: Outcome[] = new Array(TOTAL);
      let next = 0;
      let acknowledged = 0;
      let killed = false;
      const url = server.url;
      const child = server.child;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < TOTAL) {
            const i = next++;
            first[i] = await create(url, key, i);
            if ('status' in first[i] && first[i].status === 201 && ++acknowledged >= KILL_AFTER && !killed) {
              killed = true;
              child.kill('SIGKILL');
            }
          }
        }),
      );
      await server.exited;
      const acked = first.filter((o) => 'status' in o && o.status === 201).length;
      const lost = first.filter((o) => 'error' in o).length;
      assert.ok(acked >= KILL_AFTER && acked < TOTAL, `killed mid-burst (${acked} acknowledged)`);
      assert.ok(lost > 0, 'some requests never got an answer');

      server = await startProcess(env);
      const retried: Outcome[] = [];
      for (let i = 0; i < TOTAL; i += CONCURRENCY) {
        retried.push(...(await Promise.all(Array.from({ length: Math.min(CONCURRENCY, TOTAL - i) }, (_, j) => create(server.url, key, i + j)))));
      }
      for (let i = 0; i < TOTAL; i++) {
        const before = first[i];
        const after = retried[i];
        assert.ok('status' in after && after.status === 201 && after.id, `retry ${i}: ${JSON.stringify(after)}`);
        if ('status' in before && before.status === 201) {
          assert.equal(after.id, before.id, `retry ${i} returns the acknowledged record`);
          assert.equal(after.replayed, true, `retry ${i} is a replay`);
        }
      }

      const rows = await database.db.select({ id: customers.id }).from(customers).where(eq(customers.tenantId, tenant.id));
      assert.equal(rows.length, TOTAL, 'one customer per idempotency key: none lost, none doubled');
      const ids = new Set(rows.map((r) => r.id));
      for (const o of retried) assert.ok('id' in o && ids.has(o.id!));
      const created = await database.db
        .select({ data: events.data })
        .from(events)
        .where(and(eq(events.tenantId, tenant.id), eq(events.type, 'crm.customers.created')));
      const eventIds = created.map((e) => String((e.data as { id?: string }).id));
      assert.equal(eventIds.length, TOTAL, 'one crm.customers.created event per customer');
      assert.deepEqual([...new Set(eventIds)].sort(), [...ids].sort(), 'each customer has exactly its own event');
      console.log(`crash: ${acked} acknowledged before SIGKILL, ${lost} unanswered, ${TOTAL} customers and events after retries`);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      await database.close();
      await fresh.drop();
    }
  });
});
