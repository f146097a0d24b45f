import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { client, staffDealer, sharedServer, type Res, type TestServer } from './helpers.ts';

// GET /manage/v1/customers/:id/overview through the real server: the customer's own records and
// none of anyone else's, balances from real payments, the timeline from the outbox, and the
// tenant and environment walls (another tenant's customer, or the other environment's, is a 404).

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;

const ok = (r: Res, status = 201) => {
  assert.equal(r.status, status, r.text);
  return r.body.data;
};
const listedCar = (vin?: string) => ({
  make: 'Mazda',
  model: 'CX-5',
  year: 2022,
  ...(vin ? { vin } : {}),
  listingType: 'sale',
  listingStatus: 'active',
  saleOptions: { priceAmount: 2450000, currency: 'USD' },
});

async function customerWithHistory(api: Call, email: string) {
  const customer = ok(
    await api('POST', '/api/public/v1/customers', { firstName: 'Rosa', lastName: 'Marquez', email, phone: '+15550100', address: { line1: '1 Main St', city: 'Fremont', country: 'US' } }),
  );
  const car = ok(await api('POST', '/api/public/v1/motors', { make: 'Honda', model: 'Civic', year: 2018, ownerCustomerId: customer.id }));
  const invoice = ok(
    await api('POST', '/api/public/v1/invoices', {
      customerId: customer.id,
      currency: 'USD',
      dueDate: '2020-01-31',
      lines: [{ kind: 'labour', description: 'Service', quantity: 1, unitAmount: 10000, taxRate: 0 }],
    }),
  );
  ok(await api('PUT', `/api/public/v1/invoices/${invoice.id}`, { status: 'sent' }), 200);
  const quote = ok(
    await api('POST', '/api/public/v1/quotes', { customerId: customer.id, currency: 'USD', lines: [{ kind: 'part', description: 'Tyres', quantity: 4, unitAmount: 9000, taxRate: 0 }] }),
  );
  const workOrder = ok(
    await api('POST', '/api/public/v1/workOrders', {
      customerId: customer.id,
      motorId: car.id,
      jobs: [{ title: 'Brakes', authorized: true, lines: [{ kind: 'labour', description: 'Pads', quantity: 1, unitAmount: 9500, taxRate: 0 }] }],
    }),
  );
  const lead = ok(await api('POST', '/api/public/v1/leads', { customerId: customer.id, source: 'phone', interest: 'buy', message: 'Wants an SUV' }));
  return { customer, car, invoice, quote, workOrder, lead };
}

