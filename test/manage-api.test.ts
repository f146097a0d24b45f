import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { createTenant, createUser, type Role } from '../src/core/tenants.ts';

async function staff(server: TestServer, role: Role = 'owner') {
  const tenant = await createTenant(server.app.database.db, { name: `Staff dealer ${crypto.randomBytes(3).toString('hex')}` });
  const email = `${role}.${crypto.randomBytes(4).toString('hex')}@dealer.example`;
  await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Staff', role, password: 'correct-horse-battery' });
  const res = await fetch(`${server.url}/manage/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct-horse-battery' }) });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
  return { tenantId: tenant.id, email, cookieHeader: cookie, cookie: cookie.split(';')[0], api: client(server.url, { cookie: cookie.split(';')[0] }) };
}

/** A new staff member's sign-in response, sent with the given headers. */
async function signInWith(server: TestServer, headers: Record<string, string>) {
  const tenant = await createTenant(server.app.database.db, { name: `Proto dealer ${crypto.randomBytes(3).toString('hex')}` });
  const email = `proto.${crypto.randomBytes(4).toString('hex')}@dealer.example`;
  await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Staff', role: 'owner', password: 'correct-horse-battery' });
  const res = await client(server.url)('POST', '/manage/v1/session', { email, password: 'correct-horse-battery' }, headers);
  assert.equal(res.status, 200, res.text);
  return res;
}

describe('Management API (dashboard)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it('signs in, creates a key, sees its requests in the log and stats, and revokes it', async () => {
    const s = await staff(server);
    const me = await s.api('GET', '/manage/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.data.email, s.email);
    assert.equal(me.body.data.environment, 'test');

    const created = await s.api('POST', '/manage/v1/keys', { name: 'Website', environment: 'test', scopes: ['customers:read'] });
    assert.equal(created.status, 201, created.text);
    const key = created.body.data.key;
    assert.match(key, /^motors_sk_test_/);
    const listed = await s.api('GET', '/manage/v1/keys');
    assert.equal(listed.body.data.length, 1);
    assert.ok(!listed.text.includes(key), 'the full key is shown only once');

    const apiCall = await client(server.url, { 'x-api-key': key })('GET', '/api/public/v1/customers', undefined, { 'x-request-id': 'from-the-test' });
    assert.equal(apiCall.status, 200);
    await client(server.url, { 'x-api-key': key })('GET', '/crm-api/v1/clients');
    const logs = await s.api('GET', `/manage/v1/request-logs?keyId=${created.body.data.id}`);
    assert.equal(logs.status, 200, logs.text);
    assert.equal(logs.body.total, 2);
    const first = logs.body.data.find((l: JsonBody) => l.requestId === 'from-the-test');
    assert.equal(first.path, '/api/public/v1/customers');
    assert.equal(first.status, 200);
    assert.equal(logs.body.data.find((l: JsonBody) => l.path === '/crm-api/v1/clients').status, 403);
    const errors = await s.api('GET', '/manage/v1/request-logs?status=error');
    assert.equal(errors.body.total, 1);
    const stats = await s.api('GET', `/manage/v1/request-stats?keyId=${created.body.data.id}`);
    assert.equal(
      stats.body.data.reduce((n: number, h: JsonBody) => n + h.requests, 0),
      2,
    );
    assert.equal(
      stats.body.data.reduce((n: number, h: JsonBody) => n + h.errors, 0),
      1,
    );

    const revoked = await s.api('POST', `/manage/v1/keys/${created.body.data.id}/revoke`);
    assert.equal(revoked.status, 200);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await client(server.url, { 'x-api-key': key })('GET', '/api/public/v1/customers')).status, 401);
  });

  it('rotates a key: the new one works at once and the old one until the overlap ends', async () => {
    const s = await staff(server);
    const old = (await s.api('POST', '/manage/v1/keys', { name: 'ERP', environment: 'live', scopes: ['*'] })).body.data;
    const rotated = await s.api('POST', `/manage/v1/keys/${old.id}/rotate`, { overlapHours: 1 });
    assert.equal(rotated.status, 201, rotated.text);
    assert.equal(rotated.body.data.environment, 'live');
    assert.ok(rotated.body.data.replaces.expiresAt);
    assert.equal((await client(server.url, { 'x-api-key': rotated.body.data.key })('GET', '/api/public/v1/customers')).status, 200);
    assert.equal((await client(server.url, { 'x-api-key': old.key })('GET', '/api/public/v1/customers')).status, 200);
  });

  it('refuses members key management, API keys the management API, and cross-site writes', async () => {
    const member = await staff(server, 'member');
    const res = await member.api('POST', '/manage/v1/keys', { name: 'x', environment: 'test', scopes: ['*'] });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal((await member.api('GET', '/manage/v1/me')).status, 200);

    const t = await server.tenant();
    assert.equal((await client(server.url, { 'x-api-key': t.key })('GET', '/manage/v1/me')).status, 401);
    assert.equal((await client(server.url, { authorization: `Bearer ${t.key}` })('GET', '/manage/v1/keys')).status, 401);

    const owner = await staff(server);
    const evil = await owner.api('POST', '/manage/v1/keys', { name: 'x', environment: 'test', scopes: ['*'] }, { origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
  });

  it('refuses a wrong password, changes the password and signs out', async () => {
    const s = await staff(server);
    const wrong = await client(server.url)('POST', '/manage/v1/session', { email: s.email, password: 'nope-nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'unauthorized');
    const bad = await s.api('PUT', '/manage/v1/me/password', { currentPassword: 'nope', newPassword: 'another-long-one' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /currentPassword/);
    const ok = await s.api('PUT', '/manage/v1/me/password', { currentPassword: 'correct-horse-battery', newPassword: 'another-long-one' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await s.api('GET', '/manage/v1/me')).status, 401, 'other sessions end with the old password');
    const again = await client(server.url)('POST', '/manage/v1/session', { email: s.email, password: 'another-long-one' });
    assert.equal(again.status, 200);
    const api = client(server.url, { cookie: again.headers.get('set-cookie')!.split(';')[0] });
    assert.equal((await api('DELETE', '/manage/v1/session')).status, 200);
    assert.equal((await api('GET', '/manage/v1/me')).status, 401);
  });

  it('throttles wrong current passwords on change-password like failed sign-ins', async () => {
    const s = await staff(server);
    for (let i = 0; i < 10; i++) assert.equal((await s.api('PUT', '/manage/v1/me/password', { currentPassword: `guess-${i}`, newPassword: 'another-long-one' })).status, 400);
    const blocked = await s.api('PUT', '/manage/v1/me/password', { currentPassword: 'correct-horse-battery', newPassword: 'another-long-one' });
    assert.equal(blocked.status, 429, blocked.text);
    assert.equal(blocked.body.error.code, 'rate_limited');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal((await client(server.url)('POST', '/manage/v1/session', { email: s.email, password: 'correct-horse-battery' })).status, 429, 'one budget with sign-in');
  });

  it('sets no Secure cookie over http, whatever X-Forwarded-Proto an untrusted client sends', async () => {
    assert.doesNotMatch((await staff(server)).cookieHeader, /;\s*Secure/i);
    assert.doesNotMatch((await signInWith(server, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')!, /;\s*Secure/i);
  });

  describe('Management API: records and blog posts', () => {
    it('browses, edits, deletes and restores customers through the dashboard routes', async () => {
      const s = await staff(server, 'member');
      const collections = await s.api('GET', '/manage/v1/records');
      assert.ok(collections.body.data.some((c: JsonBody) => c.name === 'customers'));
      const created = await s.api('POST', '/manage/v1/records/customers', { firstName: 'Dash', lastName: 'Board' });
      assert.equal(created.status, 201, created.text);
      const id = created.body.data.id;
      const edited = await s.api('PUT', `/manage/v1/records/customers/${id}`, { notes: 'Called back' });
      assert.equal(edited.body.data.notes, 'Called back');
      const page = await s.api('GET', '/manage/v1/records/customers?limit=10');
      assert.equal(page.body.total, 1);
      assert.equal((await s.api('DELETE', `/manage/v1/records/customers/${id}`)).status, 200);
      assert.equal((await s.api('GET', '/manage/v1/records/customers')).body.total, 0);
      assert.equal((await s.api('GET', '/manage/v1/records/customers?deleted=true')).body.data[0].id, id);
      const restored = await s.api('POST', `/manage/v1/records/customers/${id}/restore`);
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.body.data.deletedAt, null);
      // The test environment is the default; live data is separate.
      assert.equal((await s.api('GET', '/manage/v1/records/customers', undefined, { 'x-motors-environment': 'live' })).body.total, 0);
    });

    it('refuses to delete a paid invoice (409), and deletes a draft one', async () => {
      const s = await staff(server, 'member');
      const customer = (await s.api('POST', '/manage/v1/records/customers', { firstName: 'Paid', lastName: 'Up' })).body.data;
      const invoice = async () => (await s.api('POST', '/manage/v1/records/invoices', { customerId: customer.id, lines: [{ description: 'Service', quantity: 1, unitAmount: 5000 }] })).body.data;
      const paid = await invoice();
      await s.api('PUT', `/manage/v1/records/invoices/${paid.id}`, { status: 'sent' });
      assert.equal((await s.api('PUT', `/manage/v1/records/invoices/${paid.id}`, { status: 'paid' })).status, 200);
      const refused = await s.api('DELETE', `/manage/v1/records/invoices/${paid.id}`);
      assert.equal(refused.status, 409, refused.text);
      assert.match(refused.body.error.message, /paid and cannot be deleted/);
      assert.equal((await s.api('DELETE', `/manage/v1/records/invoices/${(await invoice()).id}`)).status, 200);
    });

    it('publishes a blog post that the storefront then lists', async () => {
      const s = await staff(server);
      const draft = await s.api('POST', '/manage/v1/records/blogPosts', { title: 'Winter tyres: when to change', body: 'Below 7 °C…' });
      assert.equal(draft.status, 201, draft.text);
      assert.equal(draft.body.data.slug, 'winter-tyres-when-to-change');
      const created = await s.api('POST', '/manage/v1/keys', { name: 'Site', environment: 'test', scopes: ['blogs:read'] });
      const site = client(server.url, { 'x-api-key': created.body.data.key });
      assert.equal((await site('GET', '/external/blogs')).body.total, 0, 'drafts are not published');
      await s.api('PUT', `/manage/v1/records/blogPosts/${draft.body.data.id}`, { status: 'published' });
      const blogs = await site('GET', '/external/blogs');
      assert.equal(blogs.status, 200, blogs.text);
      assert.equal(blogs.body.total, 1);
      assert.equal(blogs.body.data[0].title, 'Winter tyres: when to change');
      assert.ok(blogs.body.data[0].publishedAt);
      assert.equal(blogs.body.totalPages, 1);
    });
  });

  describe('Management API: webhooks for the dashboard', () => {
    it('lets owners manage endpoints (same shapes as the CRM API) and refuses members', async () => {
      const owner = await staff(server);
      const created = await owner.api('POST', '/manage/v1/webhooks', { url: 'https://example.com/hooks', events: ['crm.customers.created'] });
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.data.secret, /^whsec_/);
      const list = await owner.api('GET', '/manage/v1/webhooks');
      assert.equal(list.body.data.length, 1);
      assert.equal(list.body.data[0].secret, undefined, 'the secret is only in the create response');
      const catalogue = await owner.api('GET', '/manage/v1/webhook-events');
      assert.ok(catalogue.body.data.includes('crm.invoices.status_changed'));
      // Every emitted type is in it, the blog's and the newsletter's too (from the event registry).
      for (const type of ['crm.blogPosts.created', 'crm.blogPosts.updated', 'crm.blogPosts.deleted', 'crm.newsletter.subscribed', 'crm.payments.created'])
        assert.ok(catalogue.body.data.includes(type), type);
      assert.ok(!catalogue.body.data.includes('crm.appointments.created'), 'no API reads appointments: their event is not emitted');
      const member = await staff(server, 'member');
      assert.equal((await member.api('GET', '/manage/v1/webhooks')).status, 403);
    });
  });
});

describe('Management API: behind a trusted proxy, and at an https PUBLIC_URL', () => {
  let proxied: TestServer;
  let https: TestServer;
  before(async () => {
    [proxied, https] = await Promise.all([startServer({ TRUST_PROXY: 'true' }), startServer({ PUBLIC_URL: 'https://crm.example.com' })]);
  });
  after(async () => Promise.all([proxied?.close(), https?.close()]));

  it('locks out one (email, address) after 10 failures, not the person; the per-email ceiling still applies', async () => {
    const s = await staff(proxied);
    const api = client(proxied.url);
    const signIn = (password: string, address: string) => api('POST', '/manage/v1/session', { email: s.email, password }, { 'x-forwarded-for': address });
    for (let i = 0; i < 10; i++) assert.equal((await signIn(`wrong-${i}`, '203.0.113.9')).status, 401);
    assert.equal((await signIn('correct-horse-battery', '203.0.113.9')).status, 429, 'that address is locked out');
    assert.equal((await signIn('correct-horse-battery', '203.0.113.10')).status, 200, 'the staff member elsewhere is not');
    // 90 more failures from nine other addresses reach the per-email ceiling of 100.
    for (let a = 1; a <= 9; a++) {
      const all = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(`wrong-${i}`, `198.51.100.${a}`)));
      assert.ok(
        all.every((r) => r.status === 401),
        all.map((r) => r.status).join(','),
      );
    }
    assert.equal((await signIn('correct-horse-battery', '192.0.2.77')).status, 429, 'the per-email ceiling');
  });

  it('sets Secure on the session cookie when PUBLIC_URL is https or a trusted proxy says the request came over https', async () => {
    assert.match((await staff(https)).cookieHeader, /;\s*Secure/i);
    assert.match((await signInWith(proxied, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')!, /;\s*Secure/i);
    assert.doesNotMatch((await signInWith(proxied, {})).headers.get('set-cookie')!, /;\s*Secure/i);
  });
});
