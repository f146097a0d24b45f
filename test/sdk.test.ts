// The SDK (sdk/) driven like an integrator would, against the real server: one realistic
// integration per surface, retries against a real rate limit, and webhook verification of a
// real delivery.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startServer, type TestServer } from './helpers.ts';
import { startReceiver } from './webhook-receiver.ts';
import { seedDemo } from '../src/core/demo.ts';
import { createCrmClient, createRecordsClient, createStorefrontClient, MotorsApiError, retryAfterMs, verifyWebhook, WebhookVerificationError } from '../sdk/src/index.ts';

describe('sdk', { concurrency: true }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ WEBHOOK_RETRY_DELAYS: '0.2,0.4' });
    await server.app.webhooks.start();
  });
  after(async () => server?.close());

  // Sequential: a sync page shows only rows older than the oldest open transaction, so another
  // test's long transaction (the demo seed) would hold back the Records pages.
  describe('integrations', { concurrency: 1 }, () => {
    it('Records: creates customers, pages through them with the cursor iterator, updates with If-Match', async () => {
      const t = await server.tenant();
      const records = createRecordsClient({ baseUrl: server.url, apiKey: t.key });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const { data, error, response } = await records.POST('/customers', { body: { firstName: `Sync${i}`, lastName: 'Tester', email: `sync${i}.${crypto.randomUUID()}@example.com` } });
        assert.equal(response.status, 201, JSON.stringify(error));
        ids.push(data!.data.id);
      }
      const seen: string[] = [];
      for await (const customer of records.iterate('/customers', { query: { limit: 3 } })) seen.push(customer.id);
      assert.deepEqual([...seen].sort(), [...ids].sort(), 'every customer once, over three pages');

      const got = await records.GET('/customers/{id}', { params: { path: { id: ids[0] } } });
      const etag = got.response.headers.get('etag')!;
      assert.ok(etag);
      const updated = await records.PUT('/customers/{id}', { params: { path: { id: ids[0] } }, body: { lastName: 'Updated' }, headers: { 'If-Match': etag } });
      assert.equal(updated.response.status, 200, JSON.stringify(updated.error));
      assert.equal(updated.data!.data.lastName, 'Updated');
      const stale = await records.PUT('/customers/{id}', { params: { path: { id: ids[0] } }, body: { lastName: 'Again' }, headers: { 'If-Match': etag } });
      assert.equal(stale.response.status, 412, 'the old ETag is refused');
      assert.equal(stale.data, undefined);
      assert.ok(stale.error);

      // A failed page surfaces as an error, never as a silently short iteration.
      const denied = createRecordsClient({ baseUrl: server.url, apiKey: 'motors_sk_test_wrong' });
      await assert.rejects(
        async () => {
          for await (const _ of denied.iterate('/customers')) void _;
        },
        (err: unknown) => err instanceof MotorsApiError && err.status === 401,
      );
    });

    it('CRM: client → invoice → payment, then iterates invoices page by page', async () => {
      const t = await server.tenant();
      const crm = createCrmClient({ baseUrl: server.url, apiKey: t.key });
      const client = await crm.POST('/clients', { body: { name: 'Amelia Hart', email: `amelia.${crypto.randomUUID()}@example.com` } });
      assert.equal(client.response.status, 201, JSON.stringify(client.error));
      const clientId = client.data!.data.id;
      const numbers: string[] = [];
      for (let i = 0; i < 5; i++) {
        const inv = await crm.POST('/invoices', { body: { client_id: clientId, status: 'sent', due_date: '2030-01-31', line_items: [{ description: `Service ${i}`, quantity: 1, rate: 100 + i }] } });
        assert.equal(inv.response.status, 201, JSON.stringify(inv.error));
        numbers.push(inv.data!.data.number);
      }
      const first = await crm.GET('/invoices', { params: { query: { client_id: clientId, limit: 1 } } });
      const invoiceId = first.data!.data[0].id;
      const due = first.data!.data[0].amount_due;
      const payment = await crm.POST('/payments', { body: { invoice_id: invoiceId, amount: due, method: 'bank_transfer', reference: 'TRX-1' } });
      assert.equal(payment.response.status, 201, JSON.stringify(payment.error));
      const paid = await crm.GET('/invoices/{id}', { params: { path: { id: invoiceId } } });
      assert.equal(paid.data!.data.status, 'paid');

      const listed: string[] = [];
      for await (const inv of crm.iterate('/invoices', { query: { client_id: clientId, limit: 2 } })) listed.push(inv.number);
      assert.deepEqual([...listed].sort(), [...numbers].sort(), 'five invoices over three pages');
    });

    it('Storefront: lists vehicles over pages, registers and signs in a shopper', async () => {
      const t = await server.tenant();
      await server.app.database.db.transaction((tx) => seedDemo({ tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: tx }));
      const shop = createStorefrontClient({ baseUrl: server.url, apiKey: t.key });
      const firstPage = await shop.GET('/vehicles', { params: { query: { limit: 2 } } });
      assert.equal(firstPage.response.status, 200, JSON.stringify(firstPage.error));
      assert.ok(firstPage.data!.totalPages > 1, 'the demo has several pages of vehicles');
      const vehicles = [];
      for await (const v of shop.iterate('/vehicles', { query: { limit: 2 } })) vehicles.push(v.id);
      assert.equal(vehicles.length, firstPage.data!.total);
      assert.equal(new Set(vehicles).size, vehicles.length);

      const email = `shopper.${crypto.randomUUID()}@example.com`;
      const reg = await shop.POST('/auth/register', { body: { email, password: 'a-long-password-123', firstName: 'Sam', lastName: 'Shopper' } });
      assert.equal(reg.response.status, 201, JSON.stringify(reg.error));
      const login = await shop.POST('/auth/login', { body: { email, password: 'a-long-password-123' } });
      assert.equal(login.response.status, 200, JSON.stringify(login.error));
      assert.equal((await shop.GET('/auth/me')).response.status, 401, 'no token yet');
      shop.setAccessToken(login.data!.data.access_token);
      const me = await shop.GET('/auth/me');
      assert.equal(me.response.status, 200, JSON.stringify(me.error));
      assert.equal(me.data!.data.user.email, email);
    });

    it('POST: one Idempotency-Key per call, the same on its retry, so a lost response is replayed, not repeated', async () => {
      const t = await server.tenant();
      const attempts: { key: string | null }[] = [];
      let dropFirst = true;
      const records = createRecordsClient({
        baseUrl: server.url,
        apiKey: t.key,
        retry: { baseDelayMs: 10 },
        // The server does the work, then the connection "breaks" before the client reads the answer.
        fetch: async (input) => {
          const req = input as Request;
          attempts.push({ key: req.headers.get('idempotency-key') });
          const res = await fetch(req);
          if (dropFirst) {
            dropFirst = false;
            await res.body?.cancel();
            throw new TypeError('fetch failed: connection reset');
          }
          return res;
        },
      });
      const created = await records.POST('/customers', { body: { firstName: 'Once', lastName: 'Only' } });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      assert.equal(created.response.headers.get('idempotent-replayed'), 'true', 'the second attempt replays the first');
      assert.equal(attempts.length, 2);
      assert.match(attempts[0].key!, /^[0-9a-f-]{36}$/);
      assert.equal(attempts[1].key, attempts[0].key);
      await records.POST('/customers', { body: { firstName: 'Second', lastName: 'Call' } });
      assert.notEqual(attempts[2].key, attempts[0].key, 'a new call, a new key');
      const list = await records.GET('/customers', { params: { query: { includeTotal: 'true' } } });
      assert.equal(list.data!.total, 2, 'the lost response created one customer, not two');
    });

    it('verifyWebhook: a real delivery verifies under both schemes; a changed body, a wrong secret or an old timestamp does not', async () => {
      const receiver = await startReceiver();
      try {
        const t = await server.tenant();
        const crm = createCrmClient({ baseUrl: server.url, apiKey: t.key });
        const hook = await crm.POST('/webhooks', { body: { url: `${receiver.url}/hook`, events: ['crm.customers.created'] } });
        assert.equal(hook.response.status, 201, JSON.stringify(hook.error));
        const secret = hook.data!.data.secret!;
        const records = createRecordsClient({ baseUrl: server.url, apiKey: t.key });
        const created = await records.POST('/customers', { body: { firstName: 'Hooked', lastName: 'Customer' } });
        await receiver.until(() => receiver.received.length >= 1);
        const { raw, headers } = receiver.received[0];

        const event = verifyWebhook<{ id: string; firstName: string }>(raw, headers, secret);
        assert.deepEqual(event.schemes, ['motors', 'standard']);
        assert.equal(event.event, 'crm.customers.created');
        assert.equal(event.data.id, created.data!.data.id);
        assert.equal(event.id, headers['webhook-id']);
        // The Standard Webhooks reference library agrees on the same request.
        new Webhook(secret.slice('whsec_'.length)).verify(raw, headers as Record<string, string>);
        // Fetch-style Headers work as well as node's header object.
        assert.equal(verifyWebhook(raw, new Headers(headers as Record<string, string>), secret).id, event.id);

        const fails = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: unknown) => err instanceof WebhookVerificationError && message.test(err.message));
        fails(() => verifyWebhook(raw.replace('Hooked', 'Hacked'), headers, secret), /X-Motors-Signature does not match/);
        fails(() => verifyWebhook(raw, headers, `whsec_${crypto.randomBytes(24).toString('base64')}`), /does not match/);
        fails(
          () => verifyWebhook(raw, { ...headers, 'x-motors-signature': undefined, 'x-motors-timestamp': undefined, 'webhook-signature': headers['webhook-signature'] }, 'whsec_AAAA'),
          /webhook-signature does not match/,
        );
        fails(() => verifyWebhook(raw, headers, secret, { now: Date.now() + 6 * 60_000 }), /outside the tolerance/);
        fails(() => verifyWebhook(raw, { 'content-type': 'application/json' }, secret), /no signature header/);
        // Only the standard headers (a proxy that strips X-Motors-*): still verified, by that scheme.
        const standardOnly = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('x-motors-'))) as Record<string, string>;
        assert.deepEqual(verifyWebhook(raw, standardOnly, secret).schemes, ['standard']);
      } finally {
        await receiver.close();
      }
    });
  });

  // Beside the others: it spends most of a rate-limit window (up to 60 s) waiting, outside any transaction.
  it('429: waits what Retry-After says on a real rate limit, then succeeds', async () => {
    const t = await server.tenant({ rateLimit: 2 });
    const waits: number[] = [];
    const records = createRecordsClient({ baseUrl: server.url, apiKey: t.key, retry: { retries: 2, onRetry: ({ delayMs, response }) => (assert.equal(response?.status, 429), waits.push(delayMs)) } });
    assert.equal((await records.GET('/customers')).response.status, 200);
    assert.equal((await records.GET('/customers')).response.status, 200);
    // Without retries, or when the wait would be longer than allowed, the 429 comes back at once.
    const noRetry = createRecordsClient({ baseUrl: server.url, apiKey: t.key, retry: { retries: 0 } });
    const limited = await noRetry.GET('/customers');
    assert.equal(limited.response.status, 429);
    const told = retryAfterMs(limited.response.headers.get('retry-after'))!;
    assert.ok(told > 0 && told <= 60_000, `Retry-After ${told} ms`);
    const impatient = createRecordsClient({ baseUrl: server.url, apiKey: t.key, retry: { maxDelayMs: 100 } });
    const t0 = Date.now();
    assert.equal((await impatient.GET('/customers')).response.status, 429);
    assert.ok(Date.now() - t0 < 2000);

    const start = Date.now();
    const created = await records.POST('/customers', { body: { firstName: 'Patient', lastName: 'Caller' } });
    assert.equal(created.response.status, 201, JSON.stringify(created.error));
    assert.equal(waits.length, 1, 'one wait of one window');
    assert.ok(waits[0] >= told - 2000 && waits[0] <= told, `waited ${waits[0]} ms for a Retry-After of ${told} ms`);
    assert.ok(Date.now() - start >= waits[0]);
  });
});
