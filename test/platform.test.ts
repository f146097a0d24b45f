import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, type Res, type TestServer, type JsonBody } from './helpers.ts';
import { revokeApiKey } from '../src/core/api-keys.ts';

// The rules every surface shares, checked on one route of each.
const surfaces = {
  records: {
    list: '/api/public/v1/customers',
    create: '/api/public/v1/customers',
    scope: 'customers:read',
    writeScope: 'customers:write',
    body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  },
  crm: { list: '/crm-api/v1/clients', create: '/crm-api/v1/clients', scope: 'clients:read', writeScope: 'clients:write', body: { name: 'Ada Lovelace', email: 'ada@example.com' } },
  storefront: { list: '/external/customers', create: '/external/newsletter/subscribe', scope: 'customers:read', writeScope: 'newsletter:write', body: { email: 'ada@example.com' } },
} as const;
type SurfaceName = keyof typeof surfaces;

function assertErrorShape(surface: SurfaceName, body: JsonBody, status: number, code: string) {
  if (surface === 'storefront') {
    assert.equal(body.statusCode, status, JSON.stringify(body));
    assert.equal(typeof body.message, 'string');
    assert.equal(typeof body.error, 'string');
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)), 'timestamp is ISO 8601');
    assert.equal(body.code, code, JSON.stringify(body));
  } else {
    assert.equal(typeof body.error?.message, 'string', JSON.stringify(body));
    assert.equal(body.error.code, code, JSON.stringify(body));
  }
}

const keyHeaders = (surface: SurfaceName, key: string, form: 'x-api-key' | 'bearer' = 'x-api-key'): Record<string, string> =>
  form === 'bearer' && surface !== 'storefront' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };

