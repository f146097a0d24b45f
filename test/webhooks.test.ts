import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { startServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { startReceiver, type Received } from './webhook-receiver.ts';
import { and, eq } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../src/storage/schema/index.ts';
import { pruneWebhookLog } from '../src/core/webhook-delivery.ts';
import { sendAttempt } from '../src/worker/outbound.ts';

// The documented formula, written independently of src/: hex HMAC-SHA256 over "<timestamp>.<raw body>",
// keyed with the secret string exactly as shown.
function verifyMotors(secret: string, r: Received): boolean {
  const ts = String(r.headers['x-motors-timestamp']);
  if (Math.abs(Date.now() - Number(ts)) > 5 * 60 * 1000) return false;
  const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', secret).update(`${ts}.${r.raw}`).digest('hex'));
  return String(r.headers['x-motors-signature'])
    .split(',')
    .some((s) => {
      const given = Buffer.from(s.trim());
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    });
}

function verifyStandard(secret: string, r: Received): unknown {
  return new Webhook(secret.replace(/^whsec_/, '')).verify(r.raw, r.headers as Record<string, string>);
}

const wait = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

// The receiver hears a delivery before the worker records its outcome: poll the log until it settles.
async function settled<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let v = await read();
  while (!done(v) && Date.now() < until) {
    await wait(50);
    v = await read();
  }
  return v;
}

