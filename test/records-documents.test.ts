import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { events } from '../src/storage/schema/index.ts';
import { convertQuoteToInvoice, countOpenInvoices } from '../src/core/invoices.ts';
import { tenants } from '../src/storage/schema/index.ts';
import type { Ctx } from '../src/core/context.ts';
import { systemCtx } from './system-ctx.ts';
import { seedDemo } from '../src/core/demo.ts';

const base = '/api/public/v1';
type Api = ReturnType<typeof client>;

async function customer(api: Api, name = 'Amelia') {
  const res = await api('POST', `${base}/customers`, { firstName: name });
  assert.equal(res.status, 201, res.text);
  return res.body.data.id as string;
}
async function vendor(api: Api) {
  const res = await api('POST', `${base}/vendors`, { name: 'Bradford Motor Factors Ltd' });
  assert.equal(res.status, 201, res.text);
  return res.body.data.id as string;
}

// A reference implementation of the documented totals, independent of src/core/money.ts:
// exact fractions, half-up rounding per line amount.
function referenceTotals(lines: { q: number; unit: number; rate: number; discount: boolean }[]) {
  let subtotal = 0n;
  let tax = 0n;
  for (const l of lines) {
    const s = (BigInt(l.q) * BigInt(l.unit) * 2n + 1000n) / 2000n; // q in thousandths
    const t = (s * BigInt(l.rate) * 2n + 100_000n) / 200_000n; // rate in thousandths of a percent
    subtotal += l.discount ? -s : s;
    tax += l.discount ? -t : t;
  }
  return { subtotal: Number(subtotal), tax: Number(tax), total: Number(subtotal + tax) };
}
const thousandths = (t: number) => Number(`${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`);

