import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { sharedServer, client, type TestServer } from './helpers.ts';
import { eventRegistry } from '../src/core/events.ts';

// What an SDK generator and a linter (redocly, spectral) would check, over the served document:
// stable operationIds, described responses, formats, real bounds, declared tags, license and
// contact, the webhooks. Plus the small things integrators trip over (issue items 3 and 5).

type Param = { name: string; in: string; schema?: { format?: string; maximum?: number; minimum?: number; type?: unknown } };
type Op = { operationId?: string; summary?: string; tags?: string[]; parameters?: Param[]; responses: Record<string, { description?: string }> };
type Doc = {
  info: { license?: { name?: string }; contact?: { name?: string } };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Op>>;
  webhooks?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, { $ref?: string; const?: string }> } }> } } }>;
  components: { schemas: Record<string, unknown> };
};

// semver comes with npm's tree (no types); the two functions used here.
const semver = createRequire(import.meta.url)('semver') as { subset(a: string, b: string): boolean; satisfies(v: string, r: string): boolean };

// Declare Node >= 22 while running on the machines' Node 20 (this suite runs them there):
// pulled in by fastify's light-my-request and @fastify/cookie (cookie 2) and by @fastify/static
// (content-disposition 3). Moving off them is a dependency change, not an engines one.
const declaredNarrowerButRunOn20 = ['cookie@2', 'content-disposition@3'];

const methods = ['get', 'post', 'put', 'patch', 'delete'];
const isIdName = (name: string) => name === 'id' || /[a-z]Id$/.test(name) || /_id$/.test(name);

