import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { sharedServer, client, type TestServer } from './helpers.ts';
import { z } from 'zod';
import { events } from '../src/storage/schema/index.ts';
import { motorRecord } from '../src/http/records-api/motors.ts';
import { employeeRecord } from '../src/http/records-api/employees.ts';
import { leadRecord } from '../src/http/records-api/leads.ts';
import { supportTicketRecord } from '../src/http/records-api/support-tickets.ts';
import { policyRecord } from '../src/http/records-api/policies.ts';
import { logisticsEntryRecord } from '../src/http/records-api/logistics-entries.ts';
import { directoryListingRecord } from '../src/http/records-api/directory-listings.ts';

const v1 = '/api/public/v1';

type PropertyDoc = { description?: string; example?: unknown; anyOf?: { description?: string }[] };
// Record schemas carry an id, so zod puts them under $defs and refers to them.
function jsonSchemaOf(schema: z.ZodType): { properties: Record<string, PropertyDoc> } {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as { $ref?: string; $defs?: Record<string, { properties: Record<string, PropertyDoc> }>; properties?: Record<string, PropertyDoc> };
  return json.$ref ? json.$defs![json.$ref.split('/').at(-1)!] : (json as { properties: Record<string, PropertyDoc> });
}

describe('Records API: employees, leads, supportTickets, policies, logisticsEntries, directoryListings', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  // A dealership with one customer, motor and employee to refer to.
  async function dealer() {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customer = (await api('POST', `${v1}/customers`, { firstName: 'Ada', email: 'ada@example.com' })).body.data;
    const motor = (await api('POST', `${v1}/motors`, { make: 'Toyota', model: 'RAV4', year: 2021 })).body.data;
    const employee = (await api('POST', `${v1}/employees`, { firstName: 'Marcus', role: 'salesperson' })).body.data;
    return { t, api, customer, motor, employee };
  }

  const collections = (d: Awaited<ReturnType<typeof dealer>>) => ({
    employees: {
      create: {
        firstName: 'Priya',
        lastName: 'Nair',
        email: 'Priya.Nair@Dealer.example',
        role: 'technician',
        hourlyCostAmount: 4250,
        currency: 'USD',
        hiredOn: '2022-05-01',
        metadata: { payroll: 'P-7' },
      },
      expect: { email: 'priya.nair@dealer.example', active: true, hiredOn: '2022-05-01' },
      update: { active: false },
    },
    leads: {
      create: {
        source: 'website',
        contactName: 'Dana',
        contactEmail: 'dana@example.com',
        interest: 'test-drive',
        motorId: d.motor.id,
        assignedEmployeeId: d.employee.id,
        vehicleOfInterest: { year: 2021, make: 'Toyota', model: 'RAV4' },
      },
      expect: { status: 'new', customerId: null },
      update: { status: 'contacted' },
    },
    supportTickets: {
      create: { subject: 'Rattle from the dashboard', customerId: d.customer.id, motorId: d.motor.id, assigneeEmployeeId: d.employee.id, channel: 'phone' },
      expect: { status: 'open', priority: 'normal' },
      update: { status: 'pending', priority: 'high' },
    },
    policies: {
      create: { type: 'warranty', provider: 'AutoShield', customerId: d.customer.id, motorId: d.motor.id, startsOn: '2026-01-01', endsOn: '2028-12-31', premiumAmount: 89900, currency: 'USD' },
      expect: { status: 'active', endsOn: '2028-12-31' },
      update: { status: 'cancelled' },
    },
    logisticsEntries: {
      create: {
        motorId: d.motor.id,
        kind: 'delivery',
        fromLocation: 'Depot',
        toLocation: '48 Oak St',
        scheduledAt: '2026-03-05T09:00:00+01:00',
        costAmount: 18500,
        currency: 'USD',
        driverEmployeeId: d.employee.id,
      },
      expect: { status: 'scheduled', scheduledAt: '2026-03-05T08:00:00.000Z', completedAt: null },
      update: { status: 'delivered', completedAt: '2026-03-05T10:30:00.000Z' },
    },
    directoryListings: {
      create: { directory: 'google', name: 'Demo Motors', url: 'https://maps.google.com/?cid=1', categories: ['Car dealer'], externalId: 'g-1' },
      expect: { status: 'pending', phone: null },
      update: { status: 'active' },
    },
  });

  it('creates, reads, partially updates and lists a record of each collection, with its events', async () => {
    const d = await dealer();
    for (const [name, c] of Object.entries(collections(d))) {
      const created = await d.api('POST', `${v1}/${name}`, c.create);
      assert.equal(created.status, 201, `${name}: ${created.text}`);
      const record = created.body.data;
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(record[k], v, `${name}.${k}`);
      assert.ok(created.headers.get('etag'));
      const got = await d.api('GET', `${v1}/${name}/${record.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.data, record);
      const put = await d.api('PUT', `${v1}/${name}/${record.id}`, c.update);
      assert.equal(put.status, 200, `${name}: ${put.text}`);
      for (const [k, v] of Object.entries(c.update)) assert.deepEqual(put.body.data[k], k.endsWith('At') ? new Date(v as string).toISOString() : v, `${name}.${k}`);
      for (const k of Object.keys(c.expect)) if (!(k in c.update)) assert.deepEqual(put.body.data[k], record[k], `${name}.${k} kept`);
      const list = await d.api('GET', `${v1}/${name}`);
      assert.equal(list.status, 200);
      assert.ok(list.body.data.some((r: { id: string }) => r.id === record.id));
      const stale = await d.api('PUT', `${v1}/${name}/${record.id}`, c.update, { 'if-match': created.headers.get('etag')! });
      assert.equal(stale.status, 412, `${name}: stale If-Match`);
      const types = (await server.app.database.db.select().from(events).where(eq(events.tenantId, d.t.tenantId))).map((e) => e.type);
      assert.ok(types.includes(`crm.${name}.created`) && types.includes(`crm.${name}.updated`), `${name} events`);
    }
  });

  it('refuses invalid input with 400 naming the field', async () => {
    const d = await dealer();
    const cases: [string, unknown, RegExp][] = [
      ['employees', { lastName: 'No first name' }, /body\.firstName/],
      ['employees', { firstName: 'A', role: 'wizard' }, /body\.role/],
      ['employees', { firstName: 'A', hourlyCostAmount: 4000 }, /^currency: /],
      ['employees', { firstName: 'A', hiredOn: '2022-13-01' }, /body\.hiredOn/],
      ['leads', { source: 'website' }, /^contactEmail: /],
      ['leads', { contactEmail: 'x@example.com', status: 'maybe' }, /body\.status/],
      ['leads', { contactEmail: 'x@example.com', interest: 'rent' }, /body\.interest/],
      ['supportTickets', { priority: 'low' }, /body\.subject/],
      ['policies', { type: 'warranty', provider: 'X', customerId: d.customer.id, startsOn: '2026-06-01', endsOn: '2026-05-31' }, /^endsOn: /],
      ['policies', { type: 'warranty', provider: 'X', customerId: d.customer.id, startsOn: '2026-06-01', endsOn: '2026-06-01' }, /^endsOn: /],
      ['policies', { type: 'warranty', provider: 'X', startsOn: '2026-06-01' }, /body\.customerId/],
      ['policies', { type: 'warranty', provider: 'X', customerId: d.customer.id, startsOn: '2026-06-01', premiumAmount: 10.5, currency: 'USD' }, /body\.premiumAmount/],
      ['logisticsEntries', { kind: 'delivery' }, /body\.motorId/],
      ['logisticsEntries', { motorId: d.motor.id, kind: 'delivery', scheduledAt: '2026-03-05T09:00:00Z', completedAt: '2026-03-05T08:00:00Z' }, /^completedAt: /],
      ['logisticsEntries', { motorId: d.motor.id, kind: 'teleport' }, /body\.kind/],
      ['directoryListings', { directory: 'google', name: 'X', url: 'not a url' }, /body\.url/],
      ['directoryListings', { directory: 'myspace', name: 'X' }, /body\.directory/],
      ['directoryListings', { directory: 'google', name: 'X', rating: 5 }, /rating/],
    ];
    for (const [name, body, pattern] of cases) {
      const res = await d.api('POST', `${v1}/${name}`, body);
      assert.equal(res.status, 400, `${name} ${JSON.stringify(body)} → ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.match(res.body.error.message, pattern, `${name} ${JSON.stringify(body)}`);
      assert.ok(res.body.error.details?.length, 'details name the field');
    }
    // A policy moved to end before it starts is refused on update too.
    const policy = await d.api('POST', `${v1}/policies`, { type: 'insurance', provider: 'X', customerId: d.customer.id, startsOn: '2026-06-01' });
    const bad = await d.api('PUT', `${v1}/policies/${policy.body.data.id}`, { endsOn: '2025-01-01' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^endsOn: /);
  });

  it('refuses references to records of another dealership or environment with 400 naming the field', async () => {
    const a = await dealer();
    const b = await dealer();
    const liveKey = await server.key(a.t.tenantId, { env: 'live' });
    const live = client(server.url, { 'x-api-key': liveKey.key });
    const liveCustomer = (await live('POST', `${v1}/customers`, { firstName: 'Live' })).body.data;
    const cases: [string, Record<string, unknown>, string][] = [
      ['leads', { customerId: b.customer.id }, 'customerId'],
      ['leads', { customerId: liveCustomer.id }, 'customerId'],
      ['leads', { contactPhone: '+1 555', motorId: b.motor.id }, 'motorId'],
      ['leads', { contactPhone: '+1 555', assignedEmployeeId: b.employee.id }, 'assignedEmployeeId'],
      ['supportTickets', { subject: 'x', customerId: b.customer.id }, 'customerId'],
      ['supportTickets', { subject: 'x', motorId: b.motor.id }, 'motorId'],
      ['supportTickets', { subject: 'x', assigneeEmployeeId: b.employee.id }, 'assigneeEmployeeId'],
      ['policies', { type: 'insurance', provider: 'X', startsOn: '2026-01-01', customerId: b.customer.id }, 'customerId'],
      ['policies', { type: 'insurance', provider: 'X', startsOn: '2026-01-01', customerId: a.customer.id, motorId: b.motor.id }, 'motorId'],
      ['logisticsEntries', { kind: 'pickup', motorId: b.motor.id }, 'motorId'],
      ['logisticsEntries', { kind: 'pickup', motorId: a.motor.id, driverEmployeeId: b.employee.id }, 'driverEmployeeId'],
    ];
    for (const [name, body, field] of cases) {
      const res = await a.api('POST', `${v1}/${name}`, body);
      assert.equal(res.status, 400, `${name} ${field}: ${res.text}`);
      assert.equal(res.body.error.details[0].field, field);
      assert.match(res.body.error.message, new RegExp(`^${field}: `));
    }
    // And on update.
    const ticket = (await a.api('POST', `${v1}/supportTickets`, { subject: 'x' })).body.data;
    const res = await a.api('PUT', `${v1}/supportTickets/${ticket.id}`, { motorId: b.motor.id });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].field, 'motorId');
    // Records of another dealership are simply not found.
    assert.equal((await b.api('GET', `${v1}/supportTickets/${ticket.id}`)).status, 404);
  });

  it('moves a lead through its funnel and refuses a forbidden change with 409 naming the allowed ones', async () => {
    const d = await dealer();
    const lead = (await d.api('POST', `${v1}/leads`, { customerId: d.customer.id, source: 'phone', interest: 'buy' })).body.data;
    const skip = await d.api('PUT', `${v1}/leads/${lead.id}`, { status: 'won' });
    assert.equal(skip.status, 409, skip.text);
    assert.equal(skip.body.error.code, 'invalid_transition');
    assert.match(skip.body.error.message, /allowed: contacted, qualified, lost/);
    for (const status of ['contacted', 'qualified', 'won']) {
      const res = await d.api('PUT', `${v1}/leads/${lead.id}`, { status });
      assert.equal(res.status, 200, res.text);
    }
    const reopen = await d.api('PUT', `${v1}/leads/${lead.id}`, { status: 'new' });
    assert.equal(reopen.status, 409);
    assert.match(reopen.body.error.message, /closed/);
    // Clearing the customer of a lead without inline contact details is refused.
    const lead2 = (await d.api('POST', `${v1}/leads`, { customerId: d.customer.id })).body.data;
    const orphan = await d.api('PUT', `${v1}/leads/${lead2.id}`, { customerId: null });
    assert.equal(orphan.status, 400);
    assert.match(orphan.body.error.message, /^contactEmail: /);
  });

  it('needs the collection scope', async () => {
    const t = await server.tenant({ scopes: ['leads:read'] });
    const api = client(server.url, { 'x-api-key': t.key });
    assert.equal((await api('GET', `${v1}/leads`)).status, 200);
    const write = await api('POST', `${v1}/leads`, { contactEmail: 'a@example.com' });
    assert.equal(write.status, 403);
    assert.match(write.body.error.message, /leads:write/);
    assert.equal((await api('GET', `${v1}/policies`)).status, 403);
  });

  it('documents every collection field by field in /openapi.json', async () => {
    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    for (const name of ['motors', 'employees', 'leads', 'supportTickets', 'policies', 'logisticsEntries', 'directoryListings']) {
      for (const method of ['get', 'post']) assert.ok(doc.paths[`${v1}/${name}`]?.[method]?.summary, `${method} ${name}`);
      for (const method of ['get', 'put']) assert.ok(doc.paths[`${v1}/${name}/{id}`]?.[method]?.summary, `${method} ${name}/{id}`);
    }
    // The field documentation lives on the record schemas the routes reference.
    for (const [record, fields] of [
      [motorRecord, ['vin', 'listingType', 'saleOptions', 'mileageUnit', 'makeId']],
      [employeeRecord, ['role', 'hourlyCostAmount']],
      [leadRecord, ['status', 'contactEmail']],
      [supportTicketRecord, ['priority']],
      [policyRecord, ['endsOn']],
      [logisticsEntryRecord, ['costAmount']],
      [directoryListingRecord, ['directory']],
    ] as const) {
      const schema = jsonSchemaOf(record);
      for (const f of fields) {
        const p = schema.properties[f];
        assert.ok(p && (p.description || p.example !== undefined || p.anyOf?.some((a) => a.description)), `${f} is documented`);
      }
    }
    assert.match(JSON.stringify(jsonSchemaOf(motorRecord).properties.vin), /check digit/);
  });
});
