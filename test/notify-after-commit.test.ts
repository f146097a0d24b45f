import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { client, startServer, type TestServer } from './helpers.ts';
import { EVENTS_CHANNEL } from '../src/core/events.ts';
import { customerCollection } from '../src/core/customers.ts';
import type { Ctx } from '../src/core/context.ts';
import { notifyAfterCommit } from '../src/storage/notify.ts';
import { events } from '../src/storage/schema/index.ts';

// The webhook workers are woken by a NOTIFY sent after a write commits, not inside the write
// (storage/notify.ts: a NOTIFY in a writing transaction serialises every such commit). What a
// listener must be able to rely on: it is woken for every write that appended events, by then the
// events are visible to any other connection, and a rolled-back write wakes nobody.
describe('NOTIFY after the commit', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  /** Collects NOTIFY payloads on `channel`; `next()` resolves with the next one (or rejects after `ms`). */
  async function listener(channel: string) {
    const heard: string[] = [];
    const waiting: ((payload: string) => void)[] = [];
    const unlisten = await server.app.database.listen(channel, (payload) => {
      const w = waiting.shift();
      if (w) w(payload);
      else heard.push(payload);
    });
    return {
      heard,
      unlisten,
      next: (ms = 5_000) =>
        new Promise<string>((resolve, reject) => {
          const queued = heard.shift();
          if (queued !== undefined) return resolve(queued);
          const timer = setTimeout(() => reject(new Error(`no NOTIFY on ${channel} within ${ms} ms`)), ms);
          waiting.push((p) => (clearTimeout(timer), resolve(p)));
        }),
    };
  }

  const eventRows = (tenantId: string, type: string) =>
    server.app.database.db
      .select({ id: events.id, data: events.data })
      .from(events)
      .where(and(eq(events.tenantId, tenantId), eq(events.type, type)));

  it('an API write wakes the listeners, and its event is already visible when they wake', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const l = await listener(EVENTS_CHANNEL);
    try {
      const seen = (async () => {
        await l.next();
        // Read from the pool, as a worker does: the write has committed by now.
        return eventRows(t.tenantId, 'crm.customers.created');
      })();
      const created = await api('POST', '/api/public/v1/customers', { firstName: 'Nia', lastName: 'Listens' });
      assert.equal(created.status, 201, created.text);
      const rows = await seen;
      assert.deepEqual(
        rows.map((r) => (r.data as { id: string }).id),
        [created.body.data.id],
      );
    } finally {
      await l.unlisten();
    }
  });

  it('a transaction wakes them after its commit, and not at all when it rolls back', async () => {
    const t = await server.tenant();
    const channel = `motors_test_${Math.random().toString(36).slice(2, 8)}`;
    const l = await listener(channel);
    const db = server.app.database.db;
    const ctxOf = (tx: Ctx['db']): Ctx => ({ tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'notify', db: tx });
    try {
      await assert.rejects(
        db.transaction(async (tx) => {
          await customerCollection.create(ctxOf(tx), { firstName: 'Rolled', lastName: 'Back' });
          notifyAfterCommit(tx, channel, 'rolled-back');
          throw new Error('roll back');
        }),
        /roll back/,
      );
      let visibleAtNotify: number | undefined;
      const woke = l.next().then(async (payload) => {
        visibleAtNotify = (await eventRows(t.tenantId, 'crm.customers.created')).length;
        return payload;
      });
      await db.transaction(async (tx) => {
        await customerCollection.create(ctxOf(tx), { firstName: 'Committed', lastName: 'Once' });
        notifyAfterCommit(tx, channel, 'committed');
        notifyAfterCommit(tx, channel, 'committed');
        // Not before the commit: nothing has been sent while the transaction is open.
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(l.heard, []);
      });
      assert.equal(await woke, 'committed', 'the rolled-back transaction sent nothing; the committed one its NOTIFY');
      assert.equal(visibleAtNotify, 1, 'the committed event, and only it, is visible when the listener wakes');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(l.heard, [], 'a repeat within one transaction is folded into one NOTIFY');
    } finally {
      await l.unlisten();
    }
  });
});
