import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, staffDealer, type TestServer } from './helpers.ts';
import { createApiKey } from '../src/core/api-keys.ts';

// The dashboard's request chart follows the Test / Live switch: /request-stats counts only the
// environment chosen with X-Motors-Environment, like /request-logs.
describe('Management API: request stats per environment', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it('counts test and live requests apart', async () => {
    const db = server.app.database.db;
    const { tenantId, cookie } = await staffDealer(server);
    // No X-Motors-Environment: the last check is that test is the default.
    const staff = client(server.url, { cookie });

    const test = await createApiKey(db, { tenantId, environment: 'test', scopes: ['*'], rateLimit: 1000 });
    const live = await createApiKey(db, { tenantId, environment: 'live', scopes: ['*'], rateLimit: 1000 });
    for (let i = 0; i < 3; i++) assert.equal((await client(server.url, { 'x-api-key': test.key })('GET', '/api/public/v1/customers')).status, 200);
    assert.equal((await client(server.url, { 'x-api-key': live.key })('POST', '/api/public/v1/customers', { type: 'bogus' })).status, 400);

    const sum = (r: { body: { data: { requests: number; errors: number }[] } }) =>
      r.body.data.reduce((t, h) => ({ requests: t.requests + h.requests, errors: t.errors + h.errors }), { requests: 0, errors: 0 });
    await staff('GET', '/manage/v1/request-logs'); // flushes the buffered log
    const testStats = await staff('GET', '/manage/v1/request-stats?days=1', undefined, { 'x-motors-environment': 'test' });
    assert.equal(testStats.status, 200, testStats.text);
    assert.deepEqual(sum(testStats), { requests: 3, errors: 0 });
    const liveStats = await staff('GET', '/manage/v1/request-stats?days=1', undefined, { 'x-motors-environment': 'live' });
    assert.deepEqual(sum(liveStats), { requests: 1, errors: 1 });
    assert.deepEqual(sum(await staff('GET', '/manage/v1/request-stats?days=1')), { requests: 3, errors: 0 }, 'test by default');
  });
});