describe('platform rules on every surface', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  for (const [name, s] of Object.entries(surfaces) as [SurfaceName, (typeof surfaces)[SurfaceName]][]) {
    describe(name, () => {
      it('refuses a request without a key with 401 in the surface shape', async () => {
        const res = await client(server.url)('GET', s.list);
        assert.equal(res.status, 401);
        assertErrorShape(name, res.body, 401, 'unauthorized');
      });

      it('refuses a wrong key, a malformed key and a key with a bad checksum', async () => {
        const { key } = await server.tenant();
        const flipped = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
        for (const bad of ['nope', 'motors_sk_test_' + 'x'.repeat(39), flipped]) {
          const res = await client(server.url, { 'x-api-key': bad })('GET', s.list);
          assert.equal(res.status, 401, bad);
          assertErrorShape(name, res.body, 401, 'unauthorized');
        }
      });

      it('accepts the key in each header form the surface documents', async () => {
        const { key } = await server.tenant();
        const viaHeader = await client(server.url, { 'x-api-key': key })('GET', s.list);
        assert.equal(viaHeader.status, 200, viaHeader.text);
        const viaBearer = await client(server.url, { authorization: `Bearer ${key}` })('GET', s.list);
        // The storefront's Authorization header carries the shopper's JWT, never the key.
        assert.equal(viaBearer.status, name === 'storefront' ? 401 : 200, viaBearer.text);
      });

      it('refuses a key without the scope with 403 naming it', async () => {
        const { key } = await server.tenant({ scopes: ['leads:read'] });
        const res = await client(server.url, keyHeaders(name, key))('GET', s.list);
        assert.equal(res.status, 403);
        assertErrorShape(name, res.body, 403, 'insufficient_scope');
        assert.match(name === 'storefront' ? res.body.error : res.body.error.message, new RegExp(s.scope));
        const writeRes = await client(server.url, keyHeaders(name, key))('POST', s.create, s.body);
        assert.equal(writeRes.status, 403);
        assert.match(JSON.stringify(writeRes.body), new RegExp(s.writeScope));
      });

      it('puts rate-limit headers on every authenticated response and answers the 101st request of a minute with 429', async () => {
        const { key } = await server.tenant({ rateLimit: 100 });
        const request = client(server.url, keyHeaders(name, key));
        let last: Res | undefined;
        for (let i = 0; i < 100; i++) {
          last = await request('GET', s.list);
          assert.equal(last.status, 200, `request ${i + 1}: ${last.text}`);
        }
        assert.equal(last!.headers.get('x-ratelimit-limit'), '100');
        assert.equal(last!.headers.get('x-ratelimit-remaining'), '0');
        const reset = Number(last!.headers.get('x-ratelimit-reset'));
        assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61, `reset ${reset} is epoch seconds within the minute`);
        assert.match(last!.headers.get('ratelimit-policy')!, /q=100;w=60/);
        assert.match(last!.headers.get('ratelimit')!, /r=0;t=\d+/);
        const over = await request('GET', s.list);
        assert.equal(over.status, 429);
        assertErrorShape(name, over.body, 429, 'rate_limited');
        assert.ok(Number(over.headers.get('retry-after')) >= 1);
        assert.equal(over.headers.get('x-ratelimit-remaining'), '0');
      });

      it('replays an idempotent POST, refuses the key with another body (422), and creates one record for 20 concurrent duplicates', async () => {
        const { key } = await server.tenant();
        const request = client(server.url, keyHeaders(name, key));
        const first = await request('POST', s.create, s.body, { 'idempotency-key': 'order-1' });
        assert.ok(first.status < 300, first.text);
        const again = await request('POST', s.create, s.body, { 'idempotency-key': 'order-1' });
        assert.equal(again.status, first.status);
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
        assert.deepEqual(again.body, first.body);
        const other = await request('POST', s.create, { ...s.body, email: 'other@example.com' }, { 'idempotency-key': 'order-1' });
        assert.equal(other.status, 422);
        assertErrorShape(name, other.body, 422, 'idempotency_key_reused');

        const burst = await Promise.all(Array.from({ length: 20 }, () => request('POST', s.create, { ...s.body, email: 'burst@example.com' }, { 'idempotency-key': 'burst-1' })));
        for (const r of burst) assert.ok(r.status < 300 || r.status === 409, `${r.status} ${r.text}`);
        for (const r of burst.filter((r) => r.status === 409)) assertErrorShape(name, r.body, 409, 'idempotency_key_in_use');
        const ok = burst.filter((r) => r.status < 300);
        assert.ok(ok.length >= 1);
        assert.equal(new Set(ok.map((r) => JSON.stringify(r.body))).size, 1, 'every success is the same response');
      });

      it('answers malformed requests with a 4xx in the surface shape', async () => {
        const { key } = await server.tenant();
        const request = client(server.url, keyHeaders(name, key));
        const cases: [string, Promise<JsonBody>, number, string][] = [
          ['invalid JSON', request('POST', s.create, '{"email": ', { 'content-type': 'application/json' }), 400, 'invalid_json'],
          ['text/plain', request('POST', s.create, 'hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
          ['wrong type', request('POST', s.create, { ...s.body, email: 42 }), 400, 'validation_failed'],
          ['unknown field', request('POST', s.create, { ...s.body, colour: 'red' }), 400, 'validation_failed'],
          ['prototype pollution', request('POST', s.create, `{"email":"a@b.co","__proto__":{"admin":true}}`, { 'content-type': 'application/json' }), 400, 'bad_request'],
          ['body over 1 MiB', request('POST', s.create, JSON.stringify({ ...s.body, notes: 'x'.repeat(1024 * 1024) })), 413, 'payload_too_large'],
          ['unknown route', request('GET', s.list + '/nothing/here'), 404, 'not_found'],
          ['wrong method', request('DELETE', s.create), 405, 'method_not_allowed'],
        ];
        for (const [label, pending, status, code] of cases) {
          const res = await pending;
          assert.equal(res.status, status, `${label}: ${res.text}`);
          assertErrorShape(name, res.body, status, code);
          assert.doesNotMatch(res.text, /at .*\.ts:\d+/, `${label}: no stack trace`);
        }
        const typed = await request('POST', s.create, { ...s.body, email: 42 });
        assert.match(JSON.stringify(typed.body), /body\.email/, 'the message names the field');
      });
    });
  }

  it('keeps tenants apart: another dealership’s customer is a 404 on every surface', async () => {
    const a = await server.tenant();
    const b = await server.tenant();
    const created = await client(server.url, { 'x-api-key': a.key })('POST', '/api/public/v1/customers', { firstName: 'Only', lastName: 'A' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.data.id;
    for (const path of [`/api/public/v1/customers/${id}`, `/crm-api/v1/clients/${id}`, `/external/customers/${id}`]) {
      assert.equal((await client(server.url, { 'x-api-key': a.key })('GET', path)).status, 200, path);
      assert.equal((await client(server.url, { 'x-api-key': b.key })('GET', path)).status, 404, path);
    }
    const list = await client(server.url, { 'x-api-key': b.key })('GET', '/api/public/v1/customers?includeTotal=true');
    assert.equal(list.body.total, 0);
    const put = await client(server.url, { 'x-api-key': b.key })('PUT', `/api/public/v1/customers/${id}`, { notes: 'hijack' });
    assert.equal(put.status, 404);
    const del = await client(server.url, { 'x-api-key': b.key })('DELETE', `/crm-api/v1/clients/${id}`);
    assert.equal(del.status, 404);
  });

  it('keeps environments apart: a live key does not see test data', async () => {
    const t = await server.tenant({ env: 'test' });
    const live = await server.key(t.tenantId, { env: 'live' });
    const created = await client(server.url, { 'x-api-key': t.key })('POST', '/api/public/v1/customers', { firstName: 'Test', lastName: 'Only' });
    const id = created.body.data.id;
    assert.equal((await client(server.url, { 'x-api-key': live.key })('GET', `/api/public/v1/customers/${id}`)).status, 404);
    assert.equal((await client(server.url, { 'x-api-key': live.key })('GET', '/crm-api/v1/clients')).body.pagination.total, 0);
    assert.equal((await client(server.url, { 'x-api-key': t.key })('GET', '/crm-api/v1/clients')).body.pagination.total, 1);
  });

  it('refuses a revoked key within one second', async () => {
    const t = await server.tenant();
    const request = client(server.url, { 'x-api-key': t.key });
    assert.equal((await request('GET', '/api/public/v1/customers')).status, 200);
    await revokeApiKey(server.app.database.db, t.tenantId, t.keyId);
    await new Promise((r) => setTimeout(r, 1000));
    const res = await request('GET', '/api/public/v1/customers');
    assert.equal(res.status, 401);
    assert.match(res.body.error.message, /revoked/);
  });

  it('echoes X-Request-Id and makes one up when none is sent', async () => {
    const res = await client(server.url)('GET', '/healthz', undefined, { 'x-request-id': 'trace-123' });
    assert.equal(res.headers.get('x-request-id'), 'trace-123');
    const fresh = await client(server.url)('GET', '/healthz');
    assert.match(fresh.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });

  it('reports health and readiness', async () => {
    assert.equal((await client(server.url)('GET', '/healthz')).status, 200);
    const ready = await client(server.url)('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
  });

  it('documents every route in /openapi.json with its security, scope and error responses', async () => {
    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]: [string, JsonBody]) => Object.entries(ops).map(([m, op]) => ({ path, m, op: op as JsonBody })));
    assert.ok(operations.length >= 10);
    for (const { path, m, op } of operations) {
      // A feed's address is its credential (a token in the path, which OpenAPI's security schemes
      // cannot name): Google and Meta fetch it without headers. Wrong token → 404 (test/feeds.test.ts).
      if (path.startsWith('/feeds/{token}/')) continue;
      // Likewise a staff invitation or password-reset link, opened signed out (test/staff-users.test.ts).
      if (/^\/manage\/v1\/(invitation-links|password-resets)(\/|$)/.test(path)) continue;
      assert.ok(op.security?.length, `${m} ${path} has security`);
      assert.ok(op.summary, `${m} ${path} has a summary`);
      for (const status of ['400', '401', '403', '429']) assert.ok(op.responses[status], `${m} ${path} documents ${status}`);
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    for (const ref of new Set(refs)) assert.ok(doc.components?.schemas?.[ref], `$ref ${ref} resolves`);
    const docs = await fetch(server.url + '/docs/', { redirect: 'follow' });
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /<html/i);
  });
});
