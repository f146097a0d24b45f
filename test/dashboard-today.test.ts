import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { staffDealer, sharedServer, type Res, type TestServer } from './helpers.ts';
import { dayIn } from '../src/core/today.ts';
import { tenants } from '../src/storage/schema/index.ts';

// GET /manage/v1/today through the real server: each count and list from records written in the
// test, another tenant's and the other environment's left out, and the day taken in the
// tenant's time zone.

type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;
const ok = (r: Res, status = 201) => {
  assert.equal(r.status, status, r.text);
  return r.body.data;
};
const line = (unitAmount: number) => [{ kind: 'labour', description: 'Work', quantity: 1, unitAmount, taxRate: 0 }];

/** One of everything the Today page counts, in the key's tenant and environment. */
async function busyDay(api: Call, date: string) {
  const customer = ok(await api('POST', '/api/public/v1/customers', { firstName: 'Ada', lastName: 'Quist', email: `ada-${crypto.randomBytes(3).toString('hex')}@example.com` }));
  const fresh = ok(await api('POST', '/api/public/v1/leads', { contactName: 'Walk In', contactPhone: '+15550111', source: 'walk-in' }));
  const answered = ok(await api('POST', '/api/public/v1/leads', { customerId: customer.id, source: 'phone' }));
  ok(await api('PUT', `/api/public/v1/leads/${answered.id}`, { status: 'contacted' }), 200);
  const overdue = ok(await api('POST', '/api/public/v1/invoices', { customerId: customer.id, currency: 'USD', dueDate: '2020-01-01', lines: line(30000) }));
  ok(await api('PUT', `/api/public/v1/invoices/${overdue.id}`, { status: 'sent' }), 200);
  const paid = ok(await api('POST', '/api/public/v1/invoices', { customerId: customer.id, currency: 'USD', lines: line(12000) }));
  ok(await api('PUT', `/api/public/v1/invoices/${paid.id}`, { status: 'sent' }), 200);
  ok(await api('PUT', `/api/public/v1/invoices/${paid.id}`, { status: 'paid' }), 200);
  const car = ok(
    await api('POST', '/api/public/v1/motors', { make: 'Kia', model: 'Niro', year: 2021, listingType: 'sale', listingStatus: 'active', saleOptions: { priceAmount: 1900000, currency: 'USD' } }),
  );
  const wo = ok(await api('POST', '/api/public/v1/workOrders', { customerId: customer.id, motorId: car.id, jobs: [{ title: 'Tyres', authorized: true, lines: line(8000) }] }));
  for (const status of ['approved', 'in_progress']) ok(await api('PUT', `/api/public/v1/workOrders/${wo.id}`, { status }), 200);
  const drive = await api('POST', '/external/test-drives', { vehicleId: car.id, name: 'Ada Quist', email: customer.email, preferredDate: date });
  assert.equal(drive.status, 201, drive.text);
  const later = await api('POST', '/external/test-drives', { vehicleId: car.id, name: 'Ada Quist', email: customer.email, preferredDate: '2031-01-01' });
  assert.equal(later.status, 201, later.text);
  return { customer, fresh, answered, overdue, paid, car, wo, drive: drive.body.data };
}