describe('Customer 360 (GET /manage/v1/customers/:id/overview)', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it("returns the customer's vehicles, invoices with balances, quotes, work orders, leads, test drives and timeline — and no one else's", async () => {
    const d = await staffDealer(server);
    const email = `rosa-${crypto.randomBytes(3).toString('hex')}@example.com`;
    const mine = await customerWithHistory(d.api, email);
    const theirs = await customerWithHistory(d.api, `someone-${crypto.randomBytes(3).toString('hex')}@example.com`);
    const paid = await d.api('POST', '/crm-api/v1/payments', { invoice_id: mine.invoice.id, amount: 25, method: 'cash' });
    assert.equal(paid.status, 201, paid.text);
    const showroom = ok(await d.api('POST', '/api/public/v1/motors', listedCar()));
    const drive = await d.api('POST', '/external/test-drives', { vehicleId: showroom.id, name: 'Rosa Marquez', email: email.toUpperCase(), preferredDate: '2030-05-01' });
    assert.equal(drive.status, 201, drive.text);

    const res = await d.manage('GET', `/manage/v1/customers/${mine.customer.id}/overview`);
    const o = ok(res, 200);
    assert.equal(o.customer.id, mine.customer.id);
    assert.equal(o.customer.email, email);
    assert.deepEqual(o.customer.address, { line1: '1 Main St', city: 'Fremont', country: 'US' });
    assert.deepEqual(
      o.vehicles.map((v: { id: string }) => v.id),
      [mine.car.id],
    );
    assert.deepEqual(
      o.invoices.map((i: { id: string }) => i.id),
      [mine.invoice.id],
    );
    assert.equal(o.invoices[0].amountPaid, 2500);
    assert.equal(o.invoices[0].amountDue, 7500);
    assert.equal(o.invoices[0].displayStatus, 'overdue');
    assert.deepEqual(o.openBalance, [{ currency: 'USD', amount: 7500 }]);
    assert.deepEqual(
      o.quotes.map((q: { id: string }) => q.id),
      [mine.quote.id],
    );
    assert.deepEqual(
      o.workOrders.map((w: { id: string }) => w.id),
      [mine.workOrder.id],
    );
    assert.ok(o.leads.some((l: { id: string }) => l.id === mine.lead.id));
    assert.ok(!o.leads.some((l: { id: string }) => l.id === theirs.lead.id));
    assert.deepEqual(
      o.testDrives.map((t: { id: string }) => t.id),
      [drive.body.data.id],
      'matched by email, whatever its case',
    );

    // The timeline: newest first, the customer's own events and those of the records naming them.
    // The test drive's lead is theirs too: the storefront matched it to the customer by email.
    const ids = new Set([mine.customer.id, mine.car.id, mine.invoice.id, mine.quote.id, mine.workOrder.id, paid.body.data.id, ...o.leads.map((l: { id: string }) => l.id)]);
    assert.ok(o.timeline.length >= 7, JSON.stringify(o.timeline));
    for (const t of o.timeline) assert.ok(ids.has(t.recordId), `${t.event} of ${t.recordId} is not this customer's`);
    assert.deepEqual(
      [...o.timeline].sort((a: { id: string }, b: { id: string }) => (a.id < b.id ? 1 : -1)),
      o.timeline,
      'newest first',
    );
    const last = o.timeline.at(-1);
    assert.deepEqual([last.event, last.recordId, last.label], ['crm.customers.created', mine.customer.id, 'Rosa Marquez']);
    assert.ok(o.timeline.some((t: { event: string; status: string; label: string }) => t.event === 'crm.invoices.status_changed' && t.status === 'sent' && t.label === mine.invoice.number));
  });

  it('gives a vehicle its owner, service history, leads, test drives and timeline (GET /manage/v1/motors/:id/overview)', async () => {
    const d = await staffDealer(server);
    const mine = await customerWithHistory(d.api, `owner-${crypto.randomBytes(3).toString('hex')}@example.com`);
    const other = await customerWithHistory(d.api, `other-${crypto.randomBytes(3).toString('hex')}@example.com`);
    const interest = ok(await d.api('POST', '/api/public/v1/leads', { contactName: 'Kim Buyer', contactPhone: '+15550123', motorId: mine.car.id, interest: 'buy' }));
    const o = ok(await d.manage('GET', `/manage/v1/motors/${mine.car.id}/overview`), 200);
    assert.equal(o.vehicle.id, mine.car.id);
    assert.equal(o.owner.id, mine.customer.id);
    assert.deepEqual(
      o.workOrders.map((w: { id: string }) => w.id),
      [mine.workOrder.id],
    );
    assert.deepEqual(
      o.leads.map((l: { id: string }) => l.id),
      [interest.id],
    );
    assert.deepEqual(o.testDrives, []);
    const ids = new Set([mine.car.id, mine.workOrder.id, interest.id]);
    for (const t of o.timeline) assert.ok(ids.has(t.recordId), `${t.event} of ${t.recordId} is not this vehicle's`);
    assert.ok(o.timeline.some((t: { event: string; recordId: string }) => t.event === 'crm.workOrders.created' && t.recordId === mine.workOrder.id));

    const showroom = ok(await d.api('POST', '/api/public/v1/motors', listedCar()));
    const drive = await d.api('POST', '/external/test-drives', { vehicleId: showroom.id, name: 'Kim Buyer', email: 'kim@example.com' });
    assert.equal(drive.status, 201, drive.text);
    const listed = ok(await d.manage('GET', `/manage/v1/motors/${showroom.id}/overview`), 200);
    assert.equal(listed.owner, null);
    assert.equal(listed.vehicle.listingStatus, 'active');
    assert.deepEqual(
      listed.testDrives.map((t: { id: string }) => t.id),
      [drive.body.data.id],
    );
    assert.equal(listed.leads.length, 1, 'the test drive opened a lead on it');

    const b = await staffDealer(server);
    assert.equal((await b.manage('GET', `/manage/v1/motors/${other.car.id}/overview`)).status, 404, "another tenant's vehicle");
    assert.equal((await d.manageLive('GET', `/manage/v1/motors/${other.car.id}/overview`)).status, 404, "the other environment's vehicle");
  });

  it("answers 404 for another tenant's customer, an unknown id, and the other environment's customer", async () => {
    const a = await staffDealer(server);
    const b = await staffDealer(server);
    const theirs = ok(await b.api('POST', '/api/public/v1/customers', { firstName: 'Not', lastName: 'Yours' }));
    const other = await a.manage('GET', `/manage/v1/customers/${theirs.id}/overview`);
    assert.equal(other.status, 404, other.text);
    assert.equal((await a.manage('GET', `/manage/v1/customers/${crypto.randomUUID()}/overview`)).status, 404);
    const testOnly = ok(await a.api('POST', '/api/public/v1/customers', { firstName: 'Test', lastName: 'Only' }));
    assert.equal((await a.manageLive('GET', `/manage/v1/customers/${testOnly.id}/overview`)).status, 404);
    assert.equal((await client(server.url)('GET', `/manage/v1/customers/${testOnly.id}/overview`)).status, 401);
  });

  it("leaves out the other environment's records: a live test drive with the same email is not the test customer's", async () => {
    const d = await staffDealer(server);
    const email = `both-${crypto.randomBytes(3).toString('hex')}@example.com`;
    const customer = ok(await d.api('POST', '/api/public/v1/customers', { firstName: 'Sam', lastName: 'Both', email }));
    const liveCar = ok(await d.liveApi('POST', '/api/public/v1/motors', listedCar()));
    const liveDrive = await d.liveApi('POST', '/external/test-drives', { vehicleId: liveCar.id, name: 'Sam Both', email });
    assert.equal(liveDrive.status, 201, liveDrive.text);
    ok(await d.liveApi('POST', '/api/public/v1/customers', { firstName: 'Sam', lastName: 'Both', email }));
    const o = ok(await d.manage('GET', `/manage/v1/customers/${customer.id}/overview`), 200);
    assert.deepEqual(o.testDrives, []);
    assert.deepEqual(o.leads, []);
    assert.deepEqual(
      o.timeline.map((t: { event: string }) => t.event),
      ['crm.customers.created'],
    );
  });
});
