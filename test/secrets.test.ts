import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { client, startServer } from './helpers.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';

// With the chattiest log level, every secret a request can carry (API keys in both headers,
// shoppers' passwords and tokens, staff passwords and session cookies) stays out of the logs.
describe('secrets never reach the logs', () => {
  it('at LOG_LEVEL=debug, no API key, password, token or session appears in the log output', async () => {
    const lines: string[] = [];
    const server = await startServer({ LOG_LEVEL: 'debug' }, { logLines: lines });
    const { app, url } = server;
    try {
      const tenant = await createTenant(app.database.db, { name: 'Secret Motors' });
      const { key } = await createApiKey(app.database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 10_000 });
      const secrets: Record<string, string> = { 'API key': key };

      const api = client(url);
      assert.equal((await api('GET', '/api/public/v1/customers?limit=1', undefined, { 'x-api-key': key })).status, 200);
      assert.equal((await api('GET', '/crm-api/v1/clients', undefined, { authorization: `Bearer ${key}` })).status, 200);
      assert.equal((await api('POST', '/api/public/v1/customers', { type: 'person', firstName: 'Ann' }, { authorization: `Bearer ${key}`, 'idempotency-key': 'secret-test-1' })).status, 201);
      // A key that looks right but isn't, and one with a bad checksum: refused, and not logged either.
      const wrong = key.slice(0, -6) + 'abcdef';
      secrets['wrong API key'] = wrong;
      assert.equal((await api('GET', '/api/public/v1/customers', undefined, { 'x-api-key': wrong })).status, 401);

      // Credentials in the query string: refused (or ignored), and logged without their values.
      const queryKey = (await createApiKey(app.database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 10_000 })).key;
      secrets['API key in the query string'] = queryKey;
      const queryValues: Record<string, string> = {};
      for (const name of ['password', 'token', 'refreshToken', 'refresh_token', 'apiKey', 'api_key', 'key', 'access_token', 'X-API-Key']) {
        queryValues[name] = `${name.replace(/\W/g, '')}-${crypto.randomBytes(8).toString('hex')}`;
        secrets[`?${name}= value`] = queryValues[name];
      }
      assert.equal((await api('GET', `/api/public/v1/customers?api_key=${queryKey}`)).status, 401);
      assert.equal((await api('GET', `/crm-api/v1/clients?apiKey=${queryKey}&page=1`)).status, 401);
      assert.equal((await api('GET', `/api/public/v1/customers?q=${queryKey}`)).status, 401);
      assert.equal((await api('GET', `/api/public/v1/customers/${queryKey}`)).status, 401);
      const qs = Object.entries(queryValues)
        .map(([k, v]) => `${encodeURIComponent(k)}=${v}`)
        .join('&');
      assert.equal((await api('GET', `/external/vehicles?${qs}`, undefined, { 'x-api-key': key })).status < 500, true);

      const password = `pw-${crypto.randomBytes(8).toString('hex')}`;
      secrets['shopper password'] = password;
      const email = `shopper.${crypto.randomBytes(4).toString('hex')}@example.com`;
      const sf = client(url, { 'x-api-key': key });
      const registered = await sf('POST', '/external/auth/register', { email, password, firstName: 'Sam', lastName: 'Shopper' });
      assert.equal(registered.status, 201, registered.text);
      const wrongPassword = `wrong-${crypto.randomBytes(8).toString('hex')}`;
      secrets['mistyped password'] = wrongPassword;
      assert.equal((await sf('POST', '/external/auth/login', { email, password: wrongPassword })).status, 401);
      const login = await sf('POST', '/external/auth/login', { email, password });
      assert.equal(login.status, 200, login.text);
      secrets['access token'] = login.body.data.access_token;
      secrets['refresh token'] = login.body.data.refresh_token;
      assert.equal((await sf('GET', '/external/auth/me', undefined, { authorization: `Bearer ${login.body.data.access_token}` })).status, 200);
      const refreshed = await sf('POST', '/external/auth/refresh', { refresh_token: login.body.data.refresh_token });
      assert.equal(refreshed.status, 200, refreshed.text);
      secrets['rotated refresh token'] = refreshed.body.data.refresh_token;
      // Reusing the old refresh token is refused (reuse detection) and logged as such, without it.
      await sf('POST', '/external/auth/refresh', { refresh_token: login.body.data.refresh_token });
      assert.equal((await sf('POST', '/external/auth/logout', { refresh_token: refreshed.body.data.refresh_token })).status, 200);

      const staffPassword = `staff-${crypto.randomBytes(8).toString('hex')}`;
      secrets['staff password'] = staffPassword;
      const staffEmail = `owner.${crypto.randomBytes(4).toString('hex')}@example.com`;
      await createUser(app.database.db, { tenantId: tenant.id, email: staffEmail, name: 'Owner', role: 'owner', password: staffPassword });
      const session = await fetch(`${url}/manage/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: staffEmail, password: staffPassword }),
      });
      assert.equal(session.status, 200);
      const cookie = session.headers.get('set-cookie')!.split(';')[0];
      secrets['session cookie'] = cookie.split('=')[1];
      const created = await api('POST', '/manage/v1/keys', { name: 'Website', environment: 'test', scopes: ['customers:read'] }, { cookie });
      assert.equal(created.status, 201, created.text);
      secrets['key created in the dashboard'] = created.body.data.key;
      await api('GET', '/manage/v1/me', undefined, { cookie });

      await app.close();
      const log = lines.join('');
      assert.ok(lines.length > 10, 'the debug log captured the requests');
      assert.match(log, /incoming request|request completed/);
      assert.match(log, /"url":"\/api\/public\/v1\/customers\?api_key=\[redacted\]"/, 'the request is still logged, its key redacted');
      for (const [what, value] of Object.entries(secrets)) {
        assert.ok(value && value.length >= 8, `${what} is a real value`);
        assert.ok(!log.includes(value), `the log contains the ${what}`);
        // A secret's distinctive middle is enough to leak it (a truncated or re-encoded copy).
        const middle = value.slice(Math.floor(value.length / 2) - 6, Math.floor(value.length / 2) + 6);
        assert.ok(!log.includes(middle), `the log contains part of the ${what}`);
      }
    } finally {
      await server.close();
    }
  });
});
