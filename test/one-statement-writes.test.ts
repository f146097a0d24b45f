import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { startServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { customers, events, idempotencyKeys, tenants } from '../src/storage/schema/index.ts';
import type { Database } from '../src/storage/db.ts';
import { defineCollection, type DeferredWrite } from '../src/core/collection.ts';
import { PENDING_INSTANT_ISO } from '../src/core/events.ts';
import * as idempotency from '../src/core/idempotency.ts';
import { customerCollection } from '../src/core/customers.ts';
import type { Ctx } from '../src/core/context.ts';

// A pure collection's create is one statement (row, event, idempotency record) and its update a
// read and one conditional statement (core/collection.ts `pure`). What those statements store
// must be what a transaction would have stored: the same timestamps in the row, its event and
// the replayed response, nothing at all when the idempotency key is taken, and no stand-in instant
// anywhere.

const v1 = '/api/public/v1';
const crm = '/crm-api/v1';

/**
 * The SQL texts `database` is sent while `run` runs, BEGIN and COMMIT included, on either driver;
 * the key lookup, the request log (batched, a second apart) and the post-commit wake-up are left out.
 */
async function statementsDuring(database: Database, run: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const note = (q: unknown) => sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
  const session = (database.db as unknown as { session: { client: Record<string, JsonBody> } }).session.client;
  const restore: (() => void)[] = [];
  const patch = (target: Record<string, JsonBody>, name: string, wrap: (original: JsonBody) => JsonBody) => {
    const original = target[name];
    target[name] = wrap(original);
    restore.push(() => (target[name] = original));
  };
  if (database.driver === 'pglite') {
    patch(
      session,
      'query',
      (query) =>
        (...args: unknown[]) => (note(args[0]), query(...args)),
    );
    patch(
      session,
      'transaction',
      (transaction) => (fn: (tx: JsonBody) => unknown) =>
        transaction((tx: JsonBody) => {
          note('BEGIN');
          const wrapped = Object.assign(Object.create(tx), { query: (...args: unknown[]) => (note(args[0]), tx.query(...args)) });
          return Promise.resolve(fn(wrapped)).then((r) => (note('COMMIT'), r));
        }),
    );
  } else {
    // Every checkout (pool.query and transactions alike) goes through 'acquire'.
    const counting = new WeakSet<object>();
    const onAcquire = (c: Record<string, JsonBody>) => {
      if (counting.has(c)) return;
      counting.add(c);
      const query = c.query;
      c.query = (...args: unknown[]) => (active && note(args[0]), query.apply(c, args));
    };
    let active = true;
    session.on('acquire', onAcquire);
    restore.push(() => ((active = false), session.off('acquire', onAcquire)));
  }
  try {
    await run();
  } finally {
    restore.forEach((r) => r());
  }
  // The webhook workers' wake-up is a NOTIFY of its own, sent after the write has committed
  // (storage/notify.ts): not part of the write, and sent a moment after it.
  return sent.filter((text) => !/api_keys|request_log|^select pg_notify/.test(text));
}

describe('one-statement writes of a pure collection', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  const db = () => server.app.database.db;
  const eventsOf = async (tenantId: string, id: string) => (await db().select().from(events).where(eq(events.tenantId, tenantId))).filter((e) => (e.data as { id?: string }).id === id);

  it('a create stores the row, its event and the replayed response with one instant, and no stand-in leaks', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', `${v1}/customers`, { firstName: 'Amelia', lastName: 'Hart' }, { 'idempotency-key': 'one-statement-1' });
    assert.equal(created.status, 201, created.text);
    const record = created.body.data;
    assert.ok(!created.text.includes(PENDING_INSTANT_ISO.slice(0, 4)), created.text);
    assert.equal(record.createdAt, record.updatedAt);
    assert.ok(Math.abs(Date.parse(record.createdAt) - Date.now()) < 60_000, `createdAt ${record.createdAt} is the database's now`);
    assert.equal(created.headers.get('etag'), `"${Date.parse(record.updatedAt).toString(36)}"`);

    const [row] = await db()
      .select()
      .from(customers)
      .where(and(eq(customers.tenantId, t.tenantId), eq(customers.id, record.id)));
    assert.equal(row.createdAt.toISOString(), record.createdAt);
    assert.deepEqual(row.tags, []);
    assert.equal(row.lifecycleStage, 'PROSPECT', 'column defaults are in the row and in the view alike');
    assert.equal(record.lifecycleStage ?? row.lifecycleStage, 'PROSPECT');

    const [event] = await eventsOf(t.tenantId, record.id);
    assert.equal(event.type, 'crm.customers.created');
    assert.deepEqual(event.data, record, 'the event carries the record as answered, timestamps included');

    const replay = await api('POST', `${v1}/customers`, { firstName: 'Amelia', lastName: 'Hart' }, { 'idempotency-key': 'one-statement-1' });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, created.body, 'the stored response has the real instant');
  });

  it('when another request holds the key, the statement stores nothing: no row, no event, no record', async () => {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: [], actor: { type: 'system', id: 'test' }, requestId: 'r', db: db() };
    const request = { tenantId: t.tenantId, environment: 'test' as const, key: 'taken-1', requestHash: 'h', method: 'POST', path: '/x' };
    let write: DeferredWrite | undefined;
    await customerCollection.create({ ...ctx, deferWrite: (w) => (write = w) }, { firstName: 'First' } as never);
    const first = await idempotency.runDeferred(db(), write, { request, statusCode: 201, response: { ok: 1 } });
    assert.notEqual(first, 'taken');

    let second: DeferredWrite | undefined;
    const view = await customerCollection.create({ ...ctx, deferWrite: (w) => (second = w) }, { firstName: 'Second' } as never);
    assert.equal(await idempotency.runDeferred(db(), second, { request, statusCode: 201, response: { ok: 2 } }), 'taken');

    const rows = await db().select().from(customers).where(eq(customers.tenantId, t.tenantId));
    assert.deepEqual(
      rows.map((r) => r.firstName),
      ['First'],
    );
    assert.deepEqual(await eventsOf(t.tenantId, view.id), [], 'the refused write left no event');
    const [stored] = await db()
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, t.tenantId), eq(idempotencyKeys.key, 'taken-1')));
    assert.deepEqual(stored.response, { ok: 1 });
  });

  it('a PUT is conditional on the row it read: a write in between makes If-Match fail, and without If-Match it decides again', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', `${v1}/customers`, { firstName: 'Bea', notes: 'one' });
    const id = created.body.data.id;
    const tag = created.headers.get('etag')!;
    // Somebody else writes the row directly (as a concurrent request would, between our read and write).
    await db().execute(sql`update customers set notes = 'theirs', updated_at = updated_at + interval '5 milliseconds' where tenant_id = ${t.tenantId} and id = ${id}`);
    const refused = await api('PUT', `${v1}/customers/${id}`, { lastName: 'Stone' }, { 'if-match': tag });
    assert.equal(refused.status, 412, refused.text);
    const merged = await api('PUT', `${v1}/customers/${id}`, { lastName: 'Stone' });
    assert.equal(merged.status, 200, merged.text);
    assert.equal(merged.body.data.notes, 'theirs', 'the update merged over the row as it is now, not as first read');
    assert.equal(merged.body.data.lastName, 'Stone');
    const [event] = (await eventsOf(t.tenantId, id)).filter((e) => e.type === 'crm.customers.updated');
    assert.deepEqual(event.data, merged.body.data);
    assert.ok(Date.parse(merged.body.data.updatedAt) > Date.parse(created.body.data.updatedAt));
  });

  it('PUTs of one row at once take turns: one read, then one conditional statement each, and every write lands with its event', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const id = (await api('POST', `${v1}/customers`, { firstName: 'Cai', notes: 'start' })).body.data.id;
    const writers = 8;
    let answers: Awaited<ReturnType<typeof api>>[] = [];
    const sent = await statementsDuring(server.app.database, async () => {
      answers = await Promise.all(Array.from({ length: writers }, (_, i) => api('PUT', `${v1}/customers/${id}`, { notes: `writer ${i}` })));
    });
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(writers).fill(200),
      answers.map((a) => a.text).join('\n'),
    );
    const reads = sent.filter((text) => /^select/i.test(text) && text.includes('"customers"'));
    const writes = sent.filter((text) => /^with changed as \(update "customers"/i.test(text));
    assert.equal(writes.length, writers, `one conditional statement per PUT:\n${sent.join('\n')}`);
    assert.ok(reads.length < writers, `later turns start from the row the turn before wrote (${reads.length} reads):\n${sent.join('\n')}`);
    assert.ok(!sent.includes('BEGIN'), 'no PUT fell back to the locked transaction');
    const updated = (await eventsOf(t.tenantId, id)).filter((e) => e.type === 'crm.customers.updated');
    assert.equal(updated.length, writers);
    assert.equal(new Set(updated.map((e) => (e.data as { updatedAt: string }).updatedAt)).size, writers, 'every write has its own updatedAt');
    const stored = (await api('GET', `${v1}/customers/${id}`)).body.data;
    const last = updated.sort((a, b) => Date.parse((a.data as { updatedAt: string }).updatedAt) - Date.parse((b.data as { updatedAt: string }).updatedAt)).at(-1)!;
    assert.deepEqual(stored, last.data, 'the stored row is the last write, as its event says');
  });

  it('a row handed from one turn to the next that was written elsewhere meanwhile is read again, not written over', async () => {
    const t = await server.tenant();
    const ctx: Ctx = {
      tenantId: t.tenantId,
      environment: 'test',
      scopes: [],
      actor: { type: 'system', id: 'test' },
      requestId: 'r',
      db: db(),
      deferWrite: () => assert.fail('updates are not deferred'),
    };
    const id = (await customerCollection.create({ ...ctx, deferWrite: undefined }, { firstName: 'Dara', notes: 'start' } as never)).id;
    // The second turn's prepare first writes the row the way another process would, between the
    // first turn's write and its own: the row handed to it is then no longer the stored one.
    let writeElsewhere = true;
    const seen: string[] = [];
    const merging = defineCollection({
      name: 'customers',
      label: 'Customer',
      table: customers,
      view: (r) => ({ id: r.id, updatedAt: r.updatedAt.toISOString(), notes: r.notes, lastName: r.lastName }),
      pure: true,
      prepare: async (_c, input: { lastName: string }, current) => {
        seen.push(`${input.lastName} on ${current?.notes}`);
        if (input.lastName === 'Second' && writeElsewhere) {
          writeElsewhere = false;
          await db().execute(sql`update customers set notes = 'theirs', updated_at = updated_at + interval '5 milliseconds' where tenant_id = ${t.tenantId} and id = ${id}`);
        }
        return { type: 'person' as const, lastName: input.lastName, notes: `${current?.notes} + ${input.lastName}` };
      },
    });
    const [first, second] = await Promise.all([merging.update(ctx, id, { lastName: 'First' }), merging.update(ctx, id, { lastName: 'Second' })]);
    assert.equal(first.notes, 'start + First');
    assert.equal(second.notes, 'theirs + Second', `decided again on the row as stored (prepared: ${seen.join(', ')})`);
    assert.deepEqual(seen, ['First on start', 'Second on start + First', 'Second on theirs']);
    const [row] = await db()
      .select()
      .from(customers)
      .where(and(eq(customers.tenantId, t.tenantId), eq(customers.id, id)));
    assert.equal(row.notes, 'theirs + Second');
    const updated = (await eventsOf(t.tenantId, id)).filter((e) => e.type === 'crm.customers.updated');
    assert.deepEqual(
      updated.map((e) => (e.data as { notes: string }).notes),
      ['start + First', 'theirs + Second'],
      'the write that lost left no event',
    );
  });

  it('a collection declared pure whose prepare reads the database fails at once, before writing', async () => {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: [], actor: { type: 'system', id: 'test' }, requestId: 'r', db: db() };
    const reading = defineCollection({
      name: 'customers',
      label: 'Customer',
      table: customers,
      view: (r) => ({ id: r.id, updatedAt: r.updatedAt.toISOString() }),
      pure: true,
      prepare: async (c, input: { firstName: string }) => {
        await c.db.select().from(customers).limit(1);
        return { type: 'person' as const, firstName: input.firstName };
      },
    });
    await assert.rejects(reading.create({ ...ctx, deferWrite: () => assert.fail('nothing is deferred') }, { firstName: 'X' }), /declared pure read the database/);
  });

  describe('a CRM invoice create: reference, currency and number in its one statement', () => {
    const lines = [
      { type: 'labour', description: 'Service labour', quantity: 2, rate: 45, tax_rate: 16 },
      { type: 'fee', description: 'Disposal fee', quantity: 1, rate: 5 },
    ];
    async function dealer() {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const clientId = (await api('POST', `${crm}/clients`, { first_name: 'Ada', last_name: 'Byron', email: `ada-${t.tenantId}@example.com` })).body.data.id;
      return { t, api, clientId };
    }

    it('is one statement, and stores the number, the event and the replayed response as answered', async () => {
      const { t, api, clientId } = await dealer();
      // The first create of a dealership reads its currency (in a transaction); later ones assume it.
      assert.equal((await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines })).body.data.number, 'INV-000001');
      let created: Awaited<ReturnType<typeof api>> | undefined;
      const sent = await statementsDuring(server.app.database, async () => {
        created = await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines }, { 'idempotency-key': 'invoice-1' });
      });
      assert.equal(created!.status, 201, created!.text);
      assert.equal(sent.length, 1, sent.join('\n---\n'));
      assert.match(sent[0], /insert into "invoices"/);
      assert.doesNotMatch(sent[0], /pg_notify/, 'no NOTIFY inside the write: it would hold the notification lock through the commit');
      const invoice = created!.body.data;
      assert.equal(invoice.number, 'INV-000002');
      assert.equal(invoice.currency, 'USD');
      assert.equal(invoice.total, 109.4);
      assert.ok(!created!.text.includes('motors-pending') && !created!.text.includes(PENDING_INSTANT_ISO.slice(0, 4)), created!.text);

      const [event] = await eventsOf(t.tenantId, invoice.id);
      assert.equal(event.type, 'crm.invoices.created');
      const record = (await api('GET', `${v1}/invoices/${invoice.id}`)).body.data;
      assert.deepEqual(event.data, record, 'the event carries the stored record, number and instant included');
      assert.equal(record.number, 'INV-000002');
      assert.equal(record.createdAt, invoice.created_at);

      const replay = await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines }, { 'idempotency-key': 'invoice-1' });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, created!.body);
    });

    it('gives concurrent creates distinct consecutive numbers', async () => {
      const { api, clientId } = await dealer();
      await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines });
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines }, { 'idempotency-key': `concurrent-${i}` })));
      for (const a of answers) assert.equal(a.status, 201, a.text);
      const numbers = answers.map((a) => a.body.data.number).sort();
      assert.deepEqual(
        numbers,
        Array.from({ length: 12 }, (_, i) => `INV-${String(i + 2).padStart(6, '0')}`),
      );
    });

    it('refuses a missing, deleted or foreign client with 400 naming client_id, and consumes no number', async () => {
      const { t, api, clientId } = await dealer();
      const other = await dealer();
      assert.equal((await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines })).body.data.number, 'INV-000001');
      const gone = (await api('POST', `${crm}/clients`, { first_name: 'Gone', last_name: 'Soon' })).body.data.id;
      assert.equal((await api('DELETE', `${crm}/clients/${gone}`)).status, 200);
      for (const [i, id] of ['0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11', gone, other.clientId].entries()) {
        const res = await api('POST', `${crm}/invoices`, { client_id: id, line_items: lines }, { 'idempotency-key': `refused-${i}` });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.code, 'validation_failed');
        assert.match(res.body.error.message, /^client_id: no record with id /);
        assert.deepEqual(
          res.body.error.details.map((d: JsonBody) => d.field),
          ['client_id'],
        );
        const again = await api('POST', `${crm}/invoices`, { client_id: id, line_items: lines }, { 'idempotency-key': `refused-${i}` });
        assert.deepEqual([again.status, again.body], [400, res.body], 'a retry gets the same answer');
      }
      assert.equal((await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines })).body.data.number, 'INV-000002', 'no gap');
      const stored = (await db().select().from(events).where(eq(events.tenantId, t.tenantId))).filter((e) => e.type === 'crm.invoices.created');
      assert.equal(stored.length, 2);
    });

    it('notices a currency changed since it was read: the create is decided again in the new currency', async () => {
      const { t, api, clientId } = await dealer();
      assert.equal((await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines })).body.data.currency, 'USD');
      await db()
        .update(tenants)
        .set({ settings: { currency: 'JPY' } })
        .where(eq(tenants.id, t.tenantId));
      const yen = await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: [{ description: 'Wash', quantity: 1, rate: 1500 }] });
      assert.equal(yen.status, 201, yen.text);
      assert.equal(yen.body.data.currency, 'JPY');
      assert.equal(yen.body.data.number, 'INV-000002');
      const sent = await statementsDuring(server.app.database, async () => {
        assert.equal((await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: lines })).body.data.currency, 'JPY');
      });
      assert.equal(sent.length, 1, 'the new currency is assumed from then on');
    });

    it("runs a create that sends at once, or takes a product's price, in a transaction, with the same events", async () => {
      const { t, api, clientId } = await dealer();
      const sentInvoice = await api('POST', `${crm}/invoices`, { client_id: clientId, status: 'sent', line_items: lines });
      assert.equal(sentInvoice.status, 201, sentInvoice.text);
      assert.equal(sentInvoice.body.data.status, 'sent');
      const types = (await eventsOf(t.tenantId, sentInvoice.body.data.id)).map((e) => e.type).sort();
      assert.deepEqual(types, ['crm.invoices.created', 'crm.invoices.status_changed', 'crm.invoices.updated']);
      const product = (await api('POST', `${crm}/products`, { name: 'Oil filter', price: 12.5 })).body.data;
      const withProduct = await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: [{ product_id: product.id, quantity: 2 }] });
      assert.equal(withProduct.status, 201, withProduct.text);
      assert.equal(withProduct.body.data.total, 25);
      assert.deepEqual([sentInvoice.body.data.number, withProduct.body.data.number], ['INV-000001', 'INV-000002']);
    });
  });

  // Quotes, purchase orders and work orders have the invoice's prepare (references, currency, a
  // gap-free number): their Records API create is one statement too, after a dealership's first.
  describe('quote, purchase order and work order creates: one statement each', () => {
    const line = [{ kind: 'labour', description: 'Labour', quantity: 1, unitAmount: 9500, taxRate: 0 }];
    for (const collection of ['quotes', 'purchaseOrders', 'workOrders'] as const) {
      it(`${collection}: one statement storing the number, the event and the record`, async () => {
        const t = await server.tenant();
        const api = client(server.url, { 'x-api-key': t.key });
        const ok = async (path: string, body: unknown) => {
          const r = await api('POST', `${v1}/${path}`, body);
          assert.equal(r.status, 201, r.text);
          return r.body.data;
        };
        const customer = await ok('customers', { firstName: 'Ada', lastName: 'Byron' });
        const input =
          collection === 'quotes'
            ? { customerId: customer.id, lines: line }
            : collection === 'purchaseOrders'
              ? { vendorId: (await ok('vendors', { name: 'Bradford Motor Factors' })).id, lines: line }
              : { customerId: customer.id, motorId: (await ok('motors', { make: 'Kia', model: 'Niro', year: 2021 })).id, jobs: [{ title: 'Brakes', authorized: true, lines: line }] };
        const first = await ok(collection, input);
        let created: Awaited<ReturnType<typeof api>> | undefined;
        const sent = await statementsDuring(server.app.database, async () => {
          created = await api('POST', `${v1}/${collection}`, input, { 'idempotency-key': `${collection}-1` });
        });
        assert.equal(created!.status, 201, created!.text);
        assert.equal(sent.length, 1, sent.join('\n---\n'));
        const doc = created!.body.data;
        assert.notEqual(doc.number, first.number, 'the next number');
        const [event] = await eventsOf(t.tenantId, doc.id);
        assert.equal(event.type, `crm.${collection}.created`);
        assert.deepEqual(event.data, (await api('GET', `${v1}/${collection}/${doc.id}`)).body.data, 'the event carries the stored record');
      });
    }
  });
});
