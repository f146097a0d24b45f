import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { assertStorefrontError, seededDealer } from './storefront-setup.ts';
import { appointments, contactMessages, events } from '../src/storage/schema/index.ts';

describe('Storefront engagement and forms', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  const eventsOf = async (tenantId: string, type: string) =>
    (
      await server.app.database.db
        .select()
        .from(events)
        .where(and(eq(events.tenantId, tenantId), eq(events.type, type)))
    ).map((e) => e.data as JsonBody);

  it('POST /external/contact/submit (documented example) stores the message and creates a contact_form lead with its event', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const res = await api('POST', '/external/contact/submit', { name: 'John Doe', email: 'John@Example.com', subject: 'Financing', message: 'Do you offer financing?' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.statusCode, 201);
    assert.equal(res.body.data.success, true);
    assert.equal(res.body.data.message, 'Message sent');
    assert.match(res.body.data.referenceId, /^[0-9a-f-]{36}$/);
    const [stored] = await server.app.database.db
      .select()
      .from(contactMessages)
      .where(and(eq(contactMessages.tenantId, t.tenantId), eq(contactMessages.id, res.body.data.referenceId)));
    assert.deepEqual([stored.name, stored.email, stored.subject, stored.message], ['John Doe', 'john@example.com', 'Financing', 'Do you offer financing?']);
    const leads = (await api('GET', '/api/public/v1/leads')).body.data as JsonBody[];
    assert.equal(leads.length, 1);
    assert.equal(leads[0].id, stored.leadId);
    assert.deepEqual([leads[0].source, leads[0].status, leads[0].contactName, leads[0].contactEmail], ['contact_form', 'new', 'John Doe', 'john@example.com']);
    assert.match(leads[0].message, /Financing[\s\S]*Do you offer financing\?/);
    const created = await eventsOf(t.tenantId, 'crm.leads.created');
    assert.equal(created.length, 1);
    assert.equal(created[0].id, stored.leadId);

    assert.equal(leads[0].customerId, null);

    // A message from one of the dealer's customers lands on that customer.
    const ann = (await api('POST', '/api/public/v1/customers', { firstName: 'Ann', email: 'ann@example.com' })).body.data;
    const noSubject = await api('POST', '/external/contact/submit', { name: 'Ann', email: 'ANN@example.com', message: 'Hi' });
    assert.equal(noSubject.status, 201, noSubject.text);
    const [annMessage] = await server.app.database.db
      .select()
      .from(contactMessages)
      .where(and(eq(contactMessages.tenantId, t.tenantId), eq(contactMessages.id, noSubject.body.data.referenceId)));
    assert.equal((await api('GET', `/api/public/v1/leads/${annMessage.leadId}`)).body.data.customerId, ann.id);
  });

  it('contact form: 400 naming every missing or invalid field, and nothing stored', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const res = await api('POST', '/external/contact/submit', {});
    assertStorefrontError(res, 400);
    for (const field of ['name', 'email', 'message']) {
      assert.match(res.body.error, new RegExp(`${field}: required`), field);
      assert.ok(
        res.body.details.some((d: JsonBody) => d.field.endsWith(field)),
        field,
      );
    }
    for (const [body, field] of [
      [{ name: 'A', email: 'not-an-email', message: 'x' }, 'email'],
      [{ name: ' ', email: 'a@example.com', message: 'x' }, 'name'],
      [{ name: 'A', email: 'a@example.com', message: '' }, 'message'],
      [{ name: 'A', email: 'a@example.com', message: 'x', phone: '1' }, 'phone'],
    ] as const) {
      const bad = await api('POST', '/external/contact/submit', body);
      assertStorefrontError(bad, 400);
      assert.match(bad.body.error, new RegExp(field));
    }
    assert.equal((await api('GET', '/api/public/v1/leads')).body.data.length, 0);
    const { key } = await server.key(t.tenantId, { scopes: ['vehicles:read'] });
    const denied = await client(server.url, { 'x-api-key': key })('POST', '/external/contact/submit', { name: 'A', email: 'a@example.com', message: 'x' });
    assertStorefrontError(denied, 403);
    assert.match(denied.body.error, /contact:write/);
    assertStorefrontError(await client(server.url)('POST', '/external/contact/submit', { name: 'A', email: 'a@example.com', message: 'x' }), 401);
  });

  it('POST /external/test-drives (documented example) creates a test_drive lead on the motor and a pending appointment', async () => {
    const t = await seededDealer(server);
    const vehicle = (await t.api('GET', '/external/vehicles?listingType=sale')).body.data.find((v: JsonBody) => v.status === 'available');
    const res = await t.api('POST', '/external/test-drives', { vehicleId: vehicle.id, name: 'John Doe', email: 'john@example.com', phone: '+1234567890', preferredDate: '2026-12-05' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.statusCode, 201);
    assert.equal(res.body.data.vehicleId, vehicle.id);
    assert.equal(res.body.data.status, 'pending');
    assert.match(res.body.data.id, /^[0-9a-f-]{36}$/);
    const [appointment] = await server.app.database.db
      .select()
      .from(appointments)
      .where(and(eq(appointments.tenantId, t.tenantId), eq(appointments.id, res.body.data.id)));
    assert.equal(appointment.motorId, vehicle.id);
    assert.equal(appointment.status, 'pending');
    assert.equal(appointment.preferredDate?.toISOString(), '2026-12-05T00:00:00.000Z');
    const lead = (await t.api('GET', `/api/public/v1/leads/${appointment.leadId}`)).body.data;
    assert.deepEqual([lead.source, lead.motorId, lead.contactEmail, lead.contactPhone, lead.interest], ['test_drive', vehicle.id, 'john@example.com', '+1234567890', 'test-drive']);
    assert.ok((await eventsOf(t.tenantId, 'crm.leads.created')).some((l) => l.id === lead.id));
    // The lead's event announces the test drive; the appointment, which no API reads, fires none.
    assert.equal((await eventsOf(t.tenantId, 'crm.appointments.created')).length, 0);
  });

  it("test drives: 400 naming vehicleId for a vehicle that is not the dealer's available listing, and for each missing field", async () => {
    const t = await seededDealer(server);
    const other = await seededDealer(server);
    const motors = (await t.api('GET', '/api/public/v1/motors?limit=200')).body.data as JsonBody[];
    const draft = motors.find((m) => !m.isListed);
    const reserved = motors.find((m) => m.isListed && m.status === 'reserved');
    assert.ok(reserved, 'the demo has a reserved listing');
    const theirs = (await other.api('GET', '/external/vehicles')).body.data[0];
    const person = { name: 'Jo', email: 'jo@example.com' };
    const leadsBefore = (await t.api('GET', '/api/public/v1/leads?limit=200')).body.data.length;
    for (const vehicleId of [draft.id, reserved.id, theirs.id, 'nope']) {
      const res = await t.api('POST', '/external/test-drives', { ...person, vehicleId });
      assertStorefrontError(res, 400);
      assert.match(res.body.error, /^vehicleId: /);
      assert.equal(res.body.details[0].field, 'vehicleId');
    }
    const empty = await t.api('POST', '/external/test-drives', {});
    assertStorefrontError(empty, 400);
    for (const field of ['vehicleId', 'name', 'email']) assert.match(empty.body.error, new RegExp(`${field}: required`), field);
    const badDate = await t.api('POST', '/external/test-drives', { ...person, vehicleId: theirs.id, preferredDate: 'next tuesday' });
    assertStorefrontError(badDate, 400);
    assert.match(badDate.body.error, /preferredDate/);
    assert.equal((await t.api('GET', '/api/public/v1/leads?limit=200')).body.data.length, leadsBefore, 'refused requests create no lead');
  });

  it('newsletter subscribe (documented example) fires crm.newsletter.subscribed; unsubscribe answers as documented', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const res = await api('POST', '/external/newsletter/subscribe', { email: 'User@Example.com' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { statusCode: 200, data: { email: 'user@example.com', subscribed: true } });
    const fired = await eventsOf(t.tenantId, 'crm.newsletter.subscribed');
    assert.deepEqual(
      fired.map((e) => e.email),
      ['user@example.com'],
    );
    const un = await api('POST', '/external/newsletter/unsubscribe', { email: 'user@example.com' });
    assert.deepEqual(un.body, { statusCode: 200, message: 'Successfully unsubscribed' });
    const missing = await api('POST', '/external/newsletter/subscribe', {});
    assertStorefrontError(missing, 400);
    assert.match(missing.body.error, /email/);
  });

  it('every documented Vehicle Listings, Customer Management and Engagement example returns its documented fields on a seeded dealer', async () => {
    const t = await seededDealer(server);
    const vehicles = await t.api('GET', '/external/vehicles');
    const v = vehicles.body.data[0];
    const customer = (await t.api('GET', '/external/customers')).body.data[0];
    const examples: [string, string, unknown, number, string[]][] = [
      ['GET', '/external/vehicles?listingType=sale&limit=10', undefined, 200, ['statusCode', 'data', 'total', 'page', 'limit', 'totalPages']],
      ['GET', `/external/vehicles?brandId=${v.model.brand.id}&minYear=2020&maxPrice=50000`, undefined, 200, ['statusCode', 'data', 'total', 'page', 'limit', 'totalPages']],
      ['GET', `/external/vehicles/${v.id}`, undefined, 200, ['statusCode', 'data']],
      ['GET', '/external/vehicles/stats/summary', undefined, 200, ['statusCode', 'data']],
      ['GET', '/external/customers', undefined, 200, ['statusCode', 'data', 'total', 'page', 'limit', 'totalPages']],
      ['GET', `/external/customers/${customer.id}`, undefined, 200, ['statusCode', 'data']],
      ['PATCH', `/external/customers/${customer.id}`, { notes: 'Updated notes...', tags: ['vip', 'repeat-buyer'], isVip: true }, 200, ['statusCode', 'data']],
      ['GET', '/external/customers/stats/summary', undefined, 200, ['statusCode', 'data']],
      ['POST', '/external/newsletter/subscribe', { email: 'user@example.com' }, 200, ['statusCode', 'data']],
      ['POST', '/external/newsletter/unsubscribe', { email: 'user@example.com' }, 200, ['statusCode', 'message']],
      ['GET', '/external/blogs', undefined, 200, ['statusCode', 'data', 'total', 'page', 'limit', 'totalPages']],
      ['POST', '/external/contact/submit', { name: 'John Doe', email: 'john@example.com', message: 'Hello' }, 201, ['statusCode', 'data']],
      ['POST', '/external/test-drives', { vehicleId: v.id, name: 'John Doe', email: 'john@example.com' }, 201, ['statusCode', 'data']],
    ];
    for (const [method, path, body, status, keys] of examples) {
      const res = await t.api(method, path, body);
      assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
      assert.equal(res.body.statusCode, status);
      for (const k of keys) assert.ok(k in res.body, `${path} ${k}`);
    }
    const stats = (await t.api('GET', '/external/vehicles/stats/summary')).body.data;
    for (const k of ['totalVehicles', 'availableVehicles', 'byListingType', 'byBodyType', 'byBrand']) assert.ok(k in stats, k);
    const summary = (await t.api('GET', '/external/customers/stats/summary')).body.data;
    for (const k of ['totalCustomers', 'vipCustomers', 'totalRevenue', 'averageSpent', 'totalTransactions', 'averageLeadScore', 'newCustomersLast30Days', 'segmentBreakdown'])
      assert.ok(k in summary, k);
    assert.deepEqual(Object.keys(summary.segmentBreakdown).sort(), ['atRisk', 'new', 'regular', 'vip']);
    const patched = (await t.api('PATCH', `/external/customers/${customer.id}`, { isVip: true })).body.data;
    for (const k of ['id', 'notes', 'tags', 'isVip', 'customerSegment']) assert.ok(k in patched, k);
    assert.ok((await t.api('GET', '/external/blogs')).body.data.length > 0, 'the demo has blog posts');
  });
});