describe('webhooks', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ WEBHOOK_RETRY_DELAYS: '0.2,0.4' });
    await server.app.webhooks.start();
  });
  after(async () => server?.close());

  async function setup(receiverUrl: string, opts: { events?: string[]; env?: 'live' | 'test' } = {}) {
    const t = await server.tenant({ env: opts.env });
    const api = client(server.url, { authorization: `Bearer ${t.key}` });
    const created = await api('POST', '/crm-api/v1/webhooks', { url: receiverUrl + '/hook', events: opts.events ?? ['*'], description: 'test receiver' });
    assert.equal(created.status, 201, created.text);
    return { t, api, hook: created.body.data };
  }

  it('manages endpoints: the secret only in the create response, partial updates, delete, scopes', async () => {
    const { t, api, hook } = await setup('https://dealer.example.com', { events: ['crm.customers.created'] });
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(hook.environment, 'test');
    assert.deepEqual(hook.events, ['crm.customers.created']);
    const got = await api('GET', `/crm-api/v1/webhooks/${hook.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.data.secret, undefined);
    assert.equal(got.body.data.url, 'https://dealer.example.com/hook');
    const put = await api('PUT', `/crm-api/v1/webhooks/${hook.id}`, { events: ['crm.customers.*'], enabled: false });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.data.description, 'test receiver', 'omitted fields keep their values');
    assert.equal(put.body.data.enabled, false);
    const list = await api('GET', '/crm-api/v1/webhooks?limit=10');
    assert.equal(list.body.pagination.total, 1);
    for (const [body, field] of [
      [{ url: 'ftp://x.example' }, /url/],
      [{ url: 'not a url' }, /url/],
      [{ url: 'https://x.example', events: ['bad name!'] }, /events/],
      [{ url: 'https://x.example', events: [] }, /events/],
    ] as const) {
      const res = await api('POST', '/crm-api/v1/webhooks', body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.error.message, field);
    }
    const readOnly = await server.key(t.tenantId, { scopes: ['webhooks:read'] });
    const denied = await client(server.url, { 'x-api-key': readOnly.key })('POST', '/crm-api/v1/webhooks', { url: 'https://x.example' });
    assert.equal(denied.status, 403);
    assert.match(denied.body.error.message, /webhooks:write/);
    const other = await server.tenant();
    assert.equal((await client(server.url, { 'x-api-key': other.key })('GET', `/crm-api/v1/webhooks/${hook.id}`)).status, 404);
    assert.equal((await api('DELETE', `/crm-api/v1/webhooks/${hook.id}`)).status, 200);
    assert.equal((await api('GET', `/crm-api/v1/webhooks/${hook.id}`)).status, 404);
  });

  it('delivers a change within a second, signed as documented and as Standard Webhooks, with the record as the Records API returns it', async () => {
    const receiver = await startReceiver();
    try {
      const { api, hook } = await setup(receiver.url);
      const t0 = Date.now();
      const created = await api('POST', '/api/public/v1/customers', { firstName: 'Amelia', lastName: 'Hart', email: 'amelia@example.com' });
      assert.equal(created.status, 201, created.text);
      await receiver.until(() => receiver.received.length >= 1, 5000);
      const r = receiver.received[0];
      assert.ok(r.at - t0 < 1000, `delivered after ${r.at - t0} ms`);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-motors-event'], 'crm.customers.created');
      assert.match(String(r.headers['x-motors-timestamp']), /^\d{13}$/);
      assert.match(String(r.headers['x-motors-signature']), /^sha256=[0-9a-f]{64}$/);
      assert.match(String(r.headers['x-motors-request-id']), /^[0-9a-f-]{36}$/);
      assert.equal(r.headers['webhook-id'], r.body.id);
      assert.equal(r.headers['webhook-timestamp'], String(Math.floor(Number(r.headers['x-motors-timestamp']) / 1000)));
      assert.ok(verifyMotors(hook.secret, r), 'X-Motors-Signature verifies with the documented formula');
      assert.ok(!verifyMotors(hook.secret + 'x', r), 'and not with another secret');
      assert.ok(verifyStandard(hook.secret, r), 'webhook-signature verifies with the standardwebhooks package');
      assert.deepEqual(Object.keys(r.body).sort(), ['createdAt', 'data', 'environment', 'event', 'id']);
      assert.equal(r.body.event, 'crm.customers.created');
      assert.equal(r.body.environment, 'test');
      const record = await api('GET', `/api/public/v1/customers/${created.body.data.id}`);
      assert.deepEqual(r.body.data, record.body.data);
      const log = await settled(
        () => api('GET', `/crm-api/v1/webhooks/${hook.id}/deliveries`),
        (l) => l.body?.data?.[0]?.status === 'succeeded',
      );
      assert.equal(log.status, 200, log.text);
      assert.equal(log.body.data[0].status, 'succeeded');
      assert.equal(log.body.data[0].attempts[0].status_code, 200);
      assert.equal(log.body.data[0].attempts[0].response_body, 'ok');
      assert.equal(log.body.data[0].attempts[0].request_id, r.headers['x-motors-request-id']);
    } finally {
      await receiver.close();
    }
  });

  it('retries after 500s with the same event id and a new request id, logging every attempt', async () => {
    const receiver = await startReceiver((_r, n) => (n <= 2 ? { status: 500, body: 'x'.repeat(10_000) } : { status: 204 }));
    try {
      const { api, hook } = await setup(receiver.url);
      await api('POST', '/api/public/v1/customers', { firstName: 'Retry' });
      await receiver.until(() => receiver.received.length >= 3, 5000);
      const ids = receiver.received.map((r) => r.body.id);
      assert.equal(new Set(ids).size, 1, 'same event id on every attempt');
      assert.equal(new Set(receiver.received.map((r) => r.headers['x-motors-request-id'])).size, 3, 'new request id per attempt');
      for (const r of receiver.received) assert.ok(verifyMotors(hook.secret, r));
      const log = await settled(
        () => api('GET', `/crm-api/v1/webhooks/${hook.id}/deliveries`),
        (l) => l.body.data[0]?.status === 'succeeded',
      );
      const d = log.body.data[0];
      assert.equal(d.status, 'succeeded');
      assert.equal(d.attempt_count, 3);
      assert.deepEqual(
        d.attempts.map((a: JsonBody) => a.status_code),
        [500, 500, 204],
      );
      assert.equal(d.attempts[0].response_body.length, 4096, 'response body capped at 4 KiB');
      const gap = Date.parse(d.attempts[1].started_at) - Date.parse(d.attempts[0].started_at);
      assert.ok(gap >= 150, `back-off between attempts: ${gap} ms`);
    } finally {
      await receiver.close();
    }
  });

  it('records a response body holding NUL bytes (which PostgreSQL text cannot store) without losing the outcome', async () => {
    const receiver = await startReceiver(() => ({ status: 200, body: 'a\0b' }));
    try {
      const { api, hook } = await setup(receiver.url);
      await api('POST', '/api/public/v1/customers', { firstName: 'Nul' });
      await receiver.until(() => receiver.received.length >= 1, 5000);
      const log = await settled(
        () => api('GET', `/crm-api/v1/webhooks/${hook.id}/deliveries`),
        (l) => l.body.data[0]?.status === 'succeeded',
      );
      assert.equal(log.body.data[0].status, 'succeeded');
      assert.equal(log.body.data[0].attempts[0].response_body, 'a\uFFFDb');
    } finally {
      await receiver.close();
    }
  });

  it('marks a delivery dead when the schedule is exhausted, and resends and recovers it', async () => {
    let healthy = false;
    const receiver = await startReceiver(() => (healthy ? { status: 200 } : { status: 503 }));
    try {
      const { api, hook } = await setup(receiver.url);
      const since = new Date().toISOString();
      await api('POST', '/api/public/v1/customers', { firstName: 'Dead' });
      await api('POST', '/api/public/v1/customers', { firstName: 'Dead2' });
      await receiver.until(() => receiver.received.length >= 6, 8000);
      let log = await settled(
        () => api('GET', `/crm-api/v1/webhooks/${hook.id}/deliveries?status=dead`),
        (l) => l.body.pagination.total === 2,
      );
      assert.equal(log.body.pagination.total, 2, JSON.stringify(log.body));
      assert.equal(log.body.data[0].attempt_count, 3);
      assert.equal((await api('GET', `/crm-api/v1/webhooks/${hook.id}`)).body.data.failing_since !== null, true);
      healthy = true;
      const resent = await api('POST', `/crm-api/v1/webhooks/${hook.id}/deliveries/${log.body.data[0].id}/resend`);
      assert.equal(resent.status, 202, resent.text);
      await receiver.until(() => receiver.received.length >= 7);
      assert.equal(receiver.received[6].body.id, log.body.data[0].event_id);
      const recovered = await api('POST', `/crm-api/v1/webhooks/${hook.id}/recover`, { since });
      assert.equal(recovered.status, 202, recovered.text);
      assert.equal(recovered.body.data.recovered, 1);
      await receiver.until(() => receiver.received.length >= 8);
      log = await settled(
        () => api('GET', `/crm-api/v1/webhooks/${hook.id}/deliveries`),
        (l) => l.body.data.every((d: JsonBody) => d.status === 'succeeded'),
      );
      assert.deepEqual(
        log.body.data.map((d: JsonBody) => d.status),
        ['succeeded', 'succeeded'],
      );
      const ep = (await api('GET', `/crm-api/v1/webhooks/${hook.id}`)).body.data;
      assert.equal(ep.failing_since, null);
      assert.ok(ep.last_success_at);
    } finally {
      await receiver.close();
    }
  });

  it('honours Retry-After on a 429', async () => {
    const receiver = await startReceiver((_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    try {
      const { api } = await setup(receiver.url);
      await api('POST', '/api/public/v1/customers', { firstName: 'Slow' });
      await receiver.until(() => receiver.received.length >= 2, 5000);
      const gap = receiver.received[1].at - receiver.received[0].at;
      assert.ok(gap >= 950, `waited ${gap} ms, not the 0.2 s schedule`);
    } finally {
      await receiver.close();
    }
  });

  it('never sends live events to a test endpoint, nor test events to a live one', async () => {
    const liveReceiver = await startReceiver();
    const testReceiver = await startReceiver();
    try {
      const t = await server.tenant({ env: 'test' });
      const live = await server.key(t.tenantId, { env: 'live' });
      const testApi = client(server.url, { 'x-api-key': t.key });
      const liveApi = client(server.url, { 'x-api-key': live.key });
      assert.equal((await testApi('POST', '/crm-api/v1/webhooks', { url: testReceiver.url })).status, 201);
      assert.equal((await liveApi('POST', '/crm-api/v1/webhooks', { url: liveReceiver.url })).status, 201);
      await liveApi('POST', '/api/public/v1/customers', { firstName: 'Live' });
      await testApi('POST', '/api/public/v1/customers', { firstName: 'Test' });
      await liveReceiver.until(() => liveReceiver.received.length >= 1);
      await testReceiver.until(() => testReceiver.received.length >= 1);
      await wait(300);
      assert.deepEqual(
        liveReceiver.received.map((r) => [r.body.environment, r.body.data.firstName]),
        [['live', 'Live']],
      );
      assert.deepEqual(
        testReceiver.received.map((r) => [r.body.environment, r.body.data.firstName]),
        [['test', 'Test']],
      );
    } finally {
      await liveReceiver.close();
      await testReceiver.close();
    }
  });

  it('filters by event name and prefix', async () => {
    const receiver = await startReceiver();
    try {
      const { api } = await setup(receiver.url, { events: ['crm.customers.updated'] });
      const c = await api('POST', '/api/public/v1/customers', { firstName: 'Filter' });
      await api('PUT', `/api/public/v1/customers/${c.body.data.id}`, { notes: 'changed' });
      await receiver.until(() => receiver.received.length >= 1);
      await wait(300);
      assert.deepEqual(
        receiver.received.map((r) => r.body.event),
        ['crm.customers.updated'],
      );
    } finally {
      await receiver.close();
    }
  });

  it('tests an endpoint on demand and reports the attempt; a redirect is a failure', async () => {
    const receiver = await startReceiver((r) => (r.raw.includes('redirect-me') ? { status: 200 } : { status: 200, body: 'pong' }));
    const redirecting = await startReceiver(() => ({ status: 302, headers: { location: receiver.url } }));
    try {
      const { api, hook } = await setup(receiver.url);
      const res = await api('POST', `/crm-api/v1/webhooks/${hook.id}/test`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.success, true);
      assert.equal(res.body.data.status_code, 200);
      assert.equal(res.body.data.response_body, 'pong');
      assert.equal(receiver.received[0].headers['x-motors-event'], 'webhook.test');
      assert.ok(verifyMotors(hook.secret, receiver.received[0]));

      const other = await api('POST', '/crm-api/v1/webhooks', { url: redirecting.url });
      const bad = await api('POST', `/crm-api/v1/webhooks/${other.body.data.id}/test`);
      assert.equal(bad.body.data.success, false);
      assert.equal(bad.body.data.status_code, 302);
      assert.match(bad.body.data.error, /Redirect/);
      assert.equal(receiver.received.length, 1, 'the redirect was not followed');
    } finally {
      await receiver.close();
      await redirecting.close();
    }
  });

  it('keeps serving other requests while a test send waits on a slow receiver', async () => {
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 1500 }));
    try {
      const { api, hook } = await setup(receiver.url);
      const pending = api('POST', `/crm-api/v1/webhooks/${hook.id}/test`);
      await receiver.until(() => receiver.received.length >= 1);
      const t0 = Date.now();
      const list = await api('GET', '/api/public/v1/customers');
      assert.equal(list.status, 200);
      assert.ok(Date.now() - t0 < 1000, `a read waited ${Date.now() - t0} ms behind the test send`);
      assert.equal((await pending).body.data.success, true);
    } finally {
      await receiver.close();
    }
  });

  it('signs with both secrets for 24 hours after a rotation', async () => {
    const receiver = await startReceiver();
    try {
      const { api, hook } = await setup(receiver.url);
      const rotated = await api('POST', `/crm-api/v1/webhooks/${hook.id}/rotate-secret`);
      assert.equal(rotated.status, 200, rotated.text);
      const secret = rotated.body.data.secret;
      assert.notEqual(secret, hook.secret);
      assert.ok(Date.parse(rotated.body.data.previous_secret_expires_at) > Date.now() + 23 * 3600_000);
      await api('POST', '/api/public/v1/customers', { firstName: 'Rotate' });
      await receiver.until(() => receiver.received.length >= 1);
      const r = receiver.received[0];
      assert.equal(String(r.headers['x-motors-signature']).split(',').length, 2);
      for (const s of [secret, hook.secret]) {
        assert.ok(verifyMotors(s, r));
        assert.ok(verifyStandard(s, r));
      }
    } finally {
      await receiver.close();
    }
  });

  it('disables an endpoint after 5 days without a success, saying why, and stops sending to it', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    try {
      const { t, api, hook } = await setup(receiver.url);
      await server.app.database.db
        .update(webhookEndpoints)
        .set({ failingSince: new Date(Date.now() - 5 * 24 * 3600_000 - 60_000) })
        .where(and(eq(webhookEndpoints.tenantId, t.tenantId), eq(webhookEndpoints.id, hook.id)));
      await api('POST', '/api/public/v1/customers', { firstName: 'Down' });
      await receiver.until(() => receiver.received.length >= 1);
      let ep: JsonBody;
      for (let i = 0; i < 50 && !ep?.disabled_reason; i++) {
        await wait(50);
        ep = (await api('GET', `/crm-api/v1/webhooks/${hook.id}`)).body.data;
      }
      assert.equal(ep.enabled, false);
      assert.match(ep.disabled_reason, /5 days/);
      await wait(700);
      assert.equal(receiver.received.length, 1, 'no retry to a disabled endpoint');
      const d = (
        await settled(
          () => api('GET', `/crm-api/v1/webhooks/${hook.id}/deliveries`),
          (l) => l.body.data[0]?.status === 'dead',
        )
      ).body.data[0];
      assert.equal(d.status, 'dead');
      assert.match(d.last_error, /disabled/);
      const enabled = await api('PUT', `/crm-api/v1/webhooks/${hook.id}`, { enabled: true });
      assert.equal(enabled.body.data.disabled_reason, null);
      assert.equal(enabled.body.data.failing_since, null);
    } finally {
      await receiver.close();
    }
  });

  it('prunes delivery log entries older than the retention', async () => {
    const t = await server.tenant();
    const db = server.app.database.db;
    const old = new Date(Date.now() - 31 * 24 * 3600_000);
    const recent = new Date();
    for (const [id, at] of [
      ['old', old],
      ['recent', recent],
    ] as const) {
      await db.insert(webhookDeliveries).values({
        tenantId: t.tenantId,
        environment: 'test',
        id: `${id}-${t.tenantId}`,
        endpointId: 'e',
        eventId: `ev-${id}`,
        eventType: 'crm.customers.created',
        status: 'succeeded',
        attempts: 1,
        createdAt: at,
        updatedAt: at,
      });
      await db.insert(webhookAttempts).values({
        tenantId: t.tenantId,
        environment: 'test',
        id: `a-${id}-${t.tenantId}`,
        deliveryId: `${id}-${t.tenantId}`,
        endpointId: 'e',
        eventId: `ev-${id}`,
        requestId: 'r',
        worker: 'w',
        startedAt: at,
        durationMs: 1,
        statusCode: 200,
      });
    }
    await pruneWebhookLog(db, 30);
    const left = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.tenantId));
    assert.deepEqual(
      left.map((r) => r.id),
      [`recent-${t.tenantId}`],
    );
    const attempts = await db.select({ id: webhookAttempts.id }).from(webhookAttempts).where(eq(webhookAttempts.tenantId, t.tenantId));
    assert.deepEqual(
      attempts.map((r) => r.id),
      [`a-recent-${t.tenantId}`],
    );
  });

  it('describes the webhook routes and the receiver guide in the OpenAPI document', async () => {
    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    for (const path of [
      '/crm-api/v1/webhooks',
      '/crm-api/v1/webhooks/{id}',
      '/crm-api/v1/webhooks/{id}/test',
      '/crm-api/v1/webhooks/{id}/rotate-secret',
      '/crm-api/v1/webhooks/{id}/deliveries',
      '/crm-api/v1/webhooks/{id}/deliveries/{deliveryId}/resend',
      '/crm-api/v1/webhooks/{id}/recover',
    ]) {
      assert.ok(doc.paths[path], path);
    }
    assert.match(doc.paths['/crm-api/v1/webhooks'].post.description, /timingSafeEqual/);
  });
});

describe('webhooks: graceful shutdown', () => {
  it('finishes a delivery in flight before the server closes', async () => {
    let answeredAt = 0;
    const receiver = await startReceiver(() => ({ status: 200, delayMs: 400 }));
    const server = await startServer();
    try {
      await server.app.webhooks.start();
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      await api('POST', '/crm-api/v1/webhooks', { url: receiver.url });
      await api('POST', '/api/public/v1/customers', { firstName: 'Inflight' });
      await receiver.until(() => receiver.received.length >= 1);
      answeredAt = receiver.received[0].at + 400;
    } finally {
      await server.close();
    }
    assert.ok(Date.now() >= answeredAt - 20, 'close() waited for the receiver to answer');
    await receiver.close();
  });
});

describe('webhooks: one attempt', () => {
  const endpoint = { secret: 'whsec_' + Buffer.alloc(24, 7).toString('base64'), previousSecret: null, previousSecretExpiresAt: null };
  const event = { id: 'evt', type: 'webhook.test', createdAt: new Date(), environment: 'test' as const, data: {} };

  it('gives up on a receiver slower than the timeout, before the headers or while it trickles the body', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 3000 }));
    const trickle = http.createServer((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((ok) => trickle.listen(0, '127.0.0.1', ok));
    try {
      for (const url of [slow.url, `http://127.0.0.1:${(trickle.address() as AddressInfo).port}`]) {
        const attempt = await sendAttempt({ allowPrivate: true, timeoutMs: 300 }, { ...endpoint, url }, event);
        assert.equal(attempt.ok, false);
        assert.match(attempt.error!, /Timed out after 0.3 s/);
        assert.ok(attempt.durationMs < 2000, `gave up after ${attempt.durationMs} ms`);
      }
    } finally {
      trickle.closeAllConnections();
      trickle.close();
      await slow.close();
    }
  });
});