describe('the OpenAPI document an SDK generator is happy with', () => {
  let server: TestServer;
  let doc: Doc;
  let key: string;
  const ops: { method: string; path: string; op: Op }[] = [];
  before(async () => {
    server = await sharedServer();
    ({ key } = await server.tenant());
    doc = (await client(server.url)('GET', '/openapi.json')).body as Doc;
    for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) if (methods.includes(method)) ops.push({ method, path, op });
  });
  after(() => server.close());

  it('gives every operation a unique camelCase operationId', () => {
    assert.ok(ops.length > 200);
    const seen = new Map<string, string>();
    for (const { method, path, op } of ops) {
      assert.match(op.operationId ?? '', /^[a-z][A-Za-z0-9]*$/, `${method} ${path}`);
      assert.equal(seen.get(op.operationId!), undefined, `${op.operationId} on ${method} ${path} and ${seen.get(op.operationId!)}`);
      seen.set(op.operationId!, `${method} ${path}`);
    }
    // Derived from surface + method + path: stable and readable.
    assert.equal(doc.paths['/api/public/v1/customers'].get.operationId, 'recordsListCustomers');
    assert.equal(doc.paths['/api/public/v1/inventoryItems/{id}'].put.operationId, 'recordsUpdateInventoryItem');
    assert.equal(doc.paths['/crm-api/v1/invoices/{id}/status'].patch.operationId, 'crmUpdateInvoiceStatus');
    assert.equal(doc.paths['/crm-api/v1/webhooks/{id}/rotate-secret'].post.operationId, 'crmRotateWebhookSecret');
    // Where the path reads badly as a name, the route names itself (RouteSpec.operationId).
    assert.equal(doc.paths['/external/vehicles/stats/summary'].get.operationId, 'storefrontGetVehicleStats');
    assert.equal(doc.paths['/external/customers/stats/summary'].get.operationId, 'storefrontGetCustomerStats');
    assert.equal(doc.paths['/external/auth/me'].get.operationId, 'storefrontGetMe');
    assert.equal(doc.paths['/external/auth/refresh'].post.operationId, 'storefrontRefreshToken');
    assert.equal(doc.paths['/api/public/v1/leads/adf'].post.operationId, 'recordsCreateLeadFromAdf');
    assert.equal(doc.paths['/manage/v1/me/password'].put.operationId, 'manageChangePassword');
    assert.equal(doc.paths['/manage/v1/scopes/operations'].get.operationId, 'manageListScopeOperations');
    // The shopper's token is declared where a route needs it, beside the key.
    assert.deepEqual((doc.paths['/external/auth/me'].get as { security?: unknown }).security, [{ StorefrontApiKey: [], CustomerJwt: [] }]);
    assert.equal(doc.paths['/external/auth/login'].post.operationId, 'storefrontLogin');
  });

  it('describes every response (no "Default Response")', () => {
    for (const { method, path, op } of ops) {
      for (const [status, response] of Object.entries(op.responses)) {
        assert.ok(response.description && response.description !== 'Default Response', `${method} ${path} ${status}: ${response.description}`);
      }
    }
  });

  it('gives every id parameter a format, and formats ids, timestamps and emails in the schemas', () => {
    for (const { method, path, op } of ops) {
      for (const p of op.parameters ?? []) {
        if ((p.in === 'path' || p.in === 'query') && isIdName(p.name)) assert.equal(p.schema?.format, 'uuid', `${method} ${path} ${p.in} ${p.name}`);
        if (p.name === 'email') assert.equal(p.schema?.format, 'email', `${method} ${path} ${p.name}`);
      }
    }
    const customer = doc.components.schemas.Customer as { properties: Record<string, { format?: string; anyOf?: { format?: string }[] }> };
    assert.equal(customer.properties.id.format, 'uuid');
    assert.equal(customer.properties.createdAt.format, 'date-time');
    const email = customer.properties.email;
    assert.ok(email.format === 'email' || email.anyOf?.some((b) => b.format === 'email'), JSON.stringify(email));
  });

  it('shows the bound the server enforces on every limit and page parameter (max + 1 is a 400)', async () => {
    const headers = { 'x-api-key': key };
    let checked = 0;
    for (const { method, path, op } of ops) {
      if (method !== 'get' || path.startsWith('/manage/')) continue;
      for (const p of op.parameters ?? []) {
        if (p.in !== 'query' || (p.name !== 'limit' && p.name !== 'page')) continue;
        const max = p.schema?.maximum;
        assert.ok(typeof max === 'number' && max < 2 ** 53 - 1, `${path} ${p.name} maximum ${max}`);
        const url = path.replace(/\{[^}]+\}/g, '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11');
        const over = await client(server.url)('GET', `${url}?${p.name}=${max + 1}`, undefined, headers);
        assert.equal(over.status, 400, `${url}?${p.name}=${max + 1}: ${over.text.slice(0, 200)}`);
        assert.match(over.text, new RegExp(`must be at most ${max}`), url);
        const at = await client(server.url)('GET', `${url}?${p.name}=${max}`, undefined, headers);
        // At the bound the route answers: a page, or 404 for the made-up id of a nested list.
        assert.equal(at.status, url === path ? 200 : 404, `${url}?${p.name}=${max}: ${at.text.slice(0, 200)}`);
        checked++;
      }
    }
    assert.ok(checked > 40, `checked ${checked}`);
  });

  it('declares every tag it uses, with a description; has a license and a contact', () => {
    const declared = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
    for (const { method, path, op } of ops) for (const tag of op.tags ?? []) assert.ok(declared.get(tag), `${method} ${path}: tag "${tag}" is not declared with a description`);
    assert.ok(doc.info.license?.name);
    assert.ok(doc.info.contact?.name);
  });

  it("lists one webhook per registered event type, its data the record type's schema", () => {
    const webhooks = doc.webhooks ?? {};
    assert.deepEqual(Object.keys(webhooks).sort(), eventRegistry.map((e) => e.type).sort());
    for (const spec of eventRegistry) {
      const props = webhooks[spec.type].post?.requestBody?.content?.['application/json']?.schema?.properties;
      assert.ok(props, spec.type);
      assert.deepEqual(Object.keys(props!).sort(), ['createdAt', 'data', 'environment', 'event', 'id']);
      assert.equal(props!.event.const, spec.type);
      const ref = props!.data.$ref;
      if (ref) assert.ok(doc.components.schemas[ref.replace('#/components/schemas/', '')], `${spec.type}: ${ref} does not resolve`);
    }
    assert.equal(webhooks['crm.customers.created'].post?.requestBody?.content?.['application/json']?.schema?.properties?.data.$ref, '#/components/schemas/Customer');
  });

  it('says "an" before a vowel in summaries and descriptions', () => {
    for (const { method, path, op } of ops) assert.doesNotMatch(op.summary ?? '', /\ba [aeiou]/i, `${method} ${path}`);
  });

  describe('small things integrators trip over', () => {
    let request: ReturnType<typeof client>;
    before(async () => {
      const { key } = await server.tenant();
      request = client(server.url, { 'x-api-key': key });
    });

    it('answers If-None-Match with the current ETag with 304 on a GET by id', async () => {
      const created = await request('POST', '/api/public/v1/customers', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
      assert.equal(created.status, 201, created.text);
      const id = created.body.data.id;
      const first = await request('GET', `/api/public/v1/customers/${id}`);
      const tag = first.headers.get('etag')!;
      assert.ok(tag);
      const again = await request('GET', `/api/public/v1/customers/${id}`, undefined, { 'if-none-match': tag });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
      assert.equal(again.headers.get('etag'), tag);
      assert.equal((await request('GET', `/api/public/v1/customers/${id}`, undefined, { 'if-none-match': `W/${tag}, "other"` })).status, 304);
      const other = await request('GET', `/api/public/v1/customers/${id}`, undefined, { 'if-none-match': '"stale"' });
      assert.equal(other.status, 200);
      assert.equal(other.body.data.id, id);
    });

    it('names the Content-Type that was sent in the 415', async () => {
      const res = await request('POST', '/api/public/v1/customers', 'firstName=Ada', { 'content-type': 'text/plain' });
      assert.equal(res.status, 415);
      assert.match(res.body.error.message, /"text\/plain"/);
      const form = await request('POST', '/crm-api/v1/clients', 'name=Ada', { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(form.status, 415);
      assert.match(form.body.error.message, /"application\/x-www-form-urlencoded"/);
    });

    it('phrases validation messages one way on every surface', async () => {
      const records = await request('GET', '/api/public/v1/customers?limit=500');
      assert.equal(records.body.error.message, 'query.limit: must be at most 200');
      const crm = await request('GET', '/crm-api/v1/clients?limit=500');
      assert.equal(crm.body.error.message, 'query.limit: must be at most 100');
      const storefront = await request('GET', '/external/customers?limit=0');
      assert.match(storefront.body.error, /query\.limit: must be at least 1/);
      const body = await request('POST', '/api/public/v1/customers', { firstName: 42 });
      assert.equal(body.status, 400);
      for (const res of [records, crm, storefront, body]) assert.doesNotMatch(res.text, /Too (big|small)|Invalid input|expected (number|string)/, res.text);
    });

    it('says "client" in CRM API messages about a client', async () => {
      const res = await request('GET', '/crm-api/v1/clients/0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11');
      assert.equal(res.status, 404);
      assert.match(res.body.error.message, /^Client /);
      assert.doesNotMatch(res.body.error.message, /customer/i);
    });

    it('declares the Node versions every installed dependency supports', () => {
      const ours = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node;
      assert.ok(semver.satisfies('20.19.0', ours), 'the machines run Node 20.19+');
      // The runtime dependency tree, resolved as Node resolves it (node_modules up the directories).
      const root = fileURLToPath(new URL('..', import.meta.url));
      const locate = (name: string, from: string): string | undefined => {
        for (let dir = from; ; dir = path.dirname(dir)) {
          const candidate = path.join(dir, 'node_modules', name);
          if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
          if (dir === path.dirname(dir)) return undefined;
        }
      };
      type Manifest = { name: string; version: string; engines?: { node?: string }; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
      const narrower: string[] = [];
      const seen = new Set<string>();
      const walk = (dir: string) => {
        const m = read(dir);
        for (const name of Object.keys({ ...m.dependencies, ...m.optionalDependencies })) {
          const at = locate(name, dir);
          if (!at || seen.has(at)) continue;
          seen.add(at);
          const dep = read(at);
          const theirs = dep.engines?.node;
          if (theirs && !semver.subset(ours, theirs) && !declaredNarrowerButRunOn20.includes(`${dep.name}@${dep.version.split('.')[0]}`)) narrower.push(`${dep.name}@${dep.version} needs ${theirs}`);
          walk(at);
        }
      };
      walk(root);
      assert.ok(seen.size > 50, `walked ${seen.size} packages`);
      assert.deepEqual(narrower, [], `engines.node "${ours}" allows versions these dependencies refuse`);
    });
  });
});
