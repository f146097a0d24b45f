import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer, { type Transporter } from 'nodemailer';
import { client, startServer, type TestServer } from './helpers.ts';
import { assertLeads, fixtures, seedTenant } from './adf-fixtures.ts';
import crypto from 'node:crypto';
import { createIntakeToken, revokeIntakeToken } from '../src/core/intake-tokens.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';

// ADF/XML leads by e-mail: a real SMTP client (nodemailer) talks to the server's own listener on
// 127.0.0.1, sending every document of the corpus as providers do (plain-text body, an .xml
// attachment for byte-exact encodings, an HTML body), then again to prove a re-send makes no lead.

const DOMAIN = 'leads.motors.test';

describe('ADF/XML lead intake by e-mail (SMTP)', () => {
  let server: TestServer;
  let transport: Transporter;
  before(async () => {
    server = await startServer({ SMTP_PORT: '0', SMTP_HOST: '127.0.0.1', SMTP_DOMAIN: DOMAIN });
    assert.ok(server.app.smtp, 'the listener runs when SMTP_PORT is set');
    transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.app.smtp!.port, secure: false, ignoreTLS: true, pool: false });
  });
  after(async () => {
    transport?.close();
    await server?.close();
  });

  const send = (to: string, f: (typeof fixtures)[number]) =>
    transport.sendMail({
      from: 'leads@provider.example',
      to,
      subject: `New lead ${f.name}`,
      ...(f.expected.smtp === 'attachment'
        ? { text: 'ADF lead attached.', attachments: [{ filename: `${f.name}.xml`, content: f.bytes, contentType: 'text/xml' }] }
        : f.expected.smtp === 'html'
          ? { html: f.bytes.toString('utf8') }
          : { text: f.bytes.toString('utf8') }),
    });

  it(`imports every fixture (${fixtures.length}) sent by e-mail as the expected leads, once each`, async () => {
    const t = await server.tenant();
    const seeded = await seedTenant(server.url, t.key);
    const token = await createIntakeToken(server.app.database.db, { tenantId: t.tenantId, environment: 'test' });
    const api = client(server.url, { 'x-api-key': t.key });
    const byName = new Map<string, string[]>();
    for (const f of fixtures) {
      const info = await send(`${token.token}@${DOMAIN}`, f);
      assert.equal(info.accepted?.length, 1, `${f.name}: accepted`);
      const list = await api('GET', '/api/public/v1/leads?limit=100');
      const leads = list.body.data.filter((l: { rawDocument: string | null }) => l.rawDocument !== null);
      const known = new Set([...byName.values()].flat());
      const fresh = leads.filter((l: { id: string }) => !known.has(l.id));
      if (f.expected.duplicateOf) {
        assert.equal(fresh.length, 0, `${f.name}: a duplicate of ${f.expected.duplicateOf} makes no lead`);
        byName.set(f.name, []);
        continue;
      }
      fresh.sort((a: { externalId: string }, b: { externalId: string }) => (a.externalId < b.externalId ? -1 : 1));
      assertLeads(f, fresh, seeded);
      assert.ok(fresh.every((l: { channel: string }) => l.channel === 'email'));
      byName.set(
        f.name,
        fresh.map((l: { id: string }) => l.id),
      );
    }
    const total = [...byName.values()].flat().length;
    for (const f of fixtures) await send(`${token.token}@${DOMAIN}`, f);
    const after = await api('GET', '/api/public/v1/leads?limit=100');
    assert.equal(after.body.data.length, total, 're-sending every message made no lead');
  });

  it('refuses other recipients at RCPT time: another domain, an unknown or a revoked token', async () => {
    const t = await server.tenant();
    const token = await createIntakeToken(server.app.database.db, { tenantId: t.tenantId, environment: 'test' });
    const f = fixtures[0];
    await assert.rejects(send(`${token.token}@elsewhere.example`, f), (err: { responseCode?: number }) => err.responseCode === 550);
    await assert.rejects(send(`adf-aaaaaaaaaaaaaaaaaaaaaaaaaa@${DOMAIN}`, f), (err: { responseCode?: number }) => err.responseCode === 550);
    await revokeIntakeToken(server.app.database.db, token.id, { tenantId: t.tenantId, environment: 'test' });
    await assert.rejects(send(`${token.token}@${DOMAIN}`, f), (err: { responseCode?: number }) => err.responseCode === 550);
    const leads = await client(server.url, { 'x-api-key': t.key })('GET', '/api/public/v1/leads');
    assert.equal(leads.body.data.length, 0);
  });

  it('makes, lists and revokes intake addresses through the management API (owners, not members); a revoked one refuses mail', async () => {
    const tenant = await createTenant(server.app.database.db, { name: 'Token dealer' });
    const signIn = async (role: 'owner' | 'member') => {
      const email = `${role}.${crypto.randomBytes(4).toString('hex')}@dealer.example`;
      await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Staff', role, password: 'correct-horse-battery' });
      const res = await fetch(`${server.url}/manage/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct-horse-battery' }),
      });
      return client(server.url, { cookie: res.headers.get('set-cookie')!.split(';')[0], 'x-motors-environment': 'live' });
    };
    const owner = await signIn('owner');
    const created = await owner('POST', '/manage/v1/intake-tokens', { name: 'Cars.com' });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.data.token, /^adf-[a-z2-7]{26}$/);
    assert.equal(created.body.data.email, `${created.body.data.token}@${DOMAIN}`);
    assert.equal(created.body.data.environment, 'live');
    const list = await owner('GET', '/manage/v1/intake-tokens');
    assert.deepEqual(
      list.body.data.map((t: { id: string }) => t.id),
      [created.body.data.id],
    );
    assert.equal(JSON.stringify(list.body).includes(created.body.data.token), false, 'the token is shown once');
    const member = await signIn('member');
    assert.equal((await member('POST', '/manage/v1/intake-tokens', {})).status, 403);
    const info = await send(created.body.data.email, fixtures.find((f) => f.name === 'oem-programme')!);
    assert.equal(info.accepted?.length, 1);
    const revoked = await owner('POST', `/manage/v1/intake-tokens/${created.body.data.id}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.ok(revoked.body.data.revokedAt);
    await assert.rejects(send(created.body.data.email, fixtures[0]), (err: { responseCode?: number }) => err.responseCode === 550);
  });
});
