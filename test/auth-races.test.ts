import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { startServer, client, usingPostgres, redisUrl, type TestServer, type Res } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { customers } from '../src/storage/schema/index.ts';

// Concurrent requests against the authentication counters and tokens. On PGlite requests
// serialise, so there only one request's outcome is checked; the races run on PostgreSQL.
const burst = (n: number) => (usingPostgres ? n : 1);
const statuses = (all: Res[]) =>
  all
    .map((r) => r.status)
    .sort()
    .join(',');
const uniqueEmail = (what: string) => `${what}.${crypto.randomBytes(4).toString('hex')}@example.com`;

/** Wrong passwords sent at once to a sign-in route: 10 are verified (401), the rest refused unread (429). */
async function assertTenVerified(api: ReturnType<typeof client>, path: string, email: string) {
  const n = usingPostgres ? 60 : 11;
  const all = await Promise.all(Array.from({ length: n }, (_, i) => api('POST', path, { email, password: `wrong-${i}` })));
  assert.ok(
    all.every((r) => r.status === 401 || r.status === 429),
    statuses(all),
  );
  assert.equal(all.filter((r) => r.status === 401).length, 10, `verified: ${statuses(all)}`);
}

describe('Authentication under concurrent requests', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  const password = 'securepassword123';
  const shopper = { password, firstName: 'Race', lastName: 'Shopper' };

  it("rotates a refresh token once for 8 concurrent refreshes, and the reuse ends the whole family, the winner's tokens included", async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const reg = await api('POST', '/external/auth/register', { ...shopper, email: uniqueEmail('refresh') });
    assert.equal(reg.status, 201, reg.text);
    const n = burst(8);
    const all = await Promise.all(Array.from({ length: n }, () => api('POST', '/external/auth/refresh', { refresh_token: reg.body.data.refresh_token })));
    const won = all.filter((r) => r.status === 200);
    assert.equal(won.length, 1, statuses(all));
    assert.equal(all.filter((r) => r.status === 401).length, n - 1, statuses(all));
    if (n === 1) {
      // Reuse after the rotation, as the race's losers do.
      const reuse = await api('POST', '/external/auth/refresh', { refresh_token: reg.body.data.refresh_token });
      assert.equal(reuse.status, 401);
      assert.match(reuse.body.error, /already used/);
    }
    const winner = won[0].body.data;
    assert.equal((await api('POST', '/external/auth/refresh', { refresh_token: winner.refresh_token })).status, 401, "the winner's refresh token is revoked");
    const me = await api('GET', '/external/auth/me', undefined, { authorization: `Bearer ${winner.access_token}` });
    assert.equal(me.status, 401, "the winner's access token is refused");
    const first = await api('GET', '/external/auth/me', undefined, { authorization: `Bearer ${reg.body.data.access_token}` });
    assert.equal(first.status, 401, 'and so is the access token of the sign-in');
  });

  it('verifies at most 10 of 60 concurrent wrong-password Storefront sign-ins; the rest are 429', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const email = uniqueEmail('burst');
    assert.equal((await api('POST', '/external/auth/register', { ...shopper, email })).status, 201);
    await assertTenVerified(api, '/external/auth/login', email);
  });

  it('verifies at most 10 of 60 concurrent wrong-password dashboard sign-ins; the rest are 429', async () => {
    const tenant = await createTenant(server.app.database.db, { name: `Race dealer ${crypto.randomBytes(3).toString('hex')}` });
    const email = uniqueEmail('staff');
    await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Staff', role: 'owner', password: 'correct-horse-battery' });
    const api = client(server.url);
    await assertTenVerified(api, '/manage/v1/session', email);
  });

  it('signs in one shopper at a new dealer from 4 concurrent requests: all succeed, with one customer record', async () => {
    const a = await server.tenant();
    const email = uniqueEmail('first');
    assert.equal((await client(server.url, { 'x-api-key': a.key })('POST', '/external/auth/register', { ...shopper, email })).status, 201);
    // Several dealers, one after the other: a race that needs requests to interleave shows up in
    // one of the rounds at least.
    for (let round = 0; round < (usingPostgres ? 5 : 1); round++) {
      const b = await server.tenant();
      const apiB = client(server.url, { 'x-api-key': b.key });
      const all = await Promise.all(Array.from({ length: burst(4) }, () => apiB('POST', '/external/auth/login', { email, password })));
      assert.ok(
        all.every((r) => r.status === 200),
        all.map((r) => `${r.status} ${r.text.slice(0, 100)}`).join('\n'),
      );
      assert.equal(all.filter((r) => r.body.data.isNewCustomer).length, 1);
      assert.ok(all.every((r) => r.body.data.user.id === all[0].body.data.user.id));
      const linked = await server.app.database.db
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.tenantId, b.tenantId), eq(customers.accountId, all[0].body.data.user.id)));
      assert.equal(linked.length, 1);
    }
  });

  it('holds the budget across two servers (each with its own limiter) sharing Redis', { skip: !(usingPostgres && redisUrl) && 'needs PostgreSQL and REDIS_URL' }, async () => {
    const other = await startServer({}, { databaseUrl: server.config.DATABASE_URL });
    try {
      const tenant = await createTenant(server.app.database.db, { name: `Two-process dealer ${crypto.randomBytes(3).toString('hex')}` });
      const email = uniqueEmail('shared');
      await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Staff', role: 'owner', password: 'correct-horse-battery' });
      const apis = [client(server.url), client(other.url)];
      const all = await Promise.all(Array.from({ length: 60 }, (_, i) => apis[i % 2]('POST', '/manage/v1/session', { email, password: `wrong-${i}` })));
      assert.equal(all.filter((r) => r.status === 401).length, 10, `verified: ${statuses(all)}`);
    } finally {
      await other.close();
    }
  });
});
