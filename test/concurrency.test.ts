import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { sharedServer, client, staffDealer, type TestServer, type Res } from './helpers.ts';
import { customers, events, invoices, webhookEndpoints } from '../src/storage/schema/index.ts';

// Requests sent together, where races are real: on PostgreSQL each request has its own pooled
// connection and transaction. On PGlite (one connection) they serialise, so the same tests check
// that the single-request rules still hold there.

const v1 = '/api/public/v1';
const crm = '/crm-api/v1';
type Api = ReturnType<typeof client>;

/** Fires every request at once (no request waits for another's answer) and returns the answers in order. */
export function atOnce(n: number, send: (i: number) => Promise<Res>): Promise<Res[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => send(i)));
}

const statuses = (answers: Res[]) => answers.map((a) => a.status).sort((a, b) => a - b);

describe('concurrent requests', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  async function dealer() {
    const t = await server.tenant();
    return { ...t, api: client(server.url, { 'x-api-key': t.key }) };
  }

  async function newCustomer(api: Api, firstName = 'Amelia') {
    const res = await api('POST', `${v1}/customers`, { firstName, lastName: 'Hart', email: `${firstName.toLowerCase()}.${Math.random().toString(36).slice(2)}@example.com` });
    assert.equal(res.status, 201, res.text);
    return res;
  }

  async function eventsOf(tenantId: string, type: string, id: string) {
    const rows = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, tenantId), eq(events.type, type)));
    return rows.filter((e) => (e.data as { id?: string }).id === id);
  }

  it('6 rotations of one API key at once: one makes the new key, the others are refused, and one new key exists', async () => {
    const s = await staffDealer(server);
    for (const overlapHours of [1, 0]) {
      const name = `ERP ${overlapHours}`;
      const created = await s.manage('POST', '/manage/v1/keys', { name, environment: 'test', scopes: ['*'] });
      assert.equal(created.status, 201, created.text);
      const answers = await atOnce(6, () => s.manage('POST', `/manage/v1/keys/${created.body.data.id}/rotate`, { overlapHours }));
      // With an overlap the old key still works, and a rotated key rotates no more (409); without
      // one it is revoked at once, so the later rotations find no key to rotate (404).
      const refused = overlapHours ? 409 : 404;
      assert.deepEqual(statuses(answers), [201, ...Array(5).fill(refused)], answers.map((a) => a.text).join('\n'));
      for (const lost of answers.filter((a) => a.status === refused)) assert.equal(lost.body.error.code, overlapHours ? 'conflict' : 'not_found');
      const winner = answers.find((a) => a.status === 201)!;
      const keys = (await s.manage('GET', '/manage/v1/keys')).body.data.filter((k: { name: string }) => k.name === name);
      assert.deepEqual(keys.map((k: { id: string }) => k.id).sort(), [created.body.data.id, winner.body.data.id].sort());
    }
  });

  it('6 rotations of one webhook secret at once: each rotates the secret the one before it made', async () => {
    const { api, tenantId } = await dealer();
    const created = await api('POST', `${crm}/webhooks`, { url: 'http://127.0.0.1:9/hook' });
    assert.equal(created.status, 201, created.text);
    const answers = await atOnce(6, () => api('POST', `${crm}/webhooks/${created.body.data.id}/rotate-secret`));
    assert.deepEqual(statuses(answers), Array(6).fill(200), answers.map((a) => a.text).join('\n'));
    const secrets = answers.map((a) => a.body.data.secret as string);
    assert.equal(new Set(secrets).size, 6);
    const [row] = await server.app.database.db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, created.body.data.id)));
    // Read without a lock, two rotations would both replace the first secret, and the secret one
    // of them handed out would sign nothing: the previous secret is always one that was handed out.
    assert.ok(secrets.includes(row.secret));
    assert.ok(secrets.includes(row.previousSecret!), 'the previous secret is one a rotation handed out');
  });

  it('12 PUTs with one If-Match: exactly one succeeds, eleven get 412, and the winner is what is stored', async () => {
    const { api, tenantId } = await dealer();
    const created = await newCustomer(api);
    const id = created.body.data.id;
    const tag = created.headers.get('etag')!;
    const answers = await atOnce(12, (i) => api('PUT', `${v1}/customers/${id}`, { notes: `writer ${i}` }, { 'if-match': tag }));
    assert.deepEqual(statuses(answers), [200, ...Array(11).fill(412)], answers.map((a) => a.text).join('\n'));
    const winner = answers.find((a) => a.status === 200)!;
    const stored = await api('GET', `${v1}/customers/${id}`);
    assert.equal(stored.body.data.notes, winner.body.data.notes);
    assert.equal(stored.headers.get('etag'), winner.headers.get('etag'));
    assert.equal((await eventsOf(tenantId, 'crm.customers.updated', id)).length, 1);
    for (const lost of answers.filter((a) => a.status === 412)) assert.equal(lost.body.error.code, 'precondition_failed');
  });

  it('12 PUTs without If-Match: every write lands in turn, each with its own updatedAt (no two versions share an ETag)', async () => {
    const { api, tenantId } = await dealer();
    const id = (await newCustomer(api)).body.data.id;
    const answers = await atOnce(12, (i) => api('PUT', `${v1}/customers/${id}`, { tags: [`t${i}`], notes: `writer ${i}` }));
    assert.deepEqual(statuses(answers), Array(12).fill(200));
    const updated = await eventsOf(tenantId, 'crm.customers.updated', id);
    assert.equal(updated.length, 12);
    assert.equal(new Set(updated.map((e) => (e.data as { updatedAt: string }).updatedAt)).size, 12, 'every write has its own updatedAt');
    assert.equal(new Set(updated.map((e) => (e.data as { notes: string }).notes)).size, 12);
  });

  it('a PUT that changes nothing returns the record unchanged: same updatedAt and ETag, no event', async () => {
    const { api, tenantId } = await dealer();
    const created = await newCustomer(api);
    const { id, firstName, lastName, email } = created.body.data;
    const same = await api('PUT', `${v1}/customers/${id}`, { firstName, lastName, email: email.toUpperCase(), tags: [] });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.body.data.updatedAt, created.body.data.updatedAt);
    assert.equal(same.headers.get('etag'), created.headers.get('etag'));
    assert.deepEqual(same.body.data, (await api('GET', `${v1}/customers/${id}`)).body.data);
    assert.equal((await eventsOf(tenantId, 'crm.customers.updated', id)).length, 0);
    const changed = await api('PUT', `${v1}/customers/${id}`, { notes: 'now different' });
    assert.notEqual(changed.body.data.updatedAt, created.body.data.updatedAt);
    assert.equal((await eventsOf(tenantId, 'crm.customers.updated', id)).length, 1);
  });

  it('6 conversions of one quote: one invoice, the others 409 naming it', async () => {
    const { api, tenantId } = await dealer();
    const clientId = (await api('POST', `${crm}/clients`, { name: 'Amelia Hart', email: 'amelia@example.com' })).body.data.id;
    const quote = (await api('POST', `${crm}/quotes`, { client_id: clientId, line_items: [{ description: 'Brake pads', quantity: 1, rate: 89.99 }] })).body.data;
    assert.equal((await api('PUT', `${crm}/quotes/${quote.id}`, { status: 'sent' })).status, 200);
    const answers = await atOnce(6, () => api('POST', `${crm}/quotes/${quote.id}/convert`));
    assert.deepEqual(statuses(answers), [201, 409, 409, 409, 409, 409], answers.map((a) => a.text).join('\n'));
    const invoice = answers.find((a) => a.status === 201)!.body.data;
    for (const refused of answers.filter((a) => a.status === 409)) assert.match(refused.body.error.message, new RegExp(`${invoice.number}.*${invoice.id}`));
    const stored = await server.app.database.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), eq(invoices.quoteId, quote.id)));
    assert.equal(stored.length, 1);
  });

  it('a payment and a void of one invoice at once: one of the two is refused, never a void invoice with money paid', async () => {
    const { api, tenantId } = await dealer();
    const clientId = (await api('POST', `${crm}/clients`, { name: 'Amelia Hart', email: 'amelia@example.com' })).body.data.id;
    for (let trial = 0; trial < 6; trial++) {
      const inv = (await api('POST', `${crm}/invoices`, { client_id: clientId, status: 'sent', line_items: [{ description: 'Service', quantity: 1, rate: 100 }] })).body.data;
      assert.equal(inv?.status, 'sent');
      const [paid, voided] = await Promise.all([
        api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 40, method: 'cash' }),
        api('PATCH', `${crm}/invoices/${inv.id}/status`, { status: 'void' }),
      ]);
      const [row] = await server.app.database.db
        .select()
        .from(invoices)
        .where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, inv.id)));
      assert.ok(!(row.status === 'void' && row.amountPaid > 0), `trial ${trial}: void invoice with ${row.amountPaid} paid (payment ${paid.status}, void ${voided.status})`);
      // Voiding a sent invoice with a partial payment is allowed by the lifecycle only when nothing was paid.
      assert.equal([paid.status, voided.status].filter((s) => s >= 400).length <= 1, true, `${paid.text}\n${voided.text}`);
      if (paid.status === 201) assert.equal(row.amountPaid, 4000);
    }
  });

  it('deleting a client while an invoice is created for it: one of the two is refused, never an open invoice on a deleted client', async () => {
    const { api, tenantId } = await dealer();
    for (let trial = 0; trial < 8; trial++) {
      const clientId = (await api('POST', `${crm}/clients`, { name: `Client ${trial}`, email: `c${trial}@example.com` })).body.data.id;
      const [deleted, invoiced] = await Promise.all([
        api('DELETE', `${crm}/clients/${clientId}`),
        api('POST', `${crm}/invoices`, { client_id: clientId, line_items: [{ description: 'Service', quantity: 1, rate: 100 }] }),
      ]);
      const [client_] = await server.app.database.db
        .select()
        .from(customers)
        .where(and(eq(customers.tenantId, tenantId), eq(customers.id, clientId)));
      const open = await server.app.database.db
        .select()
        .from(invoices)
        .where(and(eq(invoices.tenantId, tenantId), eq(invoices.customerId, clientId)));
      assert.ok(!(client_.deletedAt && open.length), `trial ${trial}: client deleted with ${open.length} invoice(s) (delete ${deleted.status}, invoice ${invoiced.status})`);
      assert.equal([deleted.status, invoiced.status].filter((s) => s < 300).length, 1, `${deleted.text}\n${invoiced.text}`);
      if (deleted.status === 409) assert.match(deleted.body.error.message, /open invoice/);
    }
  });

  it('concurrent status moves of one invoice: checked against the locked row, so one terminal status wins', async () => {
    const { api } = await dealer();
    const clientId = (await api('POST', `${crm}/clients`, { name: 'Amelia Hart', email: 'amelia@example.com' })).body.data.id;
    const inv = (await api('POST', `${crm}/invoices`, { client_id: clientId, status: 'sent', line_items: [{ description: 'Service', quantity: 1, rate: 100 }] })).body.data;
    const answers = await atOnce(6, (i) => api('PATCH', `${crm}/invoices/${inv.id}/status`, { status: i % 2 ? 'void' : 'paid' }));
    const final = (await api('GET', `${crm}/invoices/${inv.id}`)).body.data.status;
    const ok = answers.filter((a) => a.status === 200);
    assert.ok(ok.length >= 1 && ok.every((a) => a.body.data.status === final), answers.map((a) => a.text).join('\n'));
    assert.ok(answers.filter((a) => a.status !== 200).every((a) => a.status === 409));
    assert.equal(answers.filter((a) => a.status === 409).length, 3, 'the three moves to the other terminal status are refused');
  });

  it("the document's sync loop (updatedAfter = largest updatedAt seen, nothing else) misses no record under 8 concurrent writers", async () => {
    const { api } = await dealer();
    const acknowledged = new Map<string, string>(); // id → the newest updatedAt a writer was answered with
    const ack = (res: Res) => {
      const { id, updatedAt } = res.body.data;
      if (!acknowledged.has(id) || acknowledged.get(id)! < updatedAt) acknowledged.set(id, updatedAt);
    };
    // At least 5 s and 300 writes (a loaded machine is slower), at most 30 s.
    const started = Date.now();
    let writes = 0;
    const writing = () => Date.now() - started < 30_000 && (Date.now() - started < 5000 || writes < 300);
    const writer = async (w: number) => {
      const mine: string[] = [];
      while (writing()) {
        const ids = [...acknowledged.keys()];
        if (!ids.length || Math.random() < 0.4) {
          const res = await api('POST', `${v1}/customers`, { firstName: `W${w}`, lastName: `N${writes}`, email: `w${w}.${writes}@example.com` });
          assert.equal(res.status, 201, res.text);
          mine.push(res.body.data.id);
          ack(res);
        } else {
          const id = Math.random() < 0.5 && mine.length ? mine[Math.floor(Math.random() * mine.length)] : ids[Math.floor(Math.random() * ids.length)];
          const res = await api('PUT', `${v1}/customers/${id}`, { notes: `w${w} ${writes}` });
          assert.equal(res.status, 200, res.text);
          ack(res);
        }
        writes++;
      }
    };
    const seen = new Map<string, Set<string>>();
    let checkpoint: string | undefined;
    let done = false;
    const reader = async () => {
      let quiet = 0;
      // After the writers stop, read on until two pages in a row are empty.
      while (!done || quiet < 2) {
        const res = await api('GET', `${v1}/customers?limit=50${checkpoint ? `&updatedAfter=${encodeURIComponent(checkpoint)}` : ''}`);
        assert.equal(res.status, 200, res.text);
        for (const r of res.body.data as { id: string; updatedAt: string }[]) {
          if (!seen.has(r.id)) seen.set(r.id, new Set());
          seen.get(r.id)!.add(r.updatedAt);
          if (!checkpoint || r.updatedAt > checkpoint) checkpoint = r.updatedAt;
        }
        quiet = done && res.body.data.length === 0 ? quiet + 1 : 0;
        if (res.body.data.length < 50) await new Promise((r) => setTimeout(r, 5));
      }
    };
    const reading = reader();
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    done = true;
    await reading;
    const missed = [...acknowledged].filter(([id, at]) => !seen.get(id)?.has(at));
    assert.ok(writes >= 100, `only ${writes} writes`);
    assert.deepEqual(missed, [], `${missed.length} of ${acknowledged.size} records' last versions were never seen by the sync loop (${writes} writes)`);
  });
});