describe('Records API: inventory items, vendors, marketplace items and documents', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it('creates, reads, updates and lists vendors and inventory items, with events', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const v = await api('POST', `${base}/vendors`, { name: 'Bradford Motor Factors Ltd', email: 'Orders@BMF.example', paymentTermsDays: 30, address: { city: 'Bradford', country: 'gb' } });
    assert.equal(v.status, 201, v.text);
    assert.equal(v.body.data.email, 'orders@bmf.example');
    assert.equal(v.body.data.address.country, 'GB');
    const item = await api('POST', `${base}/inventoryItems`, {
      kind: 'part',
      name: 'Brake pads',
      sku: 'BP-1',
      unitAmount: 4999,
      currency: 'gbp',
      costAmount: 2750,
      taxRate: 20,
      trackStock: true,
      stockOnHand: 3,
      reorderLevel: 4,
      vendorId: v.body.data.id,
    });
    assert.equal(item.status, 201, item.text);
    const i = item.body.data;
    assert.equal(i.currency, 'GBP');
    assert.equal(i.taxRate, 20);
    assert.equal(i.stockOnHand, 3);
    assert.equal(i.needsReorder, true);
    assert.equal(i.unit, 'each');
    assert.deepEqual((await api('GET', `${base}/inventoryItems/${i.id}`)).body.data, i);
    const put = await api('PUT', `${base}/inventoryItems/${i.id}`, { stockOnHand: '10.5', unit: 'set' });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.data.stockOnHand, 10.5);
    assert.equal(put.body.data.needsReorder, false);
    assert.equal(put.body.data.name, 'Brake pads');
    const list = await api('GET', `${base}/inventoryItems?includeTotal=true`);
    assert.equal(list.body.total, 1);
    const vPut = await api('PUT', `${base}/vendors/${v.body.data.id}`, { notes: 'Next-day delivery' });
    assert.equal(vPut.body.data.notes, 'Next-day delivery');
    assert.equal((await api('GET', `${base}/vendors`)).body.data.length, 1);

    const types = (await server.app.database.db.select().from(events).where(eq(events.tenantId, t.tenantId))).map((e) => e.type).sort();
    assert.deepEqual(types, ['crm.inventoryItems.created', 'crm.inventoryItems.updated', 'crm.vendors.created', 'crm.vendors.updated']);
  });

  it('refuses a duplicate SKU with 409 and invalid items with 400 naming the field', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const first = await api('POST', `${base}/inventoryItems`, { kind: 'part', name: 'Oil filter', sku: 'OF-1', unitAmount: 899, currency: 'GBP' });
    assert.equal(first.status, 201, first.text);
    const dup = await api('POST', `${base}/inventoryItems`, { kind: 'part', name: 'Other', sku: 'OF-1', unitAmount: 1, currency: 'GBP' });
    assert.equal(dup.status, 409, dup.text);
    assert.match(dup.body.error.message, /^sku:/);
    const cases: [unknown, RegExp][] = [
      [{ kind: 'part', unitAmount: 1, currency: 'GBP' }, /^name/],
      [{ kind: 'part', name: 'X', currency: 'GBP' }, /^unitAmount/],
      [{ kind: 'part', name: 'X', unitAmount: 1 }, /^currency/],
      [{ kind: 'part', name: 'X', unitAmount: 1.5, currency: 'GBP' }, /unitAmount/],
      [{ kind: 'part', name: 'X', unitAmount: 1, currency: 'GBP', taxRate: 20.1234 }, /taxRate/],
      [{ kind: 'gadget', name: 'X', unitAmount: 1, currency: 'GBP' }, /kind/],
      [{ kind: 'part', name: 'X', unitAmount: 1, currency: 'GBP', colour: 'red' }, /colour/],
      [{ name: 'no kind yet', unitAmount: 1, currency: 'GBP', taxRate: 120 }, /taxRate/],
    ];
    for (const [body, field] of cases) {
      const res = await api('POST', `${base}/inventoryItems`, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
      assert.match(res.body.error.message, field);
    }
    const vendorMissing = await api('POST', `${base}/vendors`, { email: 'a@b.example' });
    assert.equal(vendorMissing.status, 400);
    assert.match(vendorMissing.body.error.message, /^name/);
  });

  it('lets only one of several concurrent creates with the same SKU through', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const results = await Promise.all(Array.from({ length: 6 }, () => api('POST', `${base}/inventoryItems`, { kind: 'part', name: 'Spark plug', sku: 'SP-7', unitAmount: 799, currency: 'GBP' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
  });

  it('creates, updates and lists marketplace items', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', `${base}/marketplaceItems`, {
      title: 'OEM alloy wheel',
      condition: 'used',
      priceAmount: 8500,
      currency: 'GBP',
      status: 'active',
      channel: 'ebay',
      mediaUrls: ['https://cdn.example.com/w.jpg'],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.data.quantity, 1);
    const put = await api('PUT', `${base}/marketplaceItems/${created.body.data.id}`, { status: 'sold' });
    assert.equal(put.body.data.status, 'sold');
    const bad = await api('POST', `${base}/marketplaceItems`, { title: 'X', condition: 'mint', priceAmount: 1, currency: 'GBP' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /condition/);
    assert.equal((await api('GET', `${base}/marketplaceItems?includeTotal=true`)).body.total, 1);
  });

  it('computes invoice totals exactly: 3 × 19.99 + 0.1 × 0.20 = 59.99, and recomputes on update', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const res = await api('POST', `${base}/invoices`, {
      customerId,
      currency: 'usd',
      dueDate: '2099-01-31',
      lines: [
        { kind: 'part', description: 'Oil filter', quantity: 3, unitAmount: 1999 },
        { kind: 'fee', description: 'Disposal', quantity: 0.1, unitAmount: 20 },
      ],
    });
    assert.equal(res.status, 201, res.text);
    const inv = res.body.data;
    assert.match(inv.number, /^INV-\d{6}$/);
    assert.equal(inv.status, 'draft');
    assert.equal(inv.currency, 'USD');
    assert.equal(inv.subtotalAmount, 5999);
    assert.equal(inv.taxAmount, 0);
    assert.equal(inv.totalAmount, 5999);
    assert.deepEqual(
      inv.lines.map((l: JsonBody) => l.totalAmount),
      [5997, 2],
    );
    assert.equal(inv.amountPaid, 0);
    assert.equal(inv.amountDue, 5999);
    assert.equal(inv.overdue, false);

    const put = await api('PUT', `${base}/invoices/${inv.id}`, {
      lines: [
        { kind: 'labour', description: 'Brake service', quantity: '1.5', unitAmount: 3333, taxRate: 7.125 },
        { kind: 'discount', description: 'Loyalty', quantity: 1, unitAmount: 500, taxRate: 7.125 },
      ],
    });
    assert.equal(put.status, 200, put.text);
    // 1.5 × 33.33 = 49.995 → 50.00, tax 3.5625 → 3.56; discount −5.00, tax −0.35625 → −0.36
    assert.equal(put.body.data.subtotalAmount, 4500);
    assert.equal(put.body.data.taxAmount, 320);
    assert.equal(put.body.data.totalAmount, 4820);
    assert.equal(put.body.data.number, inv.number, 'the number never changes');
    const notes = await api('PUT', `${base}/invoices/${inv.id}`, { notes: 'Thanks' });
    assert.equal(notes.body.data.totalAmount, 4820, 'omitted lines keep their values');

    const rows = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, t.tenantId), eq(events.type, 'crm.invoices.updated')));
    assert.equal(rows.length, 2);
  });

  it('totals match an exact reference over random lines and tax rates (property, through HTTP)', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ q: fc.integer({ min: 1, max: 1_000_000 }), unit: fc.integer({ min: 0, max: 10_000_000 }), rate: fc.integer({ min: 0, max: 100_000 }), discount: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (lines) => {
          const want = referenceTotals(lines);
          const res = await api('POST', `${base}/invoices`, {
            customerId,
            currency: 'EUR',
            lines: lines.map((l) => ({ kind: l.discount ? 'discount' : 'part', description: 'x', quantity: thousandths(l.q), unitAmount: l.unit, taxRate: thousandths(l.rate) })),
          });
          if (want.total < 0) {
            assert.equal(res.status, 400, res.text);
            assert.match(res.body.error.message, /^lines/);
            return;
          }
          assert.equal(res.status, 201, res.text);
          assert.deepEqual([res.body.data.subtotalAmount, res.body.data.taxAmount, res.body.data.totalAmount], [want.subtotal, want.tax, want.total]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('defaults line description, price, tax rate and kind from the inventory item and refuses other currencies', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const item = (await api('POST', `${base}/inventoryItems`, { kind: 'service', name: 'MOT test', unitAmount: 5485, currency: 'GBP', taxRate: 20 })).body.data;
    const res = await api('POST', `${base}/quotes`, { customerId, lines: [{ inventoryItemId: item.id, quantity: 2 }] });
    assert.equal(res.status, 201, res.text);
    const [line] = res.body.data.lines;
    assert.deepEqual([line.kind, line.description, line.unitAmount, line.taxRate, line.subtotalAmount, line.taxAmount], ['service', 'MOT test', 5485, 20, 10970, 2194]);
    assert.equal(res.body.data.currency, 'GBP', 'currency from the item');
    assert.match(res.body.data.number, /^QUO-000001$/);
    const usd = await api('POST', `${base}/quotes`, { customerId, currency: 'USD', lines: [{ inventoryItemId: item.id, quantity: 1 }] });
    assert.equal(usd.status, 400, usd.text);
    assert.match(usd.body.error.message, /^lines\[0\]\.inventoryItemId: .*GBP/);
  });

  it('refuses missing or foreign references with 400 naming the field', async () => {
    const a = await server.tenant();
    const b = await server.tenant();
    const apiA = client(server.url, { 'x-api-key': a.key });
    const apiB = client(server.url, { 'x-api-key': b.key });
    const live = await server.key(a.tenantId, { env: 'live' });
    const apiALive = client(server.url, { 'x-api-key': live.key });
    const mine = await customer(apiA);
    const theirs = await customer(apiB);
    const liveCustomer = await customer(apiALive);
    const theirVendor = await vendor(apiB);
    const theirItem = (await apiB('POST', `${base}/inventoryItems`, { kind: 'part', name: 'X', unitAmount: 1, currency: 'USD' })).body.data.id;
    const theirListing = (await apiB('POST', `${base}/marketplaceItems`, { title: 'X', condition: 'new', priceAmount: 1, currency: 'USD' })).body.data.id;
    const line = { description: 'x', quantity: 1, unitAmount: 100 };
    const cases: [string, unknown, string][] = [
      ['invoices', { lines: [line] }, 'customerId'],
      ['invoices', { customerId: theirs, lines: [line] }, 'customerId'],
      ['invoices', { customerId: liveCustomer, lines: [line] }, 'customerId'],
      ['invoices', { customerId: mine, quoteId: 'nope', lines: [line] }, 'quoteId'],
      ['invoices', { customerId: mine, lines: [line, { ...line, inventoryItemId: theirItem }] }, 'lines[1].inventoryItemId'],
      ['quotes', { customerId: theirs, lines: [line] }, 'customerId'],
      ['purchaseOrders', { vendorId: theirVendor, lines: [line] }, 'vendorId'],
      ['purchaseOrders', { lines: [line] }, 'vendorId'],
      ['marketplaceOrders', { customerId: theirs, lines: [line] }, 'customerId'],
      ['marketplaceOrders', { lines: [{ marketplaceItemId: theirListing, quantity: 1 }] }, 'lines[0].marketplaceItemId'],
      ['inventoryItems', { kind: 'part', name: 'X', unitAmount: 1, currency: 'USD', vendorId: theirVendor }, 'vendorId'],
      ['marketplaceItems', { title: 'X', condition: 'new', priceAmount: 1, currency: 'USD', inventoryItemId: theirItem }, 'inventoryItemId'],
    ];
    for (const [collection, body, field] of cases) {
      const res = await apiA('POST', `${base}/${collection}`, body);
      assert.equal(res.status, 400, `${collection} ${field}: ${res.text}`);
      assert.ok(res.body.error.message.startsWith(`${field}:`), `${collection}: ${res.body.error.message}`);
    }
    for (const c of ['invoices', 'quotes', 'purchaseOrders', 'marketplaceOrders']) assert.equal((await apiA('GET', `${base}/${c}?includeTotal=true`)).body.total, 0, c);
  });

  it('refuses invalid lines with 400 naming the line field', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const cases: [unknown, RegExp][] = [
      [{ description: 'x', quantity: 1.2345, unitAmount: 1 }, /lines\[0\]\.quantity/],
      [{ description: 'x', quantity: 0, unitAmount: 1 }, /lines\[0\]\.quantity/],
      [{ description: 'x', unitAmount: 1 }, /lines\.0\.quantity|lines\[0\]\.quantity/],
      [{ quantity: 1, unitAmount: 1 }, /lines\[0\]\.description/],
      [{ description: 'x', quantity: 1 }, /lines\[0\]\.unitAmount/],
      [{ description: 'x', quantity: 1, unitAmount: 1, taxRate: 101 }, /lines\[0\]\.taxRate/],
      [{ description: 'x', quantity: 1, unitAmount: 1, kind: 'sublet' }, /kind/],
      [{ description: 'x', quantity: 1, unitAmount: 1, marketplaceItemId: 'x' }, /marketplaceItemId/],
    ];
    for (const [line, field] of cases) {
      const res = await api('POST', `${base}/invoices`, { customerId, lines: [line] });
      assert.equal(res.status, 400, `${JSON.stringify(line)}: ${res.text}`);
      assert.match(res.body.error.message, field);
    }
    const status = await api('POST', `${base}/invoices`, { customerId, status: 'paid', lines: [] });
    assert.equal(status.status, 409);
    assert.match(status.body.error.message, /starts as draft/);
  });

  it('numbers 20 concurrent creates with 20 distinct consecutive numbers, per type and environment', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const results = await Promise.all(Array.from({ length: 20 }, () => api('POST', `${base}/invoices`, { customerId, lines: [{ description: 'x', quantity: 1, unitAmount: 100 }] })));
    for (const r of results) assert.equal(r.status, 201, r.text);
    const numbers = results.map((r) => r.body.data.number).sort();
    assert.deepEqual(
      numbers,
      Array.from({ length: 20 }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`),
    );
    // A refused create gives its number back: the next one is still consecutive.
    const refused = await api('POST', `${base}/invoices`, { customerId, lines: [{ description: 'x', quantity: 1, unitAmount: 100, inventoryItemId: 'missing' }] });
    assert.equal(refused.status, 400);
    const next = await api('POST', `${base}/invoices`, { customerId, lines: [] });
    assert.equal(next.body.data.number, 'INV-000021');
    const quote = await api('POST', `${base}/quotes`, { customerId, lines: [] });
    assert.equal(quote.body.data.number, 'QUO-000001');
    const po = await api('POST', `${base}/purchaseOrders`, { vendorId: await vendor(api), lines: [] });
    assert.equal(po.body.data.number, 'PO-000001');
    const mo = await api('POST', `${base}/marketplaceOrders`, { lines: [] });
    assert.equal(mo.body.data.number, 'MO-000001');
    const live = client(server.url, { 'x-api-key': (await server.key(t.tenantId, { env: 'live' })).key });
    const liveInvoice = await live('POST', `${base}/invoices`, { customerId: await customer(live), lines: [] });
    assert.equal(liveInvoice.body.data.number, 'INV-000001');
  });

  const lifecycles: Record<string, { statuses: string[]; next: Record<string, string[]>; body: (api: Api) => Promise<Record<string, unknown>> }> = {
    invoices: {
      statuses: ['draft', 'sent', 'paid', 'void'],
      next: { draft: ['sent', 'void'], sent: ['paid', 'void'], paid: [], void: [] },
      body: async (api) => ({ customerId: await customer(api) }),
    },
    quotes: {
      statuses: ['draft', 'sent', 'accepted', 'declined', 'expired'],
      next: { draft: ['sent'], sent: ['accepted', 'declined', 'expired'], accepted: [], declined: [], expired: [] },
      body: async (api) => ({ customerId: await customer(api) }),
    },
    purchaseOrders: {
      statuses: ['draft', 'ordered', 'received', 'cancelled'],
      next: { draft: ['ordered', 'cancelled'], ordered: ['received', 'cancelled'], received: [], cancelled: [] },
      body: async (api) => ({ vendorId: await vendor(api) }),
    },
    marketplaceOrders: {
      statuses: ['pending', 'paid', 'shipped', 'completed', 'cancelled'],
      next: { pending: ['paid', 'cancelled'], paid: ['shipped', 'cancelled'], shipped: ['completed'], completed: [], cancelled: [] },
      body: async () => ({}),
    },
  };

  for (const [collection, lc] of Object.entries(lifecycles)) {
    it(`allows exactly the documented ${collection} status transitions (200) and refuses the rest (409 naming the allowed)`, async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const fields = await lc.body(api);
      // The shortest path from the initial status to each status.
      const pathTo: Record<string, string[]> = { [lc.statuses[0]]: [] };
      const queue = [lc.statuses[0]];
      while (queue.length) {
        const s = queue.shift()!;
        for (const n of lc.next[s]) if (!pathTo[n]) (pathTo[n] = [...pathTo[s], n]), queue.push(n);
      }
      for (const from of lc.statuses) {
        for (const to of lc.statuses) {
          if (from === to) continue;
          const created = await api('POST', `${base}/${collection}`, { ...fields, lines: [{ description: 'x', quantity: 1, unitAmount: 100 }] });
          assert.equal(created.status, 201, created.text);
          const id = created.body.data.id;
          for (const step of pathTo[from]) assert.equal((await api('PUT', `${base}/${collection}/${id}`, { status: step })).status, 200);
          const res = await api('PUT', `${base}/${collection}/${id}`, { status: to });
          if (lc.next[from].includes(to)) {
            assert.equal(res.status, 200, `${from} → ${to}: ${res.text}`);
            assert.equal(res.body.data.status, to);
          } else {
            assert.equal(res.status, 409, `${from} → ${to}: ${res.text}`);
            assert.equal(res.body.error.code, 'invalid_transition');
            const allowed = lc.next[from];
            if (allowed.length) for (const a of allowed) assert.match(res.body.error.message, new RegExp(`allowed next: .*\\b${a}\\b`));
            else assert.match(res.body.error.message, /final/);
          }
        }
      }
    });
  }

  it("refuses changes to a paid or void invoice's lines, derives overdue, and stamps status times", async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const lines = [{ description: 'x', quantity: 1, unitAmount: 1000 }];
    const inv = (await api('POST', `${base}/invoices`, { customerId, dueDate: '2020-01-01', lines })).body.data;
    assert.equal(inv.overdue, false, 'a draft is never overdue');
    const sent = await api('PUT', `${base}/invoices/${inv.id}`, { status: 'sent' });
    assert.equal(sent.body.data.overdue, true);
    assert.equal(sent.body.data.displayStatus, 'overdue');
    assert.equal(sent.body.data.status, 'sent');
    assert.ok(sent.body.data.sentAt);
    assert.equal(sent.body.data.issueDate, new Date().toISOString().slice(0, 10));
    const paid = await api('PUT', `${base}/invoices/${inv.id}`, { status: 'paid' });
    assert.equal(paid.body.data.overdue, false);
    assert.equal(paid.body.data.amountDue, 0);
    assert.equal(paid.body.data.amountPaid, paid.body.data.totalAmount, 'marked paid: the balance is settled');
    assert.ok(paid.body.data.paidAt);
    for (const change of [{ lines: [{ description: 'y', quantity: 2, unitAmount: 1 }] }, { currency: 'EUR' }]) {
      const res = await api('PUT', `${base}/invoices/${inv.id}`, change);
      assert.equal(res.status, 409, res.text);
      assert.match(res.body.error.message, /^lines: a paid invoice/);
    }
    assert.equal((await api('PUT', `${base}/invoices/${inv.id}`, { notes: 'Paid by card' })).status, 200, 'other fields stay editable');
    const v = (await api('POST', `${base}/invoices`, { customerId, lines })).body.data;
    await api('PUT', `${base}/invoices/${v.id}`, { status: 'void' });
    const voided = await api('PUT', `${base}/invoices/${v.id}`, { lines: [] });
    assert.equal(voided.status, 409);
    assert.equal((await api('GET', `${base}/invoices/${v.id}`)).body.data.totalAmount, 1000);
  });

  it('converts a sent quote to an invoice once, keeping its lines (core, for the CRM API)', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const quote = (await api('POST', `${base}/quotes`, { customerId, currency: 'GBP', lines: [{ kind: 'labour', description: 'Service', quantity: 2.5, unitAmount: 7000, taxRate: 20 }] })).body.data;
    const ctx = (db: Ctx['db']): Ctx => ({ ...systemCtx(server, t.tenantId), db });
    const db = server.app.database.db;
    await assert.rejects(
      db.transaction((tx) => convertQuoteToInvoice(ctx(tx), quote.id)),
      /draft quote cannot be converted/,
    );
    await api('PUT', `${base}/quotes/${quote.id}`, { status: 'sent' });
    const invoice = await db.transaction((tx) => convertQuoteToInvoice(ctx(tx), quote.id, { dueDate: '2099-12-31' }));
    assert.equal(invoice.quoteId, quote.id);
    assert.equal(invoice.totalAmount, quote.totalAmount);
    assert.equal(invoice.status, 'draft');
    assert.equal((await api('GET', `${base}/quotes/${quote.id}`)).body.data.status, 'accepted');
    await assert.rejects(
      db.transaction((tx) => convertQuoteToInvoice(ctx(tx), quote.id)),
      /already converted/,
    );
  });

  it("defaults a document's currency to the tenant's settings, and counts a customer's open invoices", async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customerId = await customer(api);
    const plain = await api('POST', `${base}/invoices`, { customerId, lines: [] });
    assert.equal(plain.body.data.currency, 'USD');
    await server.app.database.db
      .update(tenants)
      .set({ settings: { currency: 'eur' } })
      .where(eq(tenants.id, t.tenantId));
    const euro = await api('POST', `${base}/invoices`, { customerId, lines: [] });
    assert.equal(euro.body.data.currency, 'EUR');
    await api('PUT', `${base}/invoices/${euro.body.data.id}`, { status: 'void' });
    const ctx = systemCtx(server, t.tenantId);
    assert.equal(await countOpenInvoices(ctx, customerId), 1);
  });

  it('seeds realistic demo documents, and can seed the same tenant twice', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const ctx = (db: Ctx['db']): Ctx => ({ ...systemCtx(server, t.tenantId), db });
    await server.app.database.db.transaction((tx) => seedDemo(ctx(tx)));
    await server.app.database.db.transaction((tx) => seedDemo(ctx(tx)));
    const invoices = (await api('GET', `${base}/invoices?limit=200&includeTotal=true`)).body;
    assert.equal(invoices.total, 14, '8 documents demo invoices and 6 storefront vehicle sales and rentals');
    assert.ok(invoices.data.some((i: JsonBody) => i.overdue));
    assert.ok(invoices.data.some((i: JsonBody) => i.quoteId));
    assert.equal((await api('GET', `${base}/inventoryItems?includeTotal=true`)).body.total, 10, 'SKUs reused on the second run');
    for (const c of ['quotes', 'purchaseOrders', 'marketplaceOrders', 'marketplaceItems', 'vendors']) assert.ok((await api('GET', `${base}/${c}?includeTotal=true`)).body.total > 0, c);
  });

  it('documents every collection field by field in /openapi.json', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    const doc: JsonBody = await res.json();
    for (const path of ['inventoryItems', 'vendors', 'marketplaceItems', 'quotes', 'invoices', 'purchaseOrders', 'marketplaceOrders']) {
      assert.ok(doc.paths[`${base}/${path}`]?.post, path);
      assert.ok(doc.paths[`${base}/${path}/{id}`]?.put, path);
    }
    const text = JSON.stringify(doc.paths);
    for (const name of ['Invoice', 'InvoiceCreateInput', 'Quote', 'PurchaseOrder', 'MarketplaceOrder', 'InventoryItem', 'Vendor', 'MarketplaceItem']) {
      assert.ok(text.includes(`"#/components/schemas/${name}"`), name);
    }
    // The component bodies appear once server.ts registers jsonSchemaTransformObject.
    const schemas = doc.components?.schemas;
    if (schemas?.InvoiceCreate) assert.ok(schemas.InvoiceCreate.example);
  });
});
