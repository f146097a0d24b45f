import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSmtpReceiver } from './smtp-receiver.ts';
import { simpleParser } from 'mailparser';
import { client, startServer, type TestServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { parseAdf } from '../src/core/adf.ts';

// ADF forwarding: a lead created through the Records API reaches a DMS as ADF/XML through the
// webhook queue — a real HTTP receiver and a real SMTP receiver on 127.0.0.1 — and parses back to
// the lead; a failing receiver is retried until it answers.

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** An HTTP receiver that answers `statuses` in turn (then 200), recording every request. */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'lead received' : 'DMS unavailable');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/adf/inbound`, received, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function staff(server: TestServer) {
  const tenant = await createTenant(server.app.database.db, { name: `ADF dealer ${crypto.randomBytes(3).toString('hex')}` });
  const email = `owner.${crypto.randomBytes(4).toString('hex')}@dealer.example`;
  await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Owner', role: 'owner', password: 'correct-horse-battery' });
  const res = await client(server.url)('POST', '/manage/v1/session', { email, password: 'correct-horse-battery' });
  assert.equal(res.status, 200, res.text);
  const manage = client(server.url, { cookie: res.headers.get('set-cookie')!.split(';')[0] });
  const { key } = await server.key(tenant.id);
  return { tenantId: tenant.id, manage, records: client(server.url, { 'x-api-key': key }) };
}

const leadInput = (name: string) => ({
  source: 'website',
  contactName: name,
  contactEmail: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
  contactPhone: '+15105550123',
  interest: 'lease',
  vehicleOfInterest: { year: 2025, make: 'Subaru', model: 'Outback' },
  message: 'Can I lease it for 36 months?',
});

describe('ADF forwarding to a DMS (HTTP and e-mail)', () => {
  let server: TestServer;
  let relay: Awaited<ReturnType<typeof startSmtpReceiver>>;
  before(async () => {
    relay = await startSmtpReceiver();
    server = await startServer({ WEBHOOK_RETRY_DELAYS: '0.1,0.1,0.1', SMTP_RELAY_URL: relay.url, SMTP_RELAY_FROM: 'crm@dealer.example' });
    await server.app.webhooks.start();
  });
  after(async () => {
    await server?.close();
    await relay?.close();
  });

  it('POSTs the ADF of a lead created through the API, and the XML parses back to the lead', async () => {
    const receiver = await startReceiver();
    try {
      const s = await staff(server);
      const set = await s.manage('PUT', '/manage/v1/adf-forwarding', { url: receiver.url });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual([set.body.data.enabled, set.body.data.url, set.body.data.email], [true, receiver.url, null]);

      const created = await s.records('POST', '/api/public/v1/leads', leadInput('Harriet Okoro'));
      assert.equal(created.status, 201, created.text);
      const lead = created.body.data;
      const got = await until('the DMS to receive the lead', () => receiver.received[0]);
      assert.match(String(got.headers['content-type']), /^application\/xml\b/);
      assert.equal(got.headers['x-motors-event'], 'crm.leads.created');

      const parsed = parseAdf(got.body);
      assert.deepEqual(parsed.warnings, [], 'a strict ADF 1.0 document');
      const [p] = parsed.prospects;
      assert.deepEqual(p.id, { value: lead.id, source: 'motors-crm' });
      assert.equal(p.contacts[0].fullName, 'Harriet Okoro');
      assert.deepEqual(p.contacts[0].emails, [lead.contactEmail]);
      assert.equal(p.contacts[0].phones[0].number, '+15105550123');
      assert.deepEqual([p.vehicles[0].year, p.vehicles[0].make, p.vehicles[0].model, p.vehicles[0].interest], [2025, 'Subaru', 'Outback', 'lease']);
      assert.equal(p.customerComments, 'Can I lease it for 36 months?');

      const log = await until('the delivery to succeed', async () => {
        const r = await s.manage('GET', '/manage/v1/adf-forwarding/deliveries');
        return r.body.data[0]?.status === 'succeeded' ? r.body : undefined;
      });
      assert.equal(log.total, 1);
      assert.equal(log.data[0].kind, 'http');
      assert.equal(log.data[0].target, receiver.url);
      assert.deepEqual(
        log.data[0].attempts.map((a: { statusCode: number }) => a.statusCode),
        [200],
      );
      assert.equal(log.data[0].attempts[0].responseBody, 'lead received');

      // Webhooks stay webhooks: the forwarding target is not one of them.
      assert.equal((await s.manage('GET', '/manage/v1/webhooks')).body.data.length, 0);
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing DMS until it answers, each attempt in the log', async () => {
    const receiver = await startReceiver([500, 503]);
    try {
      const s = await staff(server);
      assert.equal((await s.manage('PUT', '/manage/v1/adf-forwarding', { url: receiver.url })).status, 200);
      const created = await s.records('POST', '/api/public/v1/leads', leadInput('Tomas Lindqvist'));
      assert.equal(created.status, 201, created.text);
      const log = await until('the third attempt to succeed', async () => {
        const r = await s.manage('GET', '/manage/v1/adf-forwarding/deliveries');
        return r.body.data[0]?.status === 'succeeded' ? r.body : undefined;
      });
      assert.deepEqual(
        log.data[0].attempts.map((a: { statusCode: number }) => a.statusCode),
        [500, 503, 200],
      );
      assert.equal(receiver.received.length, 3);
      assert.ok(
        receiver.received.every((r) => parseAdf(r.body).prospects[0].id?.value === created.body.data.id),
        'the same lead every time',
      );
      assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1, 'one event id across retries');
    } finally {
      await receiver.close();
    }
  });

  it('mails the ADF through the SMTP relay, and a switched-off target gets nothing', async () => {
    const s = await staff(server);
    const to = `dms.${crypto.randomBytes(3).toString('hex')}@dms.example`;
    const set = await s.manage('PUT', '/manage/v1/adf-forwarding', { email: to.toUpperCase() });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.data.email, to, 'stored lower-case');
    const created = await s.records('POST', '/api/public/v1/leads', leadInput('Mei Tanaka'));
    const mail = await until('the relay to get the mail', () => relay.mails.find((m) => m.to.includes(to)));
    const parsed = await simpleParser(mail.raw);
    assert.equal(parsed.from?.value[0].address, 'crm@dealer.example');
    assert.match(String(parsed.subject), /Mei Tanaka/);
    const [p] = parseAdf(String(parsed.text)).prospects;
    assert.equal(p.id?.value, created.body.data.id);
    assert.equal(p.contacts[0].fullName, 'Mei Tanaka');
    const log = await until('the e-mail delivery to succeed', async () => {
      const r = await s.manage('GET', '/manage/v1/adf-forwarding/deliveries?status=succeeded');
      return r.body.data[0];
    });
    assert.equal(log.kind, 'email');
    assert.equal(log.attempts[0].statusCode, 250, 'the SMTP reply code');

    const off = await s.manage('PUT', '/manage/v1/adf-forwarding', { enabled: false });
    assert.equal(off.body.data.enabled, false);
    const before = relay.mails.length;
    await s.records('POST', '/api/public/v1/leads', leadInput('Nobody Forwarded'));
    // A webhook of the same tenant proves the event was dispatched: by then forwarding would have been too.
    const hook = await startReceiver();
    try {
      assert.equal((await s.manage('POST', '/manage/v1/webhooks', { url: hook.url, events: ['crm.leads.created'] })).status, 201);
      await s.records('POST', '/api/public/v1/leads', leadInput('Second Unforwarded'));
      await until('the webhook', () => hook.received[0]);
    } finally {
      await hook.close();
    }
    assert.equal(relay.mails.length, before, 'nothing mailed while switched off');
  });

  it('"send test" sends a sample lead to each target and logs it', async () => {
    const receiver = await startReceiver();
    try {
      const s = await staff(server);
      assert.equal((await s.manage('POST', '/manage/v1/adf-forwarding/test')).status, 409, 'nothing to test yet');
      const to = `test.${crypto.randomBytes(3).toString('hex')}@dms.example`;
      assert.equal((await s.manage('PUT', '/manage/v1/adf-forwarding', { url: receiver.url, email: to })).status, 200);
      const test = await s.manage('POST', '/manage/v1/adf-forwarding/test');
      assert.equal(test.status, 200, test.text);
      assert.deepEqual(
        test.body.data.map((r: { kind: string; success: boolean; statusCode: number }) => [r.kind, r.success, r.statusCode]),
        [
          ['http', true, 200],
          ['email', true, 250],
        ],
      );
      assert.equal(parseAdf(receiver.received[0].body).prospects[0].contacts[0].fullName, 'Test Lead');
      assert.ok(relay.mails.some((m) => m.to.includes(to)));
      const log = await s.manage('GET', '/manage/v1/adf-forwarding/deliveries');
      assert.deepEqual(
        log.body.data.map((d: { eventType: string }) => d.eventType),
        ['webhook.test', 'webhook.test'],
      );
    } finally {
      await receiver.close();
    }
  });

  it('forwards only the environment it was set for, and only that tenant’s leads', async () => {
    const receiver = await startReceiver();
    try {
      const s = await staff(server);
      const other = await staff(server);
      assert.equal((await s.manage('PUT', '/manage/v1/adf-forwarding', { url: receiver.url }, { 'x-motors-environment': 'live' })).status, 200);
      assert.equal((await s.manage('GET', '/manage/v1/adf-forwarding')).body.data.url, null, 'the test environment has no target');
      await s.records('POST', '/api/public/v1/leads', leadInput('Test Env Lead'));
      await other.records('POST', '/api/public/v1/leads', leadInput('Other Dealer Lead'));
      const { key } = await server.key(s.tenantId, { env: 'live' });
      const live = await client(server.url, { 'x-api-key': key })('POST', '/api/public/v1/leads', leadInput('Live Env Lead'));
      const got = await until('the live lead', () => receiver.received[0]);
      assert.equal(parseAdf(got.body).prospects[0].id?.value, live.body.data.id);
      assert.equal(receiver.received.length, 1);
    } finally {
      await receiver.close();
    }
  });
});

describe('ADF forwarding without a mail relay, outside development', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ WEBHOOK_ALLOW_PRIVATE: 'false' });
  });
  after(async () => server?.close());

  it('refuses an e-mail target with a 400 naming email, and a private URL with one naming url', async () => {
    const s = await staff(server);
    assert.equal((await s.manage('GET', '/manage/v1/adf-forwarding')).body.data.emailAvailable, false);
    const mail = await s.manage('PUT', '/manage/v1/adf-forwarding', { email: 'leads@dms.example.com' });
    assert.equal(mail.status, 400, mail.text);
    assert.equal(mail.body.error.details[0].field, 'email');
    assert.match(mail.body.error.message, /SMTP_RELAY_URL/);
    const url = await s.manage('PUT', '/manage/v1/adf-forwarding', { url: 'http://127.0.0.1:9/adf' });
    assert.equal(url.status, 400, url.text);
    assert.equal(url.body.error.details[0].field, 'url');
    const bad = await s.manage('PUT', '/manage/v1/adf-forwarding', { url: 'ftp://dms.example.com/adf' });
    assert.equal(bad.status, 400);
    assert.deepEqual((await s.manage('GET', '/manage/v1/adf-forwarding')).body.data.targets, [], 'nothing saved');
  });
});
