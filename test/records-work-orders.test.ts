import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';

describe('Records API: work orders', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  async function shop() {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const customer = (await api('POST', '/api/public/v1/customers', { firstName: 'Ruth', lastName: 'Okafor' })).body.data;
    const motor = (await api('POST', '/api/public/v1/motors', { make: 'Toyota', model: 'Corolla', year: 2019, ownerCustomerId: customer.id })).body.data;
    const tech = (await api('POST', '/api/public/v1/employees', { firstName: 'Sam', lastName: 'Reyes', role: 'technician' })).body.data;
    const pads = (await api('POST', '/api/public/v1/inventoryItems', { kind: 'part', name: 'Brake pad set', sku: 'BP-1', unitAmount: 4999, currency: 'USD', taxRate: 20 })).body.data;
    assert.ok(customer?.id && motor?.id && tech?.id && pads?.id, 'fixtures created');
    return { t, api, customer, motor, tech, pads };
  }

  it('keeps dates to plausible years, as the CRM API does (a 400 naming the field)', async () => {
    const { api, customer, motor } = await shop();
    const res = await api('POST', '/api/public/v1/workOrders', { customerId: customer.id, motorId: motor.id, promisedAt: '0000-01-01T00:00:00Z' });
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /promisedAt/);
    assert.match(res.text, /between the years 1900 and 9999/);
  });

  it('prices jobs from labour and inventory parts, exactly, with a WO number', async () => {
    const { api, customer, motor, tech, pads } = await shop();
    const res = await api('POST', '/api/public/v1/workOrders', {
      customerId: customer.id,
      motorId: motor.id,
      mileageIn: 48210,
      assignedEmployeeIds: [tech.id],
      jobs: [
        {
          title: 'Front brakes',
          concern: 'Grinding',
          authorized: true,
          technicianEmployeeId: tech.id,
          lines: [
            { kind: 'labour', description: 'Fit pads', quantity: 1.5, unitAmount: 9500, taxRate: 20 },
            { inventoryItemId: pads.id, quantity: 1 },
          ],
        },
        { title: 'Wiper blades', authorized: false, lines: [{ kind: 'part', description: 'Wipers', quantity: 2, unitAmount: 1250, taxRate: 20 }] },
      ],
    });
    assert.equal(res.status, 201, res.text);
    const wo = res.body.data;
    assert.match(wo.number, /^WO-\d{6}$/);
    assert.equal(wo.status, 'estimate');
    assert.equal(wo.jobs[0].lines[1].description, 'Brake pad set');
    assert.equal(wo.jobs[0].subtotalAmount, 14250 + 4999);
    assert.equal(wo.jobs[0].taxAmount, 2850 + 1000);
    assert.equal(wo.jobs[1].totalAmount, 3000);
    assert.equal(wo.totalAmount, wo.jobs[0].totalAmount + wo.jobs[1].totalAmount);
  });

  it('refuses bad references and odometer readings, naming the field', async () => {
    const { api, customer, motor } = await shop();
    const other = await shop();
    const cases: [unknown, RegExp][] = [
      [{ customerId: customer.id }, /motorId: required/],
      [{ customerId: customer.id, motorId: other.motor.id }, /^motorId: /],
      [{ customerId: customer.id, motorId: motor.id, assignedEmployeeIds: [other.tech.id] }, /assignedEmployeeIds\[0\]/],
      [{ customerId: customer.id, motorId: motor.id, mileageIn: 100, mileageOut: 90 }, /mileageOut/],
      [{ customerId: customer.id, motorId: motor.id, jobs: [{ title: 'x', lines: [{ inventoryItemId: other.pads.id, quantity: 1 }] }] }, /lines\[0\]\.inventoryItemId/],
    ];
    for (const [body, pattern] of cases) {
      const res = await api('POST', '/api/public/v1/workOrders', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
      assert.match(res.body.error.message, pattern);
    }
  });

  it('walks the repair-order chain and invoices the authorised jobs', async () => {
    const { api, customer, motor } = await shop();
    const wo = (
      await api('POST', '/api/public/v1/workOrders', {
        customerId: customer.id,
        motorId: motor.id,
        jobs: [
          { title: 'Service', authorized: true, lines: [{ kind: 'labour', description: 'Annual service', quantity: 2, unitAmount: 8000, taxRate: 20 }] },
          { title: 'Declined extra', authorized: false, lines: [{ kind: 'fee', description: 'Valet', quantity: 1, unitAmount: 2500 }] },
        ],
      })
    ).body.data;
    const put = (body: unknown) => api('PUT', `/api/public/v1/workOrders/${wo.id}`, body);
    const skip = await put({ status: 'completed' });
    assert.equal(skip.status, 409);
    assert.match(skip.body.error.message, /allowed next: approved, cancelled/);
    for (const status of ['approved', 'in_progress', 'completed']) assert.equal((await put({ status })).status, 200, status);
    const invoiced = await put({ status: 'invoiced', mileageOut: 12 });
    assert.equal(invoiced.status, 200, invoiced.text);
    const invoiceId = invoiced.body.data.invoiceId;
    assert.ok(invoiceId);
    const invoice = (await api('GET', `/api/public/v1/invoices/${invoiceId}`)).body.data;
    assert.equal(invoice.customerId, customer.id);
    assert.equal(invoice.totalAmount, 19200, 'only the authorised job is invoiced');
    assert.equal(invoice.lines.length, 1);
    assert.equal((await put({ jobs: [] })).status, 400, 'an invoiced order is locked');
    assert.equal((await put({ status: 'in_progress' })).status, 409);
  });

  describe('invoice status events', () => {
    it('fires crm.invoices.status_changed beside crm.invoices.updated when the status moves', async () => {
      const { events } = await import('../src/storage/schema/index.ts');
      const { and, eq } = await import('drizzle-orm');
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const customer = (await api('POST', '/api/public/v1/customers', { firstName: 'Ev' })).body.data;
      const invoice = (await api('POST', '/api/public/v1/invoices', { customerId: customer.id, currency: 'USD', lines: [{ description: 'Fee', quantity: 1, unitAmount: 1000 }] })).body.data;
      await api('PUT', `/api/public/v1/invoices/${invoice.id}`, { notes: 'no status change' });
      await api('PUT', `/api/public/v1/invoices/${invoice.id}`, { status: 'sent' });
      const rows = await server.app.database.db
        .select()
        .from(events)
        .where(and(eq(events.tenantId, t.tenantId), eq(events.type, 'crm.invoices.status_changed')));
      assert.equal(rows.length, 1);
      assert.equal((rows[0].data as JsonBody).status, 'sent');
    });
  });
});
