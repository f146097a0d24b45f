import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { startServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import { seedDemo } from '../src/core/demo.ts';
import {
  catalogBodyTypes,
  catalogBrands,
  catalogEngines,
  catalogGenerations,
  catalogModels,
  catalogTrims,
  idempotencyKeys,
  motors,
  newsletterSubscribers,
  requestLogs,
  settings,
} from '../src/storage/schema/index.ts';
import { loadCatalog } from '../src/core/catalog-load.ts';
import type { Ctx } from '../src/core/context.ts';

// The documents' own examples, sent as the documents write them.
describe("integrators: the documents' examples work unchanged", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it("serves the CRM API under the document's base path /functions/v1/crm-api/v1 too, with the same data, scopes and errors", async () => {
    const t = await server.tenant();
    const api = client(server.url, { authorization: `Bearer ${t.key}` });
    const alias = '/functions/v1/crm-api/v1';
    const created = await api('POST', `${alias}/clients`, { name: 'Amelia Hart', email: 'amelia@example.com' });
    assert.equal(created.status, 201, created.text);
    const viaMain = await api('GET', `/crm-api/v1/clients/${created.body.data.id}`);
    assert.equal(viaMain.status, 200, viaMain.text);
    assert.equal(viaMain.body.data.name, 'Amelia Hart');
    const list = await api('GET', `${alias}/clients?page=1&limit=10`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.pagination, { page: 1, limit: 10, total: 1, total_pages: 1 });
    // The same platform: no key is a 401, a missing scope a 403 naming it, in the CRM error shape.
    const anonymous = await client(server.url)('GET', `${alias}/clients`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'unauthorized');
    const { key: readOnly } = await server.key(t.tenantId, { scopes: ['invoices:read'] });
    const denied = await client(server.url, { authorization: `Bearer ${readOnly}` })('GET', `${alias}/clients`);
    assert.equal(denied.status, 403);
    assert.match(denied.body.error.message, /clients:read/);
    const missing = await api('GET', `${alias}/clients/0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f70`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    const unknown = await api('GET', `${alias}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not_found');

    // Listed once in /openapi.json, with the alias named where a reader looks for the base URL.
    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    assert.ok(doc.paths['/crm-api/v1/clients']);
    assert.equal(Object.keys(doc.paths).filter((p) => p.startsWith('/functions/')).length, 0);
    const tag = doc.tags.find((x: { name: string }) => x.name === 'CRM API');
    assert.match(tag.description, /\/functions\/v1\/crm-api\/v1/);
  });

  it('accepts the Storefront sign-up, sign-in and form inputs as query parameters when there is no body', async () => {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: server.app.database.db };
    await server.app.database.db.transaction((tx) => seedDemo({ ...ctx, db: tx }));
    const sf = client(server.url, { 'x-api-key': t.key });
    const q = (o: Record<string, string>) => `?${new URLSearchParams(o)}`;
    const email = `query.${crypto.randomBytes(4).toString('hex')}@example.com`;

    // No body at all (no Content-Type), as the document's curl examples send.
    const registered = await sf('POST', `/external/auth/register${q({ email, password: 'securepassword123', firstName: 'John', lastName: 'Doe' })}`);
    assert.equal(registered.status, 201, registered.text);
    assert.equal(registered.body.data.user.email, email);
    const login = await sf('POST', `/external/auth/login${q({ email, password: 'securepassword123' })}`);
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.data.token_type, 'Bearer');
    // An empty body with a JSON Content-Type is no body either.
    const emptyJson = await sf('POST', `/external/auth/login${q({ email, password: 'securepassword123' })}`, '', { 'content-type': 'application/json' });
    assert.equal(emptyJson.status, 200, emptyJson.text);
    const wrong = await sf('POST', `/external/auth/login${q({ email, password: 'not-the-password' })}`);
    assert.equal(wrong.status, 401, wrong.text);

    assert.equal((await sf('POST', `/external/newsletter/subscribe${q({ email: 'reader@example.com' })}`)).status, 200);
    const [sub] = await server.app.database.db
      .select()
      .from(newsletterSubscribers)
      .where(and(eq(newsletterSubscribers.tenantId, t.tenantId), eq(newsletterSubscribers.email, 'reader@example.com')));
    assert.ok(sub);
    const unsub = await sf('POST', `/external/newsletter/unsubscribe${q({ email: 'reader@example.com' })}`);
    assert.equal(unsub.status, 200, unsub.text);

    const contact = await sf('POST', `/external/contact/submit${q({ name: 'John Doe', email: 'john@example.com', message: 'Do you offer financing?' })}`);
    assert.equal(contact.status, 201, contact.text);
    const vehicle = (await sf('GET', '/external/vehicles?listingType=sale')).body.data.find((v: { status: string }) => v.status === 'available');
    const drive = await sf('POST', `/external/test-drives${q({ vehicleId: vehicle.id, name: 'John Doe', email: 'john@example.com', preferredDate: '2026-12-05' })}`);
    assert.equal(drive.status, 201, drive.text);
    assert.equal(drive.body.data.vehicleId, vehicle.id);

    // Query input is validated like a body: a missing field is a 400 naming it, in the Storefront shape.
    const incomplete = await sf('POST', `/external/contact/submit${q({ name: 'John Doe' })}`);
    assert.equal(incomplete.status, 400, incomplete.text);
    assert.equal(incomplete.body.statusCode, 400);
    assert.match(incomplete.body.error, /email/);
    // A JSON body, when sent, is the only input: the query is not merged into it.
    const bodyWins = await sf('POST', `/external/newsletter/subscribe${q({ email: 'ignored@example.com' })}`, { email: 'body@example.com' });
    assert.equal(bodyWins.status, 200, bodyWins.text);
    assert.equal(bodyWins.body.data.email, 'body@example.com');
    // A route without the option still needs its body.
    const refresh = await sf('POST', `/external/auth/refresh${q({ refresh_token: 'x' })}`);
    assert.equal(refresh.status, 400, refresh.text);

    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    assert.match(doc.paths['/external/auth/login'].post.description, /query parameters/);
  });

  // The debug log's `req.url` is redacted by the logger (src/logger.ts: credential query parameters).
  it('keeps a password sent in the query string out of the request log and the debug log', async () => {
    const lines: string[] = [];
    const server = await startServer({ LOG_LEVEL: 'debug' }, { logLines: lines });
    const { app, url } = server;
    try {
      const tenant = await createTenant(app.database.db, { name: 'Query Motors' });
      const { key } = await createApiKey(app.database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 10_000 });
      const sf = client(url, { 'x-api-key': key });
      const password = `pw-${crypto.randomBytes(8).toString('hex')}`;
      const email = `shopper.${crypto.randomBytes(4).toString('hex')}@example.com`;
      const params = new URLSearchParams({ email, password, firstName: 'Sam', lastName: 'Shopper' });
      assert.equal((await sf('POST', `/external/auth/register?${params}`)).status, 201);
      const login = await sf('POST', `/external/auth/login?${new URLSearchParams({ email, password })}`, undefined, { 'idempotency-key': 'query-login-1' });
      assert.equal(login.status, 200, login.text);
      const [stored] = await app.database.db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.tenantId, tenant.id), eq(idempotencyKeys.key, 'query-login-1')));
      assert.equal(stored.path, '/external/auth/login', 'the stored Idempotency-Key record has no query string');
      const replay = await sf('POST', `/external/auth/login?${new URLSearchParams({ email, password })}`, undefined, { 'idempotency-key': 'query-login-1' });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      const other = await sf('POST', `/external/auth/login?${new URLSearchParams({ email, password: 'another-one' })}`, undefined, { 'idempotency-key': 'query-login-1' });
      assert.equal(other.status, 422, 'another query is another request');
      await new Promise((r) => setTimeout(r, 1200)); // the request log is written every second
      const paths = (await app.database.db.select().from(requestLogs).where(eq(requestLogs.tenantId, tenant.id))).map((r) => r.path);
      assert.deepEqual([...new Set(paths)].sort(), ['/external/auth/login', '/external/auth/register']);
      await app.close();
      const log = lines.join('');
      assert.match(log, /auth\/login/, 'the debug log captured the sign-in');
      const leaks = lines.filter((l) => l.includes(password)).map((l) => JSON.parse(l).msg);
      assert.deepEqual(leaks, [], 'log lines with the password from the query string');
      assert.ok(!log.includes(login.body.data.access_token), 'the access token is in the debug log');
    } finally {
      await server.close();
    }
  });

  // Runs on the file's server: it removes the global catalog, and puts it back (loadCatalog) before it ends.
  it('links motors seeded before the catalog was ever loaded when it loads, so brand, model and body type filters find them', async () => {
    const db = server.app.database.db;
    // A database where no server has loaded the catalog yet (as `motors seed demo` found it).
    await db.transaction(async (tx) => {
      await tx.delete(catalogTrims).where(isNull(catalogTrims.tenantId));
      await tx.delete(catalogGenerations);
      await tx.delete(catalogModels).where(isNull(catalogModels.tenantId));
      await tx.delete(catalogBrands).where(isNull(catalogBrands.tenantId));
      await tx.delete(catalogEngines);
      await tx.delete(catalogBodyTypes);
      await tx.delete(settings).where(eq(settings.key, 'catalog_version'));
    });
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db };
    await db.transaction((tx) => seedDemo({ ...ctx, db: tx }));
    const [unlinked] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(motors)
      .where(and(eq(motors.tenantId, t.tenantId), isNull(motors.makeId)));
    assert.ok(unlinked.n > 0, 'written without the catalog, the demo motors have no catalog ids');

    assert.equal((await loadCatalog(db)).loaded, true);
    const sf = client(server.url, { 'x-api-key': t.key });
    const vehicles = (await sf('GET', '/external/vehicles?limit=100')).body.data as JsonBody[];
    assert.ok(vehicles.length > 0);
    const linked = vehicles.filter((v) => v.model?.id && v.model?.brand?.id && v.model?.bodyType?.id);
    assert.ok(linked.length >= vehicles.length - 1, `${linked.length} of ${vehicles.length} vehicles linked`);
    const v = linked[0];
    for (const filter of [`brandId=${v.model.brand.id}`, `modelId=${v.model.id}`, `bodyTypeId=${v.model.bodyType.id}`]) {
      const found = (await sf('GET', `/external/vehicles?${filter}`)).body.data.map((x: JsonBody) => x.id);
      assert.ok(found.includes(v.id), filter);
    }
  });
});
