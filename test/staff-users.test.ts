import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startSmtpReceiver } from './smtp-receiver.ts';
import { startServer, client, usingPostgres, type TestServer } from './helpers.ts';
import { createTenant, createUser, type Role } from '../src/core/tenants.ts';
import { banner, dashboardSignIn } from '../src/start.ts';
import { loadConfig } from '../src/config.ts';

// Staff accounts: invitations and password resets through the management API, with a real SMTP
// server playing the operator's relay for the reset mail.

const unique = () => crypto.randomBytes(4).toString('hex');
const cookieOf = (headers: Headers) => headers.get('set-cookie')?.split(';')[0];

const PUBLIC = 'https://crm.dealer.example';
const logLines: string[] = [];

describe('staff accounts: invitations and password resets', () => {
  let server: TestServer;
  let relay: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let anon: ReturnType<typeof client>;

  before(async () => {
    relay = await startSmtpReceiver();
    server = await startServer({ SMTP_RELAY_URL: relay.url, SMTP_RELAY_FROM: 'crm@dealer.example', PUBLIC_URL: PUBLIC, LOG_LEVEL: 'info' }, { logLines });
    anon = client(server.url);
  });
  after(async () => {
    await server?.close();
    await relay?.close();
  });

  async function staffUser(role: Role, tenantId?: string) {
    const tenant = tenantId ?? (await createTenant(server.app.database.db, { name: `Dealer ${unique()}` })).id;
    const email = `${role}.${unique()}@dealer.example`;
    await createUser(server.app.database.db, { tenantId: tenant, email, name: role, role, password: 'correct-horse-battery' });
    const res = await anon('POST', '/manage/v1/session', { email, password: 'correct-horse-battery' });
    assert.equal(res.status, 200, res.text);
    return { tenantId: tenant, email, as: client(server.url, { cookie: cookieOf(res.headers)! }) };
  }
  const tokenOf = (url: string) => url.split('/').pop()!;

  it('an invited member opens the link, creates the account, is signed in as a member, and the link works once', async () => {
    const owner = await staffUser('owner');
    const email = `new.${unique()}@dealer.example`;
    const invited = await owner.as('POST', '/manage/v1/invitations', { email: email.toUpperCase(), role: 'member' });
    assert.equal(invited.status, 201, invited.text);
    assert.equal(invited.body.data.email, email);
    assert.equal(invited.body.data.status, 'pending');
    assert.match(invited.body.data.url, new RegExp(`^${PUBLIC}/dashboard/invite/msl_[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(invited.body.data.url);

    const peek = await anon('GET', `/manage/v1/invitation-links/${token}`);
    assert.equal(peek.status, 200, peek.text);
    assert.equal(peek.body.data.email, email);
    assert.equal(peek.body.data.role, 'member');

    const weak = await anon('POST', `/manage/v1/invitation-links/${token}`, { name: 'Nia', password: 'short' });
    assert.equal(weak.status, 400, weak.text);
    assert.match(weak.text, /password/);

    const accepted = await anon('POST', `/manage/v1/invitation-links/${token}`, { name: 'Nia Okafor', password: 'a-good-long-password' });
    assert.equal(accepted.status, 201, accepted.text);
    const me = await client(server.url, { cookie: cookieOf(accepted.headers)! })('GET', '/manage/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.data.email, email);
    assert.equal(me.body.data.role, 'member');
    assert.equal(me.body.data.tenantId, owner.tenantId);

    const again = await anon('POST', `/manage/v1/invitation-links/${token}`, { name: 'Mallory', password: 'another-long-password' });
    assert.equal(again.status, 404, again.text);
    assert.equal((await anon('GET', `/manage/v1/invitation-links/${token}`)).status, 404);

    const list = await owner.as('GET', '/manage/v1/invitations');
    const done = list.body.data.find((i: { email: string }) => i.email === email);
    assert.equal(done?.status, 'accepted');
    assert.equal((await owner.as('POST', `/manage/v1/invitations/${done.id}/revoke`)).status, 409, 'an accepted invitation is not withdrawn after the fact');
    const people = await owner.as('GET', '/manage/v1/users');
    assert.ok(people.body.data.some((u: { email: string; role: string }) => u.email === email && u.role === 'member'));
  });

  it('refuses what a role may not do, an email that has an account, and a withdrawn link', async () => {
    const owner = await staffUser('owner');
    const admin = await staffUser('admin', owner.tenantId);
    const member = await staffUser('member', owner.tenantId);
    assert.equal((await member.as('POST', '/manage/v1/invitations', { email: `x.${unique()}@dealer.example` })).status, 403);
    const asOwner = await admin.as('POST', '/manage/v1/invitations', { email: `x.${unique()}@dealer.example`, role: 'owner' });
    assert.equal(asOwner.status, 403, asOwner.text);
    assert.match(asOwner.text, /only an owner/);
    const taken = await owner.as('POST', '/manage/v1/invitations', { email: member.email });
    assert.equal(taken.status, 409, taken.text);
    const bad = await owner.as('POST', '/manage/v1/invitations', { email: 'not-an-email' });
    assert.equal(bad.status, 400, bad.text);

    const invited = await admin.as('POST', '/manage/v1/invitations', { email: `y.${unique()}@dealer.example`, role: 'admin' });
    assert.equal(invited.status, 201, invited.text);
    const revoked = await owner.as('POST', `/manage/v1/invitations/${invited.body.data.id}/revoke`);
    assert.equal(revoked.body.data.status, 'revoked');
    const late = await anon('POST', `/manage/v1/invitation-links/${tokenOf(invited.body.data.url)}`, { name: 'Late', password: 'a-good-long-password' });
    assert.equal(late.status, 404, late.text);

    // Another dealership's invitation is not found from here.
    const other = await staffUser('owner');
    assert.equal((await other.as('POST', `/manage/v1/invitations/${invited.body.data.id}/revoke`)).status, 404);
    assert.ok(!(await other.as('GET', '/manage/v1/users')).body.data.some((u: { email: string }) => u.email === member.email));
  });

  it('accepts one of several concurrent uses of one invitation link', { skip: usingPostgres ? false : 'PGlite serialises requests' }, async () => {
    const owner = await staffUser('owner');
    const invited = await owner.as('POST', '/manage/v1/invitations', { email: `race.${unique()}@dealer.example` });
    const token = tokenOf(invited.body.data.url);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => anon('POST', `/manage/v1/invitation-links/${token}`, { name: `Racer ${i}`, password: 'a-good-long-password' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 404, 404, 404, 404, 404], results.map((r) => r.text).join('\n'));
  });

  it('mails a reset link that sets a new password once and ends the old sessions; an unknown email gets the same answer and no mail', async () => {
    const user = await staffUser('admin');
    const before = relay.mails.length;
    const unknown = await anon('POST', '/manage/v1/password-resets', { email: `nobody.${unique()}@dealer.example` });
    assert.equal(unknown.status, 202, unknown.text);
    const asked = await anon('POST', '/manage/v1/password-resets', { email: user.email });
    assert.equal(asked.status, 202, asked.text);
    assert.deepEqual(asked.body, unknown.body, 'the answer does not tell whether the email has an account');
    // The mail goes out after the answer (so the answer takes as long for an unknown email).
    for (let i = 0; i < 100 && relay.mails.length < before + 1; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(relay.mails.length, before + 1, 'one mail, for the known email only');
    const mail = relay.mails.at(-1)!;
    assert.deepEqual(mail.to, [user.email]);
    const url = /https:\/\/crm\.dealer\.example\/dashboard\/reset\/msl_[A-Za-z0-9_-]{43}/.exec(mail.raw.toString('utf8').replace(/=\r?\n/g, ''))?.[0];
    assert.ok(url, mail.raw.toString('utf8'));
    const token = tokenOf(url);

    assert.equal((await anon('GET', `/manage/v1/password-resets/${token}`)).body.data.email, user.email);
    const done = await anon('POST', `/manage/v1/password-resets/${token}`, { password: 'brand-new-password' });
    assert.equal(done.status, 200, done.text);
    assert.equal((await user.as('GET', '/manage/v1/me')).status, 401, 'the old session ended');
    assert.equal((await anon('POST', '/manage/v1/session', { email: user.email, password: 'correct-horse-battery' })).status, 401);
    assert.equal((await anon('POST', '/manage/v1/session', { email: user.email, password: 'brand-new-password' })).status, 200);
    assert.equal((await anon('POST', `/manage/v1/password-resets/${token}`, { password: 'third-password-here' })).status, 404, 'a link works once');
    assert.ok(!logLines.some((l) => l.includes(token.slice(4))), 'the link never reaches the logs in clear');
    assert.ok(
      logLines.some((l) => l.includes('/manage/v1/password-resets/')),
      'the requests were logged (redacted)',
    );
  });

  it('a reset ends the older links of that user too', async () => {
    const user = await staffUser('owner');
    const mailed = async () => {
      const before = relay.mails.length;
      assert.equal((await anon('POST', '/manage/v1/password-resets', { email: user.email })).status, 202);
      for (let i = 0; i < 100 && relay.mails.length === before; i++) await new Promise((r) => setTimeout(r, 20));
      return /\/reset\/(msl_[A-Za-z0-9_-]{43})/.exec(
        relay.mails
          .at(-1)!
          .raw.toString('utf8')
          .replace(/=\r?\n/g, ''),
      )![1];
    };
    const older = await mailed();
    const newer = await mailed();
    assert.notEqual(older, newer);
    assert.equal((await anon('POST', `/manage/v1/password-resets/${newer}`, { password: 'brand-new-password' })).status, 200);
    assert.equal((await anon('POST', `/manage/v1/password-resets/${older}`, { password: 'sneaky-old-link-pw' })).status, 404);
  });

  it('mails no reset link without PUBLIC_URL (a link must not point where the request claims to be)', async () => {
    const bare = await startServer({ SMTP_RELAY_URL: relay.url });
    try {
      const tenant = await createTenant(bare.app.database.db, { name: `Dealer ${unique()}` });
      const email = `bare.${unique()}@dealer.example`;
      await createUser(bare.app.database.db, { tenantId: tenant.id, email, name: 'Bare', role: 'owner', password: 'correct-horse-battery' });
      const before = relay.mails.length;
      const res = await client(bare.url)('POST', '/manage/v1/password-resets', { email });
      assert.equal(res.status, 202, res.text);
      assert.equal(res.body.data.mailed, false);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(relay.mails.length, before);
    } finally {
      await bare.close();
    }
  });

  it('limits reset requests per email (429 after five an hour)', async () => {
    const user = await staffUser('member');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await anon('POST', '/manage/v1/password-resets', { email: user.email })).status);
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429]);
  });

  it('refuses a cross-site accept or reset', async () => {
    const res = await anon('POST', `/manage/v1/password-resets/${'a'.repeat(43)}`, { password: 'brand-new-password' }, { origin: 'https://evil.example' });
    assert.equal(res.status, 403, res.text);
  });

  it('the start banner says how to sign in only as it is: the demo password while it holds, else a user hint', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: 'memory://' });
    const hint = await dashboardSignIn(server.app.database.db);
    // This database has staff users made by the tests above, and no demo owner.
    assert.equal(hint, 'users');
    const text = banner(config, { port: 1, driver: 'pglite', processes: 1, firstStart: false, signIn: hint });
    assert.doesNotMatch(text, /owner@demo\.motors\.local/);
    assert.match(banner(config, { port: 1, driver: 'pglite', processes: 1, firstStart: false, signIn: 'nobody' }), /motors users create/);
  });
});
