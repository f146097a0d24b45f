import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { startServer, client, type TestServer } from './helpers.ts';
import { events } from '../src/storage/schema/index.ts';
import { SIGN_IN_POLICY } from '../src/http/platform/sign-in-throttle.ts';

describe('Storefront API: customer accounts', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  const shopper = { email: 'John.Doe@example.com', password: 'securepassword123', firstName: 'John', lastName: 'Doe', phone: { mobile: '+1234567890' } };

  it('registers a shopper as a customer of the dealer, with an event, readable through the other APIs', async () => {
    const dealer = await server.tenant();
    const api = client(server.url, { 'x-api-key': dealer.key });
    const res = await api('POST', '/external/auth/register', shopper);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.statusCode, 201);
    const d = res.body.data;
    assert.equal(d.isNewUser, true);
    assert.equal(d.isNewCustomer, true);
    assert.equal(d.token_type, 'Bearer');
    assert.equal(d.expires_in, 3600);
    assert.equal(d.user.email, 'john.doe@example.com');
    assert.deepEqual(d.user.phone, { mobile: '+1234567890' });

    const me = await api('GET', '/external/auth/me', undefined, { authorization: `Bearer ${d.access_token}` });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.data.user.id, d.user.id);
    const customerId = me.body.data.customer.customerId;
    assert.equal(me.body.data.customer.lifecycleStage, 'PROSPECT');

    const record = await api('GET', `/api/public/v1/customers/${customerId}`);
    assert.equal(record.body.data.email, 'john.doe@example.com');
    assert.equal(record.body.data.source, 'storefront');
    const evts = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, dealer.tenantId), eq(events.type, 'crm.customers.created')));
    assert.equal(evts.length, 1);

    const again = await api('POST', '/external/auth/register', shopper);
    assert.equal(again.status, 409);
    assert.match(again.body.error, /an account with this email exists/);
  });

  it('links a shopper to a second dealer only with the right password, with an independent customer record', async () => {
    const a = await server.tenant();
    const b = await server.tenant();
    const email = 'second.dealer@example.com';
    const reg = await client(server.url, { 'x-api-key': a.key })('POST', '/external/auth/register', { ...shopper, email });
    assert.equal(reg.status, 201);
    const apiB = client(server.url, { 'x-api-key': b.key });
    const wrong = await apiB('POST', '/external/auth/login', { email, password: 'not-the-password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.statusCode, 401);
    const stolen = await apiB('POST', '/external/auth/register', { ...shopper, email, password: 'attacker-password' });
    assert.equal(stolen.status, 409);
    const ok = await apiB('POST', '/external/auth/login', { email, password: shopper.password });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.data.isNewCustomer, true);
    assert.equal(ok.body.data.user.id, reg.body.data.user.id, 'one global person');
    const again = await apiB('POST', '/external/auth/login', { email, password: shopper.password });
    assert.equal(again.body.data.isNewCustomer, false);
    const listA = await client(server.url, { 'x-api-key': a.key })('GET', '/external/customers');
    const listB = await apiB('GET', '/external/customers');
    assert.equal(listA.body.total, 1);
    assert.equal(listB.body.total, 1);
    assert.notEqual(listA.body.data[0].id, listB.body.data[0].id, 'independent customer records');
  });

  it('does not hand an existing customer record to whoever registers its email', async () => {
    const dealer = await server.tenant();
    const api = client(server.url, { 'x-api-key': dealer.key });
    const existing = await api('POST', '/api/public/v1/customers', { firstName: 'Real', lastName: 'Owner', email: 'taken@example.com', notes: 'VIP, private' });
    assert.equal(existing.status, 201, existing.text);
    const reg = await api('POST', '/external/auth/register', { ...shopper, email: 'taken@example.com' });
    assert.equal(reg.status, 201, reg.text);
    assert.equal(reg.body.data.isNewCustomer, true);
    const me = await api('GET', '/external/auth/me', undefined, { authorization: `Bearer ${reg.body.data.access_token}` });
    assert.notEqual(me.body.data.customer.customerId, existing.body.data.id);
  });

  it('refuses a token from another dealer or the other environment', async () => {
    const a = await server.tenant();
    const b = await server.tenant();
    const aLive = await server.key(a.tenantId, { env: 'live' });
    const reg = await client(server.url, { 'x-api-key': a.key })('POST', '/external/auth/register', { ...shopper, email: 'bound@example.com' });
    const bearer = { authorization: `Bearer ${reg.body.data.access_token}` };
    assert.equal((await client(server.url, { 'x-api-key': a.key })('GET', '/external/auth/me', undefined, bearer)).status, 200);
    const otherDealer = await client(server.url, { 'x-api-key': b.key })('GET', '/external/auth/me', undefined, bearer);
    assert.equal(otherDealer.status, 401);
    assert.equal(otherDealer.body.message, 'Unauthorized');
    assert.equal((await client(server.url, { 'x-api-key': aLive.key })('GET', '/external/auth/me', undefined, bearer)).status, 401);
    assert.equal((await client(server.url, { 'x-api-key': a.key })('GET', '/external/auth/me')).status, 401, 'no token');
    assert.equal((await client(server.url, { 'x-api-key': a.key })('GET', '/external/auth/me', undefined, { authorization: 'Bearer garbage' })).status, 401);
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const reg = await api('POST', '/external/auth/register', { ...shopper, email: 'rotate@example.com' });
    const first = reg.body.data.refresh_token;
    const r1 = await api('POST', '/external/auth/refresh', { refresh_token: first });
    assert.equal(r1.status, 200, r1.text);
    const second = r1.body.data.refresh_token;
    assert.notEqual(second, first);
    assert.equal((await api('GET', '/external/auth/me', undefined, { authorization: `Bearer ${r1.body.data.access_token}` })).status, 200);

    const reuse = await api('POST', '/external/auth/refresh', { refresh_token: first });
    assert.equal(reuse.status, 401);
    assert.match(reuse.body.error, /already used/);
    const afterReuse = await api('POST', '/external/auth/refresh', { refresh_token: second });
    assert.equal(afterReuse.status, 401, 'the family is revoked');

    const login = await api('POST', '/external/auth/login', { email: 'rotate@example.com', password: shopper.password });
    const out = await api('POST', '/external/auth/logout', { refresh_token: login.body.data.refresh_token });
    assert.equal(out.status, 200);
    assert.equal((await api('POST', '/external/auth/refresh', { refresh_token: login.body.data.refresh_token })).status, 401);
  });

  it('throttles failed sign-ins: the 11th failure in 15 minutes is a 429', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    await api('POST', '/external/auth/register', { ...shopper, email: 'throttle@example.com' });
    for (let i = 0; i < 10; i++) {
      assert.equal((await api('POST', '/external/auth/login', { email: 'throttle@example.com', password: `wrong-${i}` })).status, 401);
    }
    const blocked = await api('POST', '/external/auth/login', { email: 'throttle@example.com', password: shopper.password });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.statusCode, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  });

  it('a retried failed sign-in (same Idempotency-Key) is replayed, not counted as another failure', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    await api('POST', '/external/auth/register', { ...shopper, email: 'retry@example.com' });
    const wrong = { email: 'retry@example.com', password: 'wrong-password' };
    const first = await api('POST', '/external/auth/login', wrong, { 'idempotency-key': 'signin-1' });
    assert.equal(first.status, 401);
    for (let i = 0; i < 12; i++) {
      const again = await api('POST', '/external/auth/login', wrong, { 'idempotency-key': 'signin-1' });
      assert.equal(again.status, 401, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
    }
    // One failure counted, not thirteen: the shopper can still sign in.
    assert.equal((await api('POST', '/external/auth/login', { email: 'retry@example.com', password: shopper.password })).status, 200);
  });

  it('names every missing or invalid field', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const res = await api('POST', '/external/auth/register', { email: 'nope', password: 'short' });
    assert.equal(res.status, 400);
    for (const field of ['body.email', 'body.password', 'body.firstName', 'body.lastName']) assert.match(res.body.error, new RegExp(field.replace('.', '\\.')));
    assert.match(res.body.error, /at least 8 characters/);
  });

  describe('Storefront API: sign-in throttling', () => {
    const shopper = { password: 'securepassword123', firstName: 'Jane', lastName: 'Roe' };
    const uniqueEmail = (what: string) => `${what}.${crypto.randomBytes(4).toString('hex')}@example.com`;

    it('refuses every registration of an existing email alike, and counts it against the sign-in budget', async () => {
      const a = await server.tenant();
      const b = await server.tenant();
      const apiA = client(server.url, { 'x-api-key': a.key });
      const apiB = client(server.url, { 'x-api-key': b.key });
      const email = uniqueEmail('oracle');
      assert.equal((await apiA('POST', '/external/auth/register', { ...shopper, email })).status, 201);
      const wrongPassword = await apiB('POST', '/external/auth/register', { ...shopper, email, password: 'a-guessed-password' });
      const alreadyHere = await apiA('POST', '/external/auth/register', { ...shopper, email });
      assert.equal(wrongPassword.status, 409);
      assert.equal(alreadyHere.status, 409);
      const shape = (r: { body: Record<string, unknown> }) => ({ ...r.body, timestamp: undefined });
      assert.deepEqual(shape(wrongPassword), shape(alreadyHere), 'a wrong password and an existing registration look the same');
      for (let i = 1; i < 10; i++) assert.equal((await apiB('POST', '/external/auth/register', { ...shopper, email, password: `guess-number-${i}` })).status, 409);
      // Ten failures spent: neither registering nor signing in tells whether the next guess is right.
      assert.equal((await apiB('POST', '/external/auth/register', { ...shopper, email })).status, 429);
      assert.equal((await apiB('POST', '/external/auth/login', { email, password: shopper.password })).status, 429);
    });

    it('ignores X-Forwarded-For without TRUST_PROXY: rotating it does not reset the per-address budget', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const attempt = (i: number) => api('POST', '/external/auth/login', { email: uniqueEmail(`spray${i}`), password: 'wrong-password' }, { 'x-forwarded-for': `198.51.100.${i % 250}` });
      for (let i = 0; i < SIGN_IN_POLICY.perAddress; i += 20) {
        const all = await Promise.all(Array.from({ length: 20 }, (_, j) => attempt(i + j)));
        assert.ok(
          all.every((r) => r.status === 401),
          all.map((r) => r.status).join(','),
        );
      }
      const blocked = await attempt(1000);
      assert.equal(blocked.status, 429, 'the 101st failure from one address, whatever it claims to forward');
    });
  });
});

describe('Storefront API: sign-in throttling behind a trusted proxy (TRUST_PROXY=true)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ TRUST_PROXY: 'true' });
  });
  after(async () => server?.close());

  it('counts per (email, client address): a shopper elsewhere still signs in after one address is locked out', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const email = `proxied.${crypto.randomBytes(4).toString('hex')}@example.com`;
    const password = 'securepassword123';
    assert.equal((await api('POST', '/external/auth/register', { email, password, firstName: 'P', lastName: 'Q' })).status, 201);
    const from = (address: string) => ({ 'x-forwarded-for': `${address}, 10.0.0.1` });
    for (let i = 0; i < 10; i++) assert.equal((await api('POST', '/external/auth/login', { email, password: `wrong-${i}` }, from('203.0.113.1'))).status, 401);
    assert.equal((await api('POST', '/external/auth/login', { email, password }, from('203.0.113.1'))).status, 429);
    const elsewhere = await api('POST', '/external/auth/login', { email, password }, from('203.0.113.2'));
    assert.equal(elsewhere.status, 200, elsewhere.text);
  });
});
