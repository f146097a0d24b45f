import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { startReceiver } from './webhook-receiver.ts';
import { webhookEndpoints } from '../src/storage/schema/index.ts';
import { newId } from '../src/core/ids.ts';
import { isPrivateAddress } from '../src/core/webhook-urls.ts';

const wait = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

// As in production: webhook URLs may not reach private addresses.
describe('webhooks: private addresses refused (WEBHOOK_ALLOW_PRIVATE=false)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_RETRY_DELAYS: '0.1' });
    await server.app.webhooks.start();
  });
  after(async () => server?.close());

  it('classifies loopback, private, link-local, metadata and mapped addresses as private', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) assert.equal(isPrivateAddress(a), false, a);
  });

  // Every IPv6 form that carries an IPv4 address routes to it: each is private exactly when the
  // IPv4 address it carries is.
  const embedded: [string, boolean][] = [
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['::ffff:0:10.0.0.1', true],
    ['::ffff:0:808:808', false],
    ['::127.0.0.1', true],
    ['::7f00:1', true],
    ['::a9fe:a9fe', true],
    ['::c0a8:1', true],
    ['::8.8.8.8', false],
    ['2002:7f00:1::', true],
    ['2002:a00:5::1', true],
    ['2002:a9fe:a9fe::', true],
    ['2002:c0a8:101::1', true],
    ['2002:808:808::1', false],
    ['64:ff9b::127.0.0.1', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::10.1.2.3', true],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::8.8.8.8', true],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
    ['2001:db8::1', true],
    ['fec0::1', true],
    ['100::1', true],
    ['fe80::1%eth0', true],
    ['FD00:EC2::254', true],
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:81c::200e', false],
    ['not-an-address', true],
    ['1:2:3:4:5:6:7:8:9', true],
  ];
  for (const [address, isPrivate] of embedded) {
    it(`classifies ${address} as ${isPrivate ? 'private' : 'public'}`, () => assert.equal(isPrivateAddress(address), isPrivate));
  }

  it('refuses endpoints on IPv6 literals that embed a private IPv4 address (IPv4-compatible, 6to4, NAT64)', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    for (const url of [
      'http://[::7f00:1]/hook',
      'http://[::127.0.0.1]/hook',
      'http://[2002:7f00:1::]/hook',
      'http://[2002:a9fe:a9fe::1]/latest/meta-data',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[::ffff:0:7f00:1]/',
    ]) {
      const res = await api('POST', '/crm-api/v1/webhooks', { url });
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.match(res.body.error.message, /^url: resolves to .*private/, url);
    }
    assert.equal((await api('GET', '/crm-api/v1/webhooks')).body.pagination.total, 0);
  });

  it('refuses to create or move an endpoint to a URL that resolves to a private address', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://10.0.0.5/',
      'http://192.168.0.10/',
      'http://[::ffff:127.0.0.1]/',
      'http://0x7f000001/',
    ]) {
      const res = await api('POST', '/crm-api/v1/webhooks', { url });
      assert.equal(res.status, 400, `${url}: ${res.text}`);
      assert.match(res.body.error.message, /^url: /, url);
      assert.equal(res.body.error.code, 'validation_failed');
    }
    const ftp = await api('POST', '/crm-api/v1/webhooks', { url: 'file:///etc/passwd' });
    assert.equal(ftp.status, 400);
    assert.match(ftp.body.error.message, /url: must be an absolute http:\/\/ or https:\/\/ URL/);
    assert.equal((await api('GET', '/crm-api/v1/webhooks')).body.pagination.total, 0);
  });

  it('refuses again at delivery time, after DNS resolution, and sends nothing', async () => {
    const receiver = await startReceiver();
    try {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      // Endpoints saved while their host still resolved publicly (written directly, as if the DNS changed since).
      const at = new Date();
      for (const url of [`${receiver.url}/hook`, `http://localhost:${receiver.port}/hook`]) {
        await server.app.database.db.insert(webhookEndpoints).values({
          tenantId: t.tenantId,
          environment: 'test',
          id: newId(),
          url,
          events: ['*'],
          secret: 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==',
          createdAt: at,
          updatedAt: at,
        });
      }
      await api('POST', '/api/public/v1/customers', { firstName: 'Ssrf' });
      const hooks = (await api('GET', '/crm-api/v1/webhooks')).body.data;
      let logs: JsonBody[] = [];
      for (let i = 0; i < 50; i++) {
        logs = await Promise.all(hooks.map(async (h: JsonBody) => (await api('GET', `/crm-api/v1/webhooks/${h.id}/deliveries`)).body.data[0]));
        if (logs.every((d) => d?.status === 'dead')) break;
        await wait(100);
      }
      for (const d of logs) {
        assert.equal(d.status, 'dead', JSON.stringify(d));
        assert.match(d.attempts[0].error, /private address/);
        assert.equal(d.attempts[0].status_code, null);
      }
      assert.equal(receiver.received.length, 0);
    } finally {
      await receiver.close();
    }
  });
});