describe('Today (GET /manage/v1/today)', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it("counts the day's leads with their response times, test drives, overdue invoices, work in progress and sales — this tenant's test data only", async (tc) => {
    const d = await staffDealer(server);
    const date = new Date().toISOString().slice(0, 10);
    const mine = await busyDay(d.api, date);
    await busyDay(d.liveApi, date);
    await busyDay((await staffDealer(server)).api, date);

    const t = ok(await d.manage('GET', '/manage/v1/today'), 200);
    // Records written just before midnight UTC belong to yesterday by the time they are counted.
    if (new Date().toISOString().slice(0, 10) !== date) return void tc.skip('the test crossed midnight UTC');
    assert.equal(t.timeZone, 'UTC');
    assert.equal(t.date, date);
    assert.equal(t.leads.new, 3, 'the walk-in and the two test-drive leads');
    assert.equal(t.leads.receivedToday, 4);
    const fresh = t.leads.items.find((l: { id: string }) => l.id === mine.fresh.id);
    assert.equal(fresh.title, 'Walk In');
    assert.equal(fresh.respondedAt, null);
    const answered = t.leads.items.find((l: { id: string }) => l.id === mine.answered.id);
    assert.equal(answered.title, 'Ada Quist', 'titled by the customer');
    assert.ok(answered.respondedAt && Date.parse(answered.respondedAt) >= Date.parse(answered.createdAt), JSON.stringify(answered));
    assert.ok(answered.responseSeconds >= 0 && answered.responseSeconds < 60);

    assert.equal(t.testDrives.count, 1, 'the one booked for today, not the later one');
    assert.deepEqual([t.testDrives.items[0].id, t.testDrives.items[0].motorName], [mine.drive.id, '2021 Kia Niro']);
    assert.equal(t.overdueInvoices.count, 1);
    assert.deepEqual(t.overdueInvoices.amountDue, [{ currency: 'USD', amount: 30000 }]);
    assert.deepEqual([t.overdueInvoices.items[0].number, t.overdueInvoices.items[0].customerName], [mine.overdue.number, 'Ada Quist']);
    assert.equal(t.workOrdersInProgress.count, 1);
    assert.deepEqual([t.workOrdersInProgress.items[0].id, t.workOrdersInProgress.items[0].motorName], [mine.wo.id, '2021 Kia Niro']);
    assert.equal(t.sales.invoicesPaid, 1);
    assert.deepEqual(t.sales.invoicedPaid, [{ currency: 'USD', amount: 12000 }]);
  });

  it("takes the day in the tenant's time zone when its settings name one", async () => {
    const d = await staffDealer(server);
    const setZone = (zone: string) =>
      server.app.database.db
        .update(tenants)
        .set({ settings: sql`${tenants.settings} || ${JSON.stringify({ timeZone: zone })}::jsonb` })
        .where(eq(tenants.id, d.tenantId));
    await setZone('Pacific/Kiritimati');
    const asked = new Date();
    const t = ok(await d.manage('GET', '/manage/v1/today'), 200);
    // The server took its own clock between `asked` and now: either day is right when 10:00 UTC
    // (midnight at UTC+14) fell in between.
    const expected = [asked, new Date()].map((at) => dayIn('Pacific/Kiritimati', at)).find((day) => day.date === t.date) ?? dayIn('Pacific/Kiritimati', asked);
    assert.deepEqual([t.timeZone, t.date, t.start], ['Pacific/Kiritimati', expected.date, expected.start.toISOString()]);
    assert.equal(new Date(t.start).getUTCHours(), 10, 'midnight at UTC+14 is 10:00 UTC');
    await setZone('Not/AZone');
    assert.equal(ok(await d.manage('GET', '/manage/v1/today'), 200).timeZone, 'UTC');
  });

  it('takes its time zone from the dealership profile, which refuses a name that is not a zone', async () => {
    const d = await staffDealer(server);
    assert.equal(ok(await d.manage('GET', '/manage/v1/dealership'), 200).timeZone, null);
    const saved = ok(await d.manage('PUT', '/manage/v1/dealership', { timeZone: 'Asia/Tokyo' }), 200);
    assert.equal(saved.timeZone, 'Asia/Tokyo');
    assert.equal(ok(await d.manage('GET', '/manage/v1/today'), 200).timeZone, 'Asia/Tokyo');
    // Saving another field keeps the zone; a wrong name is a 400 naming the field, and changes nothing.
    assert.equal(ok(await d.manage('PUT', '/manage/v1/dealership', { phone: '+1 555 0100' }), 200).timeZone, 'Asia/Tokyo');
    const bad = await d.manage('PUT', '/manage/v1/dealership', { timeZone: 'Mars/Olympus' });
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual(
      bad.body.error.details.map((x: { field: string }) => x.field),
      ['timeZone'],
    );
    assert.equal(ok(await d.manage('GET', '/manage/v1/today'), 200).timeZone, 'Asia/Tokyo');
    // null goes back to UTC.
    assert.equal(ok(await d.manage('PUT', '/manage/v1/dealership', { timeZone: null }), 200).timeZone, null);
    assert.equal(ok(await d.manage('GET', '/manage/v1/today'), 200).timeZone, 'UTC');
  });

  it('finds the midnights of a zone across daylight-saving changes', () => {
    // 2026-03-08: New York springs forward (a 23-hour day); 2026-11-01 falls back (25 hours).
    const spring = dayIn('America/New_York', new Date('2026-03-08T12:00:00Z'));
    assert.deepEqual([spring.date, spring.start.toISOString(), spring.end.toISOString()], ['2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const autumn = dayIn('America/New_York', new Date('2026-11-01T12:00:00Z'));
    assert.deepEqual([autumn.start.toISOString(), autumn.end.toISOString()], ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    const late = dayIn('Asia/Tokyo', new Date('2026-12-02T16:30:00Z'));
    assert.deepEqual([late.date, late.start.toISOString()], ['2026-12-03', '2026-12-02T15:00:00.000Z']);
  });
});
