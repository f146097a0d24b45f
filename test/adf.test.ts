import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client, sharedServer, usingPostgres, type TestServer } from './helpers.ts';
import { assertLeads, fixtures, postBytes, seedTenant } from './adf-fixtures.ts';
import { createIntakeToken, revokeIntakeToken } from '../src/core/intake-tokens.ts';

// ADF/XML lead intake over HTTP: the whole corpus through POST /api/public/v1/leads/adf, each
// document re-sent to prove a retry makes no second lead, and the keyless /intake/adf/<token>.

describe('ADF/XML lead intake over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it(`imports every fixture of the corpus (${fixtures.length}) as the expected leads, and a re-send answers 200 with the same leads`, async () => {
    assert.ok(fixtures.length >= 25, `at least 25 fixtures, found ${fixtures.length}`);
    const t = await server.tenant();
    const seeded = await seedTenant(server.url, t.key);
    const api = client(server.url, { 'x-api-key': t.key });
    const firstIds = new Map<string, string[]>();
    for (const f of fixtures) {
      const res = await postBytes(`${server.url}/api/public/v1/leads/adf`, f.bytes, f.expected.contentType, { 'x-api-key': t.key });
      const ids = (res.body?.data ?? []).map((l: { id: string }) => l.id);
      if (f.expected.duplicateOf) {
        assert.equal(res.status, 200, `${f.name}: a duplicate of ${f.expected.duplicateOf} is answered 200: ${res.text.slice(0, 300)}`);
        assert.deepEqual(ids, firstIds.get(f.expected.duplicateOf), `${f.name}: the lead made the first time`);
      } else {
        assert.equal(res.status, 201, `${f.name}: ${res.text.slice(0, 500)}`);
        assert.equal(res.body.created, f.expected.leads.length);
      }
      assertLeads(f, res.body.data, seeded, f.expected.duplicateOf ? undefined : res.body.warnings);
      firstIds.set(f.name, ids);

      const again = await postBytes(`${server.url}/api/public/v1/leads/adf`, f.bytes, f.expected.contentType, { 'x-api-key': t.key });
      assert.equal(again.status, 200, `${f.name} re-sent: ${again.text.slice(0, 300)}`);
      assert.equal(again.body.created, 0);
      assert.deepEqual(
        again.body.data.map((l: { id: string }) => l.id),
        ids,
        `${f.name} re-sent: the same leads`,
      );
    }
    const expectedTotal = fixtures.filter((f) => !f.expected.duplicateOf).reduce((n, f) => n + f.expected.leads.length, 0);
    const list = await api('GET', '/api/public/v1/leads?limit=100');
    assert.equal(list.body.data.length, expectedTotal, 'no lead was made twice');
  });

  it('takes the tenant default country for numbers without a country code', async () => {
    const t = await server.tenant();
    const { tenants } = await import('../src/storage/schema/index.ts');
    const { eq } = await import('drizzle-orm');
    await server.app.database.db
      .update(tenants)
      .set({ settings: { country: 'GB' } })
      .where(eq(tenants.id, t.tenantId));
    const api = client(server.url, { 'x-api-key': t.key });
    const doc =
      '<adf><prospect><id source="UK">1</id><vehicle><year>2020</year><make>Ford</make><model>Fiesta</model></vehicle><customer><contact><name part="full">Ann Brit</name><phone>020 7946 0958</phone></contact></customer></prospect></adf>';
    const res = await api('POST', '/api/public/v1/leads/adf', doc, { 'content-type': 'application/xml' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.data[0].contactPhone, '+442079460958');
  });

  it('fires crm.leads.created for an imported lead', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const doc = '<adf><prospect><id source="Events">E-1</id><customer><contact><name part="full">Eve Vent</name><email>eve@example.com</email></contact></customer></prospect></adf>';
    const res = await api('POST', '/api/public/v1/leads/adf', doc, { 'content-type': 'text/xml' });
    assert.equal(res.status, 201, res.text);
    const { events } = await import('../src/storage/schema/index.ts');
    const { and, eq } = await import('drizzle-orm');
    const rows = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, t.tenantId), eq(events.type, 'crm.leads.created')));
    assert.equal(rows.length, 1);
    assert.equal((rows[0].data as { id: string }).id, res.body.data[0].id);
  });

  it('refuses a JSON body (415), an empty body (415), a body over 1 MiB (413) and a key without leads:write (403)', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    assert.equal((await api('POST', '/api/public/v1/leads/adf', { adf: 1 })).status, 415);
    assert.equal((await api('POST', '/api/public/v1/leads/adf', '', { 'content-type': 'application/xml' })).status, 415);
    const big = await api('POST', '/api/public/v1/leads/adf', `<adf>${'x'.repeat(1024 * 1024 + 10)}</adf>`, { 'content-type': 'application/xml' });
    assert.equal(big.status, 413, big.text);
    assert.equal(big.body.error.code, 'payload_too_large');
    const reader = await server.key(t.tenantId, { scopes: ['leads:read'] });
    const denied = await client(server.url, { 'x-api-key': reader.key })('POST', '/api/public/v1/leads/adf', fixtures[0].bytes.toString(), { 'content-type': 'application/xml' });
    assert.equal(denied.status, 403);
    // Other routes still take JSON only.
    assert.equal((await api('POST', '/api/public/v1/leads', 'hello', { 'content-type': 'text/plain' })).status, 415);
  });

  it('accepts a document at a tokenised intake URL without a key; an unknown or revoked token is a 404', async () => {
    const t = await server.tenant();
    const token = await createIntakeToken(server.app.database.db, { tenantId: t.tenantId, environment: 'test', name: 'AutoTrader' });
    const anon = client(server.url);
    const f = fixtures.find((x) => x.name === 'cars-com')!;
    const res = await anon('POST', `/intake/adf/${token.token}`, f.bytes.toString(), { 'content-type': 'application/xml' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.data[0].externalId, 'CC-2026-000123');
    assert.equal(res.body.data[0].channel, 'http');
    const again = await anon('POST', `/intake/adf/${token.token.toUpperCase()}`, f.bytes.toString(), { 'content-type': 'application/xml' });
    assert.equal(again.status, 200, again.text);
    // The lead is the tenant's, in the token's environment.
    const lead = await client(server.url, { 'x-api-key': t.key })('GET', `/api/public/v1/leads/${res.body.data[0].id}`);
    assert.equal(lead.status, 200);
    assert.equal((await anon('POST', '/intake/adf/adf-aaaaaaaaaaaaaaaaaaaaaaaaaa', f.bytes.toString(), { 'content-type': 'application/xml' })).status, 404);
    await revokeIntakeToken(server.app.database.db, token.id, { tenantId: t.tenantId, environment: 'test' });
    const revoked = await anon('POST', `/intake/adf/${token.token}`, f.bytes.toString(), { 'content-type': 'application/xml' });
    assert.equal(revoked.status, 404);
    assert.equal(revoked.body.error.code, 'not_found');
  });

  it('makes one lead of concurrent duplicates of one id@source', { skip: usingPostgres ? false : 'PGlite serialises requests' }, async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const doc =
      '<adf><prospect><id source="RaceFeed">R-1</id><vehicle><year>2024</year><make>Kia</make><model>EV6</model></vehicle><customer><contact><name part="full">Ray Cee</name><email>ray.cee@example.com</email></contact></customer></prospect></adf>';
    const results = await Promise.all(Array.from({ length: 8 }, () => api('POST', '/api/public/v1/leads/adf', doc, { 'content-type': 'application/xml' })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 201], results.map((r) => r.text.slice(0, 200)).join('\n'));
    assert.equal(new Set(results.map((r) => r.body.data[0].id)).size, 1);
    const customers = await api('GET', '/api/public/v1/customers?limit=100');
    assert.equal(customers.body.data.filter((c: { email: string }) => c.email === 'ray.cee@example.com').length, 1, 'one customer too');
  });

  it('answers GET /leads/:id with Accept: application/xml as an ADF 1.0 document that imports again as the same lead data', async () => {
    const t = await server.tenant();
    const f = fixtures.find((x) => x.name === 'cars-com')!;
    const made = await postBytes(`${server.url}/api/public/v1/leads/adf`, f.bytes, 'application/xml', { 'x-api-key': t.key });
    const id = made.body.data[0].id;
    const res = await fetch(`${server.url}/api/public/v1/leads/${id}`, { headers: { 'x-api-key': t.key, accept: 'application/xml' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/xml/);
    const xml = await res.text();
    assert.match(xml, /<\?adf version="1.0"\?>/);
    assert.match(xml, new RegExp(`<id sequence="1" source="motors-crm">${id}</id>`));
    const other = await server.tenant();
    const back = await postBytes(`${server.url}/api/public/v1/leads/adf`, xml, 'application/xml', { 'x-api-key': other.key });
    assert.equal(back.status, 201, back.text);
    assert.deepEqual(back.body.warnings, []);
    for (const k of ['contactName', 'contactEmail', 'contactPhone', 'interest', 'vehicleOfInterest']) assert.deepEqual(back.body.data[0][k], made.body.data[0][k], k);
    // JSON stays the default, and errors keep their JSON shape.
    assert.equal((await client(server.url, { 'x-api-key': t.key })('GET', `/api/public/v1/leads/${id}`)).body.data.id, id);
    const missing = await fetch(`${server.url}/api/public/v1/leads/00000000-0000-7000-8000-000000000000`, { headers: { 'x-api-key': t.key, accept: 'application/xml' } });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'not_found');
  });
});
