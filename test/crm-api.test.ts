import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { events } from '../src/storage/schema/index.ts';
import { seedDemo } from '../src/core/demo.ts';
import { sumPayments } from '../src/core/payments.ts';
import type { Ctx } from '../src/core/context.ts';
import { systemCtx } from './system-ctx.ts';

const crm = '/crm-api/v1';
type Api = ReturnType<typeof client>;

async function newClient(api: Api, name = 'Amelia Hart') {
  const res = await api('POST', `${crm}/clients`, { name, email: `${name.split(' ')[0].toLowerCase()}@example.com` });
  assert.equal(res.status, 201, res.text);
  return res.body.data.id as string;
}

async function newInvoice(api: Api, clientId: string, body: Record<string, unknown> = {}) {
  const res = await api('POST', `${crm}/invoices`, { client_id: clientId, line_items: [{ description: 'Service', quantity: 1, rate: 100 }], ...body });
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}

async function eventTypes(server: TestServer, tenantId: string) {
  return (
    await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, tenantId)))
  ).map((e) => e.type);
}

// Decimal text of an integer count of 10^-places units, as a JSON number: what the API renders.
const decimal = (units: bigint, places: number) => {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  return Number(`${negative ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`);
};

describe('CRM API', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  describe("the document's curl examples, as written", () => {
    it('List Clients: GET /clients with Authorization: Bearer', async () => {
      const t = await server.tenant();
      const api = client(server.url, { authorization: `Bearer ${t.key}` });
      await newClient(api);
      const res = await api('GET', `${crm}/clients`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.length, 1);
      assert.equal(res.body.data[0].name, 'Amelia Hart');
      assert.deepEqual(res.body.pagination, { page: 1, limit: 25, total: 1, total_pages: 1 });
      assert.equal(res.headers.get('x-ratelimit-limit'), '10000');
      assert.ok(res.headers.get('x-ratelimit-remaining'));
      assert.ok(res.headers.get('x-ratelimit-reset'));
    });

    it('List Products: GET /products?type=service', async () => {
      const t = await server.tenant();
      const api = client(server.url, { authorization: `Bearer ${t.key}` });
      assert.equal((await api('POST', `${crm}/products`, { name: 'Full service', type: 'service', price: 249.99 })).status, 201);
      assert.equal((await api('POST', `${crm}/products`, { name: 'Floor mats', type: 'product', price: 39.5 })).status, 201);
      const res = await api('GET', `${crm}/products?type=service`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(
        res.body.data.map((p: JsonBody) => [p.name, p.type, p.price]),
        [['Full service', 'service', 249.99]],
      );
      assert.equal(res.body.pagination.total, 1);
    });

    it('Create Invoice: the example body, with a real client id', async () => {
      const t = await server.tenant();
      const api = client(server.url, { authorization: `Bearer ${t.key}` });
      const clientId = await newClient(api);
      const body = `{
    "client_id": "${clientId}",
    "due_date": "2024-12-31",
    "line_items": [
      {
        "description": "Service",
        "quantity": 1,
        "rate": 100.00
      }
    ]
  }`;
      const res = await api('POST', `${crm}/invoices`, body, { 'content-type': 'application/json' });
      assert.equal(res.status, 201, res.text);
      const inv = res.body.data;
      assert.match(inv.id, /^[0-9a-f-]{36}$/);
      assert.equal(inv.number, 'INV-000001');
      assert.equal(inv.client_id, clientId);
      assert.equal(inv.status, 'draft');
      assert.equal(inv.due_date, '2024-12-31');
      assert.equal(inv.currency, 'USD');
      assert.deepEqual(
        inv.line_items.map((l: JsonBody) => ({ description: l.description, quantity: l.quantity, rate: l.rate, amount: l.amount })),
        [{ description: 'Service', quantity: 1, rate: 100, amount: 100 }],
      );
      assert.deepEqual([inv.subtotal, inv.tax, inv.total, inv.amount_paid, inv.amount_due], [100, 0, 100, 0, 100]);
      assert.match(res.text, /"total":100[,}]/, 'money is a JSON number');
    });
  });

  describe('clients', () => {
    it('creates, reads, updates, lists and deletes a client, and it is the same record as a Records API customer', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const created = await api('POST', `${crm}/clients`, { name: 'Jonas Weber', email: 'Jonas@Example.com', address: { city: 'Stuttgart', postal_code: '70173', country: 'de' } });
      assert.equal(created.status, 201, created.text);
      const id = created.body.data.id;
      assert.equal(created.body.data.email, 'jonas@example.com');
      assert.equal(created.body.data.address.postal_code, '70173');
      const record = await api('GET', `/api/public/v1/customers/${id}`);
      assert.equal(record.status, 200);
      assert.equal(record.body.data.firstName, 'Jonas');
      assert.equal(record.body.data.address.postalCode, '70173');
      const put = await api('PUT', `${crm}/clients/${id}`, { phone: '+49 711 000000' });
      assert.equal(put.body.data.phone, '+49 711 000000');
      assert.equal(put.body.data.name, 'Jonas Weber');
      assert.equal((await api('GET', `/api/public/v1/customers/${id}`)).body.data.phone, '+49 711 000000');
      const since = put.body.data.updated_at;
      await newClient(api, 'Grace Otieno');
      const list = await api('GET', `${crm}/clients?updated_since=${encodeURIComponent(since)}`);
      assert.deepEqual(
        list.body.data.map((c: JsonBody) => c.name),
        ['Grace Otieno'],
      );
      const del = await api('DELETE', `${crm}/clients/${id}`);
      assert.equal(del.status, 200, del.text);
      assert.equal(del.body.data.deleted, true);
      assert.equal((await api('GET', `${crm}/clients/${id}`)).status, 404);
      assert.equal((await api('GET', `/api/public/v1/customers/${id}`)).status, 404);
      assert.equal((await api('GET', `/external/customers/${id}`)).status, 404);
      assert.equal((await api('GET', `${crm}/clients`)).body.pagination.total, 1);
      assert.ok((await eventTypes(server, t.tenantId)).includes('crm.customers.deleted'));
    });

    it('refuses to delete a client with open invoices (409 saying why), and allows it once they are settled', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const a = await newInvoice(api, id);
      const b = await newInvoice(api, id);
      const refused = await api('DELETE', `${crm}/clients/${id}`);
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.error.code, 'conflict');
      assert.match(refused.body.error.message, /2 open invoices/);
      assert.match(refused.body.error.message, /paid or void/);
      assert.equal((await api('GET', `${crm}/clients/${id}`)).status, 200, 'still there');
      assert.equal((await api('PATCH', `${crm}/invoices/${a.id}/status`, { status: 'void' })).status, 200);
      assert.equal((await api('PATCH', `${crm}/invoices/${b.id}/status`, { status: 'sent' })).status, 200);
      assert.equal((await api('POST', `${crm}/payments`, { invoice_id: b.id, amount: 100, method: 'cash' })).status, 201);
      assert.equal((await api('DELETE', `${crm}/clients/${id}`)).status, 200);
    });

    it('refuses a deleted client as a reference on invoices and quotes, naming client_id', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      assert.equal((await api('DELETE', `${crm}/clients/${id}`)).status, 200);
      for (const path of ['/invoices', '/quotes']) {
        const res = await api('POST', `${crm}${path}`, { client_id: id, line_items: [{ description: 'x', quantity: 1, rate: 1 }] });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.code, 'validation_failed');
        assert.match(res.body.error.message, /^client_id: /);
        assert.deepEqual(
          res.body.error.details.map((d: JsonBody) => d.field),
          ['client_id'],
        );
      }
    });
  });

  describe('invoices', () => {
    it('computes 3 × 19.99 + 0.1 × 0.2 as exactly 59.99, with tax per line rounded half up', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const inv = await newInvoice(api, id, {
        line_items: [
          { description: 'Oil filter', quantity: 3, rate: 19.99 },
          { description: 'Disposal', quantity: 0.1, rate: 0.2 },
        ],
      });
      assert.deepEqual([inv.subtotal, inv.tax, inv.total], [59.99, 0, 59.99]);
      const taxed = await newInvoice(api, id, { line_items: [{ description: 'Labour', quantity: '1.5', rate: '85.55', tax_rate: '7.125' }] });
      // 1.5 × 85.55 = 128.325 → 128.33; 128.33 × 7.125% = 9.1435125 → 9.14
      assert.deepEqual([taxed.line_items[0].amount, taxed.line_items[0].tax_amount, taxed.subtotal, taxed.tax, taxed.total], [128.33, 9.14, 128.33, 9.14, 137.47]);
    });

    it('computes totals exactly for random lines (property, against an independent reference)', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const line = fc.record({
        quantityMilli: fc.integer({ min: 1, max: 1_000_000 }),
        rateCents: fc.integer({ min: 0, max: 10_000_000 }),
        taxMilli: fc.integer({ min: 0, max: 100_000 }),
        asString: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 8 }), async (lines) => {
          const body = lines.map((l, i) => {
            const quantity = decimal(BigInt(l.quantityMilli), 3);
            const rate = decimal(BigInt(l.rateCents), 2);
            const taxRate = decimal(BigInt(l.taxMilli), 3);
            return { description: `Line ${i}`, quantity: l.asString ? String(quantity) : quantity, rate: l.asString ? String(rate) : rate, tax_rate: taxRate };
          });
          const res = await api('POST', `${crm}/invoices`, { client_id: id, line_items: body });
          assert.equal(res.status, 201, res.text);
          let subtotal = 0n;
          let tax = 0n;
          res.body.data.line_items.forEach((got: JsonBody, i: number) => {
            const l = lines[i];
            // Reference: exact rationals, half up: amount = q/1000 × r/100 in cents; tax = amount × t/100000.
            const amount = (BigInt(l.quantityMilli) * BigInt(l.rateCents) * 2n + 1000n) / 2000n;
            const lineTax = (amount * BigInt(l.taxMilli) * 2n + 100_000n) / 200_000n;
            subtotal += amount;
            tax += lineTax;
            assert.equal(got.amount, decimal(amount, 2));
            assert.equal(got.tax_amount, decimal(lineTax, 2));
            assert.equal(got.total, decimal(amount + lineTax, 2));
          });
          const inv = res.body.data;
          assert.deepEqual([inv.subtotal, inv.tax, inv.total], [decimal(subtotal, 2), decimal(tax, 2), decimal(subtotal + tax, 2)]);
        }),
        { numRuns: 40 },
      );
    });

    it('renders money with the currency’s decimals (JPY has none, KWD three) and refuses finer amounts', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const yen = await newInvoice(api, id, { currency: 'jpy', line_items: [{ description: 'Wash', quantity: 3, rate: 1500 }] });
      assert.equal(yen.currency, 'JPY');
      assert.equal(yen.total, 4500);
      const dinar = await newInvoice(api, id, { currency: 'KWD', line_items: [{ description: 'Wash', quantity: 1, rate: 1.125 }] });
      assert.equal(dinar.total, 1.125);
      const tooFine = await api('POST', `${crm}/invoices`, { client_id: id, line_items: [{ description: 'x', quantity: 1, rate: 0.125 }] });
      assert.equal(tooFine.status, 400, tooFine.text);
      assert.match(tooFine.body.error.message, /^line_items\[0\]\.rate: at most 2 decimal places/);
      const noRate = await api('POST', `${crm}/invoices`, { client_id: id, line_items: [{ description: 'x', quantity: 1 }] });
      assert.equal(noRate.status, 400);
      assert.equal(noRate.body.error.details[0].field, 'line_items[0].rate');
      const zeroQty = await api('POST', `${crm}/invoices`, { client_id: id, line_items: [{ description: 'x', quantity: 0, rate: 1 }] });
      assert.equal(zeroQty.body.error.details[0].field, 'line_items[0].quantity');
    });

    it('reads, updates and lists invoices with client_id, status and updated_since filters; same record as the Records API', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const amelia = await newClient(api);
      const jonas = await newClient(api, 'Jonas Weber');
      const a1 = await newInvoice(api, amelia);
      const a2 = await newInvoice(api, amelia, { due_date: '2020-01-31' });
      const j1 = await newInvoice(api, jonas);
      assert.deepEqual((await api('GET', `${crm}/invoices/${a1.id}`)).body.data, a1);

      const put = await api('PUT', `${crm}/invoices/${a1.id}`, { due_date: '2030-06-30', notes: 'Thanks', line_items: [{ description: 'Service', quantity: 2, rate: 100, tax_rate: 20 }] });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual([put.body.data.subtotal, put.body.data.tax, put.body.data.total, put.body.data.due_date], [200, 40, 240, '2030-06-30']);
      const types = await eventTypes(server, t.tenantId);
      assert.equal(types.filter((x) => x === 'crm.invoices.created').length, 3);
      assert.ok(types.includes('crm.invoices.updated'));
      const record = await api('GET', `/api/public/v1/invoices/${a1.id}`);
      assert.equal(record.status, 200);
      assert.equal(record.body.data.totalAmount, 24000);
      assert.equal(record.body.data.customerId, amelia);
      assert.equal(record.body.data.number, a1.number);
      await api('PUT', `/api/public/v1/invoices/${a1.id}`, { notes: 'Changed in the Records API' });
      assert.equal((await api('GET', `${crm}/invoices/${a1.id}`)).body.data.notes, 'Changed in the Records API');

      assert.equal((await api('PATCH', `${crm}/invoices/${a2.id}/status`, { status: 'sent' })).body.data.status, 'overdue');
      const byClient = await api('GET', `${crm}/invoices?client_id=${amelia}`);
      assert.deepEqual(
        byClient.body.data.map((i: JsonBody) => i.id),
        [a2.id, a1.id],
        'newest number first',
      );
      assert.equal(byClient.body.pagination.total, 2);
      const overdue = await api('GET', `${crm}/invoices?status=overdue`);
      assert.deepEqual(
        overdue.body.data.map((i: JsonBody) => [i.id, i.status, i.overdue]),
        [[a2.id, 'overdue', true]],
      );
      assert.deepEqual(
        (await api('GET', `${crm}/invoices?status=draft`)).body.data.map((i: JsonBody) => i.id),
        [j1.id, a1.id],
      );
      assert.equal((await api('GET', `${crm}/invoices?status=sent`)).body.pagination.total, 0, 'the overdue invoice is not listed as sent');
      await api('PATCH', `${crm}/invoices/${j1.id}/status`, { status: 'sent' });
      assert.deepEqual(
        (await api('GET', `${crm}/invoices?status=sent`)).body.data.map((i: JsonBody) => [i.id, i.status]),
        [[j1.id, 'sent']],
      );
      const since = (await api('GET', `${crm}/invoices/${j1.id}`)).body.data.updated_at;
      await api('PUT', `${crm}/invoices/${a1.id}`, { notes: 'later' });
      assert.deepEqual(
        (await api('GET', `${crm}/invoices?updated_since=${encodeURIComponent(since)}`)).body.data.map((i: JsonBody) => i.id),
        [a1.id],
      );
      const paged = await api('GET', `${crm}/invoices?page=2&limit=2`);
      assert.deepEqual(paged.body.pagination, { page: 2, limit: 2, total: 3, total_pages: 2 });
      assert.deepEqual(
        paged.body.data.map((i: JsonBody) => i.id),
        [a1.id],
      );
      const bad = await api('GET', `${crm}/invoices?status=lost`);
      assert.equal(bad.status, 400);
    });

    it('takes a line’s description, price and tax rate from its product', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const product = (await api('POST', `${crm}/products`, { name: 'Full service', type: 'service', price: 249.99, tax_rate: 20 })).body.data;
      const inv = await newInvoice(api, id, { line_items: [{ product_id: product.id, quantity: 2 }] });
      assert.deepEqual(
        { ...inv.line_items[0], id: undefined },
        { id: undefined, type: 'service', description: 'Full service', quantity: 2, rate: 249.99, tax_rate: 20, product_id: product.id, amount: 499.98, tax_amount: 100, total: 599.98 },
      );
    });

    describe('status transitions', () => {
      const table: [from: string, to: string, status: number][] = [
        ['draft', 'draft', 200],
        ['draft', 'sent', 200],
        ['draft', 'void', 200],
        ['draft', 'paid', 409],
        ['sent', 'paid', 200],
        ['sent', 'void', 200],
        ['sent', 'draft', 409],
        ['paid', 'void', 409],
        ['paid', 'sent', 409],
        ['paid', 'draft', 409],
        ['void', 'sent', 409],
        ['void', 'paid', 409],
        ['void', 'draft', 409],
        ['draft', 'overdue', 400],
      ];
      const path: Record<string, string[]> = { draft: [], sent: ['sent'], paid: ['sent', 'paid'], void: ['void'] };
      for (const [from, to, expected] of table) {
        it(`${from} → ${to} is ${expected}`, async () => {
          const t = await server.tenant();
          const api = client(server.url, { 'x-api-key': t.key });
          const inv = await newInvoice(api, await newClient(api));
          for (const step of path[from]) assert.equal((await api('PATCH', `${crm}/invoices/${inv.id}/status`, { status: step })).status, 200);
          const res = await api('PATCH', `${crm}/invoices/${inv.id}/status`, { status: to });
          assert.equal(res.status, expected, res.text);
          if (expected === 200) assert.equal(res.body.data.status, to);
          if (expected === 409) {
            assert.equal(res.body.error.code, 'invalid_transition');
            const allowed = { draft: 'allowed next: sent, void', sent: 'allowed next: paid, void', paid: 'paid is final', void: 'void is final' }[from]!;
            assert.ok(res.body.error.message.includes(allowed), res.body.error.message);
            assert.equal((await api('GET', `${crm}/invoices/${inv.id}`)).body.data.status, from);
          }
        });
      }

      it('refuses to change a paid invoice’s lines (409) but lets its notes change', async () => {
        const t = await server.tenant();
        const api = client(server.url, { 'x-api-key': t.key });
        const inv = await newInvoice(api, await newClient(api));
        await api('PATCH', `${crm}/invoices/${inv.id}/status`, { status: 'sent' });
        await api('PATCH', `${crm}/invoices/${inv.id}/status`, { status: 'paid' });
        const res = await api('PUT', `${crm}/invoices/${inv.id}`, { line_items: [{ description: 'More', quantity: 1, rate: 5 }] });
        assert.equal(res.status, 409, res.text);
        assert.match(res.body.error.message, /^line_items: /);
        assert.equal((await api('PUT', `${crm}/invoices/${inv.id}`, { notes: 'Paid by card' })).status, 200);
        assert.equal((await api('GET', `${crm}/invoices/${inv.id}`)).body.data.total, 100);
      });

      it('creates and sends at once with status sent, and refuses other initial statuses', async () => {
        const t = await server.tenant();
        const api = client(server.url, { 'x-api-key': t.key });
        const id = await newClient(api);
        const inv = await newInvoice(api, id, { status: 'sent' });
        assert.equal(inv.status, 'sent');
        assert.ok(inv.sent_at);
        assert.ok(inv.issue_date);
        assert.equal((await api('POST', `${crm}/invoices`, { client_id: id, status: 'paid' })).status, 400);
      });
    });

    it('numbers 20 concurrent creations without gaps or duplicates', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => api('POST', `${crm}/invoices`, { client_id: id, line_items: [{ description: `Job ${i}`, quantity: 1, rate: i }] })));
      for (const r of results) assert.equal(r.status, 201, r.text);
      const numbers = results.map((r) => r.body.data.number).sort();
      assert.deepEqual(
        numbers,
        Array.from({ length: 20 }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`),
      );
    });

    it('replays a POST with the same Idempotency-Key instead of creating a second invoice', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const body = { client_id: id, line_items: [{ description: 'Service', quantity: 1, rate: 100 }] };
      const first = await api('POST', `${crm}/invoices`, body, { 'idempotency-key': 'inv-1' });
      const again = await api('POST', `${crm}/invoices`, body, { 'idempotency-key': 'inv-1' });
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal((await api('GET', `${crm}/invoices`)).body.pagination.total, 1);
    });
  });

  describe('products', () => {
    it('creates, reads, updates and lists products and services: the Records API’s inventory items', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const created = await api('POST', `${crm}/products`, { name: 'Brake pads', price: '89.90', currency: 'gbp', sku: 'BP-1', tax_rate: 20 });
      assert.equal(created.status, 201, created.text);
      const p = created.body.data;
      assert.deepEqual([p.type, p.kind, p.price, p.currency, p.tax_rate, p.unit, p.active], ['product', 'product', 89.9, 'GBP', 20, 'each', true]);
      const item = await api('GET', `/api/public/v1/inventoryItems/${p.id}`);
      assert.equal(item.body.data.unitAmount, 8990);
      assert.equal(item.body.data.kind, 'product');
      const put = await api('PUT', `${crm}/products/${p.id}`, { price: 92.5, description: 'Front set' });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual([put.body.data.price, put.body.data.description, put.body.data.name], [92.5, 'Front set', 'Brake pads']);
      assert.deepEqual((await api('GET', `${crm}/products/${p.id}`)).body.data, put.body.data);
      const currencyOnly = await api('PUT', `${crm}/products/${p.id}`, { currency: 'EUR' });
      assert.equal(currencyOnly.status, 400);
      assert.match(currencyOnly.body.error.message, /^price: /);
      const dup = await api('POST', `${crm}/products`, { name: 'Other', price: 1, sku: 'BP-1' });
      assert.equal(dup.status, 409);
      assert.match(dup.body.error.message, /^sku: /);
      const noPrice = await api('POST', `${crm}/products`, { name: 'Nothing' });
      assert.equal(noPrice.status, 400);
      assert.match(noPrice.body.error.message, /^price: /);
      // A part written through the Records API is a product here.
      const part = await api('POST', '/api/public/v1/inventoryItems', { kind: 'part', name: 'Oil filter', unitAmount: 1299, currency: 'GBP' });
      const service = await api('POST', `${crm}/products`, { name: 'Diagnostics', type: 'service', price: 60, currency: 'GBP' });
      const products = await api('GET', `${crm}/products?type=product`);
      assert.deepEqual(
        products.body.data.map((x: JsonBody) => [x.name, x.type, x.kind]),
        [
          ['Brake pads', 'product', 'product'],
          ['Oil filter', 'product', 'part'],
        ],
      );
      assert.deepEqual(
        (await api('GET', `${crm}/products?type=service`)).body.data.map((x: JsonBody) => x.id),
        [service.body.data.id],
      );
      assert.deepEqual(
        (await api('GET', `${crm}/products?kind=part`)).body.data.map((x: JsonBody) => x.id),
        [part.body.data.id],
      );
      assert.equal((await api('GET', `${crm}/products`)).body.pagination.total, 3);
      const stillPart = await api('PUT', `${crm}/products/${part.body.data.id}`, { type: 'product', price: 13.99 });
      assert.equal(stillPart.body.data.kind, 'part');
      assert.equal((await api('GET', `${crm}/products?type=brand`)).status, 400);
    });
  });

  describe('quotes', () => {
    it('creates, reads, updates, lists, converts and deletes quotes', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const created = await api('POST', `${crm}/quotes`, {
        client_id: id,
        valid_until: '2030-01-31',
        line_items: [
          { description: 'Brake pads', quantity: 1, rate: 89.99, tax_rate: 20 },
          { description: 'Labour', type: 'labour', quantity: 1.5, rate: 80 },
        ],
      });
      assert.equal(created.status, 201, created.text);
      const q = created.body.data;
      assert.deepEqual([q.number, q.status, q.subtotal, q.tax, q.total], ['QUO-000001', 'draft', 209.99, 18, 227.99]);
      assert.equal((await api('GET', `/api/public/v1/quotes/${q.id}`)).body.data.totalAmount, 22799);
      assert.deepEqual((await api('GET', `${crm}/quotes/${q.id}`)).body.data, q);
      const early = await api('POST', `${crm}/quotes/${q.id}/convert`);
      assert.equal(early.status, 409, early.text);
      const sent = await api('PUT', `${crm}/quotes/${q.id}`, { status: 'sent' });
      assert.equal(sent.body.data.status, 'sent');
      assert.deepEqual(
        (await api('GET', `${crm}/quotes?status=sent&client_id=${id}`)).body.data.map((x: JsonBody) => x.id),
        [q.id],
      );
      const converted = await api('POST', `${crm}/quotes/${q.id}/convert`, { due_date: '2030-02-28' });
      assert.equal(converted.status, 201, converted.text);
      const inv = converted.body.data;
      assert.deepEqual([inv.number, inv.quote_id, inv.client_id, inv.status, inv.total, inv.due_date], ['INV-000001', q.id, id, 'draft', 227.99, '2030-02-28']);
      assert.deepEqual(
        inv.line_items.map((l: JsonBody) => l.description),
        ['Brake pads', 'Labour'],
      );
      assert.equal((await api('GET', `${crm}/quotes/${q.id}`)).body.data.status, 'accepted');
      const twice = await api('POST', `${crm}/quotes/${q.id}/convert`);
      assert.equal(twice.status, 409);
      assert.match(twice.body.error.message, /already converted/);
      const locked = await api('PUT', `${crm}/quotes/${q.id}`, { line_items: [] });
      assert.equal(locked.status, 409);
      const other = await api('POST', `${crm}/quotes`, { client_id: id });
      assert.equal((await api('DELETE', `${crm}/quotes/${other.body.data.id}`)).status, 200);
      assert.equal((await api('GET', `${crm}/quotes/${other.body.data.id}`)).status, 404);
      assert.equal((await api('GET', `${crm}/quotes`)).body.pagination.total, 1);
    });

    it('needs invoices:write beside quotes:write to convert', async () => {
      const t = await server.tenant({ scopes: ['clients:write', 'quotes:read', 'quotes:write'] });
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const q = (await api('POST', `${crm}/quotes`, { client_id: id, status: 'draft' })).body.data;
      await api('PUT', `${crm}/quotes/${q.id}`, { status: 'sent' });
      const res = await api('POST', `${crm}/quotes/${q.id}/convert`);
      assert.equal(res.status, 403, res.text);
      assert.equal(res.body.error.code, 'insufficient_scope');
      assert.match(res.body.error.message, /invoices:write/);
    });
  });

  describe('payments', () => {
    it('records payments against a sent invoice and marks it paid once covered, with events', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const inv = await newInvoice(api, id, { line_items: [{ description: 'Service', quantity: 1, rate: 100, tax_rate: 20 }], status: 'sent' });
      const first = await api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 70.5, method: 'Card', reference: 'TRX-1', paid_at: '2030-01-02T10:00:00Z' });
      assert.equal(first.status, 201, first.text);
      const p = first.body.data;
      assert.deepEqual([p.invoice_id, p.client_id, p.amount, p.currency, p.method, p.reference, p.paid_at], [inv.id, id, 70.5, 'USD', 'card', 'TRX-1', '2030-01-02T10:00:00.000Z']);
      const partly = (await api('GET', `${crm}/invoices/${inv.id}`)).body.data;
      assert.deepEqual([partly.status, partly.amount_paid, partly.amount_due], ['sent', 70.5, 49.5]);
      assert.equal((await api('GET', `/api/public/v1/invoices/${inv.id}`)).body.data.amountPaid, 7050);
      const second = await api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: '49.50', method: 'bank_transfer' });
      assert.equal(second.status, 201, second.text);
      const paid = (await api('GET', `${crm}/invoices/${inv.id}`)).body.data;
      assert.deepEqual([paid.status, paid.amount_paid, paid.amount_due], ['paid', 120, 0]);
      assert.ok(paid.paid_at);
      assert.deepEqual((await api('GET', `${crm}/payments/${p.id}`)).body.data, p);
      const list = await api('GET', `${crm}/payments?invoice_id=${inv.id}`);
      assert.deepEqual(
        list.body.data.map((x: JsonBody) => x.id),
        [second.body.data.id, p.id],
      );
      assert.equal((await api('GET', `${crm}/payments?client_id=${id}`)).body.pagination.total, 2);
      assert.equal((await api('GET', `${crm}/payments?client_id=nobody`)).body.pagination.total, 0);
      const types = await eventTypes(server, t.tenantId);
      assert.equal(types.filter((x) => x === 'crm.payments.created').length, 2);
      assert.ok(types.filter((x) => x === 'crm.invoices.updated').length >= 3);
      const closed = await api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 1, method: 'cash' });
      assert.equal(closed.status, 409);
      assert.match(closed.body.error.message, /already paid/);
    });

    it('refuses overpayment naming amount, and payments on draft, void, unknown or foreign invoices', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const id = await newClient(api);
      const inv = await newInvoice(api, id, { status: 'sent' });
      const over = await api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 100.01, method: 'cash' });
      assert.equal(over.status, 409, over.text);
      assert.match(over.body.error.message, /^amount: 100\.01 USD exceeds the 100\.00 USD due/);
      assert.deepEqual(
        over.body.error.details.map((d: JsonBody) => d.field),
        ['amount'],
      );
      assert.equal((await api('GET', `${crm}/payments`)).body.pagination.total, 0);
      const zero = await api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 0, method: 'cash' });
      assert.equal(zero.status, 400);
      assert.match(zero.body.error.message, /^amount: /);
      const fine = await api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 0.001, method: 'cash' });
      assert.equal(fine.status, 400);
      const draft = await newInvoice(api, id);
      const onDraft = await api('POST', `${crm}/payments`, { invoice_id: draft.id, amount: 1, method: 'cash' });
      assert.equal(onDraft.status, 409);
      assert.match(onDraft.body.error.message, /^invoice_id: .*draft/);
      await api('PATCH', `${crm}/invoices/${draft.id}/status`, { status: 'void' });
      assert.equal((await api('POST', `${crm}/payments`, { invoice_id: draft.id, amount: 1, method: 'cash' })).status, 409);
      const unknown = await api('POST', `${crm}/payments`, { invoice_id: '0193a5b2-8d00-7a3d-9f10-4b2c8d9e0a10', amount: 1, method: 'cash' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error.message, /^invoice_id: /);
      const other = await server.tenant();
      const foreign = await client(server.url, { 'x-api-key': other.key })('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 1, method: 'cash' });
      assert.equal(foreign.status, 400);
      assert.match(foreign.body.error.message, /^invoice_id: /);
    });

    it('keeps a part-paid invoice’s total at or above what was paid, and replays an idempotent payment once', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const inv = await newInvoice(api, await newClient(api), { status: 'sent' });
      const body = { invoice_id: inv.id, amount: 70, method: 'card' };
      const first = await api('POST', `${crm}/payments`, body, { 'idempotency-key': 'pay-1' });
      const again = await api('POST', `${crm}/payments`, body, { 'idempotency-key': 'pay-1' });
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal((await api('GET', `${crm}/invoices/${inv.id}`)).body.data.amount_paid, 70);
      const shrink = await api('PUT', `${crm}/invoices/${inv.id}`, { line_items: [{ description: 'Service', quantity: 1, rate: 50 }] });
      assert.equal(shrink.status, 409, shrink.text);
      assert.match(shrink.body.error.message, /^line_items: the new total 50\.00 USD would be less than the 70\.00 USD already paid/);
      const euro = await api('PUT', `${crm}/invoices/${inv.id}`, { currency: 'EUR' });
      assert.equal(euro.status, 409, euro.text);
      assert.match(euro.body.error.message, /^currency: /);
      const grow = await api('PUT', `${crm}/invoices/${inv.id}`, { line_items: [{ description: 'Service', quantity: 1, rate: 120 }] });
      assert.deepEqual([grow.body.data.total, grow.body.data.amount_paid, grow.body.data.amount_due], [120, 70, 50]);
    });

    it('never ends with a total below the amount paid when lines change while a payment arrives', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const clientId = await newClient(api);
      const invoices = await Promise.all(Array.from({ length: 6 }, () => newInvoice(api, clientId, { status: 'sent' })));
      await Promise.all(
        invoices.flatMap((inv) => [
          api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 70, method: 'card' }),
          api('PUT', `${crm}/invoices/${inv.id}`, { line_items: [{ description: 'Service', quantity: 1, rate: 50 }] }),
        ]),
      );
      for (const inv of invoices) {
        const after = (await api('GET', `${crm}/invoices/${inv.id}`)).body.data;
        assert.ok(after.total >= after.amount_paid, JSON.stringify([after.total, after.amount_paid]));
        assert.ok(after.amount_due >= 0);
      }
    });

    it('never lets concurrent payments overpay an invoice', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const inv = await newInvoice(api, await newClient(api), { status: 'sent' });
      const results = await Promise.all(Array.from({ length: 8 }, () => api('POST', `${crm}/payments`, { invoice_id: inv.id, amount: 30, method: 'card' })));
      assert.equal(results.filter((r) => r.status === 201).length, 3, results.map((r) => r.status).join());
      for (const r of results.filter((r) => r.status !== 201)) assert.equal(r.status, 409, r.text);
      const after = (await api('GET', `${crm}/invoices/${inv.id}`)).body.data;
      assert.deepEqual([after.amount_paid, after.amount_due, after.status], [90, 10, 'sent']);
    });

    it('seeds demo payments that add up to each invoice’s amount_paid', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const ctx = (db: Ctx['db']): Ctx => ({ ...systemCtx(server, t.tenantId), db });
      await server.app.database.db.transaction((tx) => seedDemo(ctx(tx)));
      const payments = (await api('GET', `${crm}/payments`)).body;
      assert.ok(payments.pagination.total > 0);
      for (const p of payments.data) {
        const inv = (await api('GET', `${crm}/invoices/${p.invoice_id}`)).body.data;
        assert.ok(inv.amount_paid > 0 && inv.amount_due > 0, 'part-paid');
        assert.equal(Math.round(inv.amount_paid * 100), await sumPayments(ctx(server.app.database.db), inv.id));
      }
    });
  });

  describe('marketing', () => {
    it('subscribes and unsubscribes an email (the newsletter list)', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const sub = await api('POST', `${crm}/marketing/subscribers`, { email: 'Amelia@Example.com' });
      assert.equal(sub.status, 201, sub.text);
      assert.deepEqual(sub.body.data, { email: 'amelia@example.com', subscribed: true });
      assert.equal((await api('POST', `${crm}/marketing/subscribers`, { email: 'amelia@example.com' })).status, 201);
      const un = await api('DELETE', `${crm}/marketing/subscribers/${encodeURIComponent('amelia@example.com')}`);
      assert.deepEqual(un.body.data, { email: 'amelia@example.com', subscribed: false });
      assert.equal((await api('POST', `${crm}/marketing/subscribers`, { email: 'not-an-email' })).status, 400);
    });
  });

  describe('tenancy', () => {
    it('refuses another dealership’s ids: 404 to read or write, 400 naming the field as a reference', async () => {
      const a = await server.tenant();
      const b = await server.tenant();
      const apiA = client(server.url, { 'x-api-key': a.key });
      const apiB = client(server.url, { 'x-api-key': b.key });
      const clientA = await newClient(apiA);
      const invA = await newInvoice(apiA, clientA);
      const productA = (await apiA('POST', `${crm}/products`, { name: 'Wash', price: 10 })).body.data;
      const quoteA = (await apiA('POST', `${crm}/quotes`, { client_id: clientA })).body.data;
      for (const path of [`/clients/${clientA}`, `/invoices/${invA.id}`, `/products/${productA.id}`, `/quotes/${quoteA.id}`]) {
        assert.equal((await apiB('GET', crm + path)).status, 404, path);
        assert.equal((await apiB('PUT', crm + path, path.startsWith('/products') ? { description: 'x' } : { notes: 'x' })).status, 404, path);
      }
      assert.equal((await apiB('PATCH', `${crm}/invoices/${invA.id}/status`, { status: 'sent' })).status, 404);
      assert.equal((await apiB('POST', `${crm}/quotes/${quoteA.id}/convert`)).status, 404);
      assert.equal((await apiB('GET', `${crm}/invoices?client_id=${clientA}`)).body.pagination.total, 0);
      const clientB = await newClient(apiB);
      const withForeignClient = await apiB('POST', `${crm}/invoices`, { client_id: clientA, line_items: [] });
      assert.equal(withForeignClient.status, 400);
      assert.match(withForeignClient.body.error.message, /^client_id: /);
      const withForeignProduct = await apiB('POST', `${crm}/invoices`, { client_id: clientB, line_items: [{ product_id: productA.id, quantity: 1 }] });
      assert.equal(withForeignProduct.status, 400);
      assert.match(withForeignProduct.body.error.message, /^line_items\[0\]\.product_id: /);
    });

    it('keeps environments apart: a live key neither sees nor references test records', async () => {
      const t = await server.tenant({ env: 'test' });
      const live = await server.key(t.tenantId, { env: 'live' });
      const test = client(server.url, { 'x-api-key': t.key });
      const apiLive = client(server.url, { 'x-api-key': live.key });
      const clientId = await newClient(test);
      const inv = await newInvoice(test, clientId);
      assert.equal((await apiLive('GET', `${crm}/invoices/${inv.id}`)).status, 404);
      assert.equal((await apiLive('GET', `${crm}/invoices`)).body.pagination.total, 0);
      const ref = await apiLive('POST', `${crm}/invoices`, { client_id: clientId, line_items: [] });
      assert.equal(ref.status, 400);
      assert.match(ref.body.error.message, /^client_id: /);
      const liveInvoice = await newInvoice(apiLive, await newClient(apiLive));
      assert.equal(liveInvoice.number, 'INV-000001', 'numbers are per environment');
    });
  });
});
