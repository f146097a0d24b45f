import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { events, customers } from '../src/storage/schema/index.ts';

describe('Records API: customers', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it('creates, reads, partially updates and lists a customer, with an event for each write', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', '/api/public/v1/customers', {
      firstName: 'Amelia',
      lastName: 'Hart',
      email: 'Amelia.Hart@Example.com',
      address: { city: 'Leeds', country: 'gb' },
      metadata: { dmsId: 'C-1' },
    });
    assert.equal(created.status, 201, created.text);
    const c = created.body.data;
    assert.equal(c.email, 'amelia.hart@example.com');
    assert.equal(c.address.country, 'GB');
    assert.equal(c.displayName, 'Amelia Hart');
    assert.ok(created.headers.get('etag'));

    const got = await api('GET', `/api/public/v1/customers/${c.id}`);
    assert.deepEqual(got.body.data, c);

    const put = await api('PUT', `/api/public/v1/customers/${c.id}`, { notes: 'Prefers SMS', phone: null });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.data.notes, 'Prefers SMS');
    assert.equal(put.body.data.firstName, 'Amelia', 'omitted fields keep their values');
    assert.ok(put.body.data.updatedAt > c.updatedAt, 'updatedAt moves');

    const rows = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, t.tenantId)));
    assert.deepEqual(rows.map((e) => e.type).sort(), ['crm.customers.created', 'crm.customers.updated']);
    assert.equal((rows.find((e) => e.type === 'crm.customers.updated')!.data as JsonBody).notes, 'Prefers SMS');
  });

  it('refuses invalid input with 400 naming the field, and writes nothing', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const cases: [unknown, RegExp][] = [
      [{ type: 'company' }, /companyName/],
      [{ email: 'not-an-email' }, /body\.email/],
      [{ firstName: 'A', address: { country: 'GBR' } }, /body\.address\.country/],
      [{ firstName: 'A', unknownField: 1 }, /unknownField/],
    ];
    for (const [body, field] of cases) {
      const res = await api('POST', '/api/public/v1/customers', body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.error.message, field);
    }
    assert.equal((await api('GET', '/api/public/v1/customers?includeTotal=true')).body.total, 0);
  });

  it('refuses a PUT with a stale If-Match with 412', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', '/api/public/v1/customers', { firstName: 'Etag' });
    const tag = created.headers.get('etag')!;
    const first = await api('PUT', `/api/public/v1/customers/${created.body.data.id}`, { notes: 'one' }, { 'if-match': tag });
    assert.equal(first.status, 200);
    const stale = await api('PUT', `/api/public/v1/customers/${created.body.data.id}`, { notes: 'two' }, { 'if-match': tag });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.code, 'precondition_failed');
    assert.equal((await api('GET', `/api/public/v1/customers/${created.body.data.id}`)).body.data.notes, 'one');
  });

  it('is the same record as a CRM API client and a Storefront customer', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', '/crm-api/v1/clients', { name: 'Jonas Weber', email: 'jonas@example.com' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;
    const record = await api('GET', `/api/public/v1/customers/${id}`);
    assert.equal(record.body.data.firstName, 'Jonas');
    assert.equal(record.body.data.lastName, 'Weber');
    const storefront = await api('GET', `/external/customers/${id}`);
    assert.equal(storefront.body.data.user.email, 'jonas@example.com');
    await api('PUT', `/api/public/v1/customers/${id}`, { tags: ['vip-prospect'] });
    assert.deepEqual((await api('GET', `/crm-api/v1/clients/${id}`)).body.data.tags, ['vip-prospect']);
  });

  it('hides a customer deleted through the CRM API, and shows its tombstone with includeDeleted', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', '/api/public/v1/customers', { firstName: 'Gone' });
    const id = created.body.data.id;
    const del = await api('DELETE', `/crm-api/v1/clients/${id}`);
    assert.equal(del.status, 200, del.text);
    assert.equal((await api('GET', `/api/public/v1/customers/${id}`)).status, 404);
    assert.equal((await api('GET', '/api/public/v1/customers?includeTotal=true')).body.total, 0);
    const withDeleted = await api('GET', '/api/public/v1/customers?includeDeleted=true');
    assert.equal(withDeleted.body.data[0].id, id);
    assert.ok(withDeleted.body.data[0].deletedAt);
  });

  it('rejects limit over 200 with a message saying so', async () => {
    const t = await server.tenant();
    const res = await client(server.url, { 'x-api-key': t.key })('GET', '/api/public/v1/customers?limit=201');
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /limit.*200/);
  });

  it('syncs every record exactly once by following nextCursor, even when many share one timestamp', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    // 60 records in three identical timestamps, written directly so the ties are real.
    const stamps = [new Date('2026-03-01T10:00:00.000Z'), new Date('2026-03-01T10:00:00.001Z'), new Date('2026-03-01T10:00:00.002Z')];
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const id = `0190${String(i).padStart(4, '0')}-0000-7000-8000-000000000000`;
      ids.push(id);
      await server.app.database.db.insert(customers).values({
        tenantId: t.tenantId,
        environment: 'test',
        id,
        type: 'person',
        firstName: `P${i}`,
        createdAt: stamps[i % 3],
        updatedAt: stamps[i % 3],
      });
    }
    for (const pageSize of [1, 7, 13, 50]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let checkpoint: string | null = null;
      do {
        const res: JsonBody = await api('GET', `/api/public/v1/customers?limit=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200, res.text);
        seen.push(...res.body.data.map((c: JsonBody) => c.id));
        cursor = res.body.nextCursor;
        checkpoint = res.body.nextUpdatedAfter ?? checkpoint;
      } while (cursor);
      assert.equal(seen.length, 60, `page size ${pageSize}`);
      assert.equal(new Set(seen).size, 60);
      assert.equal(checkpoint, stamps[2].toISOString());
    }
    // An update after the checkpoint is seen again by the next run.
    await api('PUT', `/api/public/v1/customers/${ids[5]}`, { notes: 'changed' });
    const next = await api('GET', `/api/public/v1/customers?updatedAfter=${stamps[2].toISOString()}`);
    assert.deepEqual(
      next.body.data.map((c: JsonBody) => c.id),
      [ids[5]],
    );
  });

  describe('Records API: unknown fields', () => {
    it('names each unknown field in the message and details', async () => {
      const t = await server.tenant();
      const res = await client(server.url, { 'x-api-key': t.key })('POST', '/api/public/v1/customers', { firstName: 'A', colour: 'red', address: { city: 'Leeds', planet: 'Earth' } });
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /body\.colour: is not a known field/);
      assert.match(res.body.error.message, /body\.address\.planet: is not a known field/);
      assert.deepEqual(res.body.error.details.map((d: JsonBody) => d.field).sort(), ['body.address.planet', 'body.colour']);
    });
  });
});
