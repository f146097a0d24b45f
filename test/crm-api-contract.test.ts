import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { scopeCatalogue } from '../src/core/scopes.ts';

// Generated from the OpenAPI document, so every CRM API route, present and future, is covered.
const crm = '/crm-api/v1';
type Operation = { method: string; path: string; scope: string | undefined; op: JsonBody };

async function crmOperations(server: TestServer): Promise<Operation[]> {
  const doc = (await client(server.url)('GET', '/openapi.json')).body;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<JsonBody>(doc.paths)) {
    if (!path.startsWith(crm)) continue;
    for (const [method, op] of Object.entries<JsonBody>(item)) {
      const scope = op['x-required-scope'] ?? /Requires scope `([^`]+)`/.exec(op.description ?? '')?.[1];
      ops.push({ method: method.toUpperCase(), path, scope, op });
    }
  }
  return ops;
}

const concrete = (path: string) => path.replace(/\{email\}/g, encodeURIComponent('a@example.com')).replace(/\{[^}]+\}/g, '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11');

describe('CRM API contract', () => {
  let server: TestServer;
  let ops: Operation[];
  before(async () => {
    server = await sharedServer();
    ops = await crmOperations(server);
  });
  after(async () => server?.close());

  it('serves every endpoint the document lists, plus quotes, payments and marketing', async () => {
    const have = new Set(ops.map((o) => `${o.method} ${o.path}`));
    const expected = [
      'GET /clients',
      'GET /clients/{id}',
      'POST /clients',
      'PUT /clients/{id}',
      'DELETE /clients/{id}',
      'GET /invoices',
      'GET /invoices/{id}',
      'POST /invoices',
      'PUT /invoices/{id}',
      'PATCH /invoices/{id}/status',
      'GET /products',
      'GET /products/{id}',
      'POST /products',
      'PUT /products/{id}',
      'GET /quotes',
      'GET /quotes/{id}',
      'POST /quotes',
      'PUT /quotes/{id}',
      'DELETE /quotes/{id}',
      'POST /quotes/{id}/convert',
      'GET /payments',
      'GET /payments/{id}',
      'POST /payments',
      'POST /marketing/subscribers',
      'DELETE /marketing/subscribers/{email}',
    ];
    for (const e of expected) {
      const [method, path] = e.split(' ');
      assert.ok(have.has(`${method} ${crm}${path}`), `missing ${e}`);
    }
  });

  it('names only scopes from the document, and names one on every route', () => {
    for (const o of ops) {
      assert.ok(o.scope, `${o.method} ${o.path} has no scope`);
      assert.ok((scopeCatalogue.crm as readonly string[]).includes(o.scope!), `${o.method} ${o.path}: ${o.scope}`);
      assert.ok(o.op.description.includes(`Requires scope \`${o.scope}\``), `${o.method} ${o.path}: the description names the scope`);
    }
  });

  it('documents every route with a summary, a request example and a response example', () => {
    // Webhook routes are documented by their own suite.
    for (const o of ops.filter((x) => !x.path.startsWith(`${crm}/webhooks`))) {
      const where = `${o.method} ${o.path}`;
      assert.ok(o.op.summary, `${where}: summary`);
      const body = o.op.requestBody?.content?.['application/json']?.schema;
      if (['POST', 'PUT', 'PATCH'].includes(o.method) && o.op.requestBody) assert.ok(body?.example !== undefined, `${where}: request example`);
      const success = Object.entries<JsonBody>(o.op.responses).find(([status]) => status.startsWith('2'));
      assert.ok(success, `${where}: a success response`);
      const schema = success[1].content?.['application/json']?.schema;
      assert.ok(schema?.example !== undefined, `${where}: response example`);
      assert.ok(o.op.responses['403'], `${where}: documents 403`);
    }
  });

  it('refuses a key without the route’s scope with 403 insufficient_scope naming it, on every route', async () => {
    for (const o of ops) {
      const others = scopeCatalogue.crm.filter((s) => s !== o.scope);
      const t = await server.tenant({ scopes: others });
      const body = ['POST', 'PUT', 'PATCH'].includes(o.method) ? {} : undefined;
      const res = await client(server.url, { authorization: `Bearer ${t.key}` })(o.method, concrete(o.path), body);
      assert.equal(res.status, 403, `${o.method} ${o.path}: ${res.text}`);
      assert.equal(res.body.error.code, 'insufficient_scope');
      assert.ok(res.body.error.message.includes(o.scope!), `${o.method} ${o.path}: ${res.body.error.message}`);
    }
  });

  it('lets a key holding only the route’s scope past the scope check, to the route’s own answer', async () => {
    // With an unknown id and an empty body, what the route itself answers once auth and scope
    // passed: a list is 200, an unknown id 404 (looked up before the body is checked, except the
    // status PATCH and recover), an empty body 400. A 401, or a 403 where none is due, fails here.
    const expected = (o: Operation): number => {
      if (o.path.endsWith('/convert')) return 403; // it creates an invoice: invoices:write too
      if (o.path.endsWith('/subscribers/{email}')) return 200; // unsubscribing an unknown address is done
      if (o.method === 'PATCH' || o.path.endsWith('/recover')) return 400; // a required body field is missing
      return o.path.includes('{') ? 404 : ['POST', 'PUT'].includes(o.method) ? 400 : 200;
    };
    const got: string[] = [];
    const want: string[] = [];
    for (const o of ops) {
      const t = await server.tenant({ scopes: [o.scope!] });
      const body = ['POST', 'PUT', 'PATCH'].includes(o.method) ? {} : undefined;
      const res = await client(server.url, { 'x-api-key': t.key })(o.method, concrete(o.path), body);
      got.push(`${o.method} ${o.path} ${res.status}`);
      if (o.path.endsWith('/convert')) assert.match(res.body.error.message, /invoices:write/);
      want.push(`${o.method} ${o.path} ${expected(o)}`);
    }
    assert.deepEqual(got, want);
  });

  it('answers odd values with a 400 naming the field, never a 500', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const clientId = (await api('POST', `${crm}/clients`, { name: 'Ada Lovelace' })).body.data.id;
    const invoiceId = (await api('POST', `${crm}/invoices`, { client_id: clientId, status: 'sent', line_items: [{ description: 'x', quantity: 1, rate: 10 }] })).body.data.id;
    const cases: [string, string, unknown, string][] = [
      ['POST', '/invoices', { client_id: clientId, due_date: '0000-01-01' }, 'body.due_date'],
      ['POST', '/invoices', { client_id: clientId, line_items: [{ description: 'x', quantity: 1, rate: '99999999999999999999.99' }] }, 'body.line_items.0.rate'],
      ['POST', '/invoices', { client_id: clientId, line_items: [{ description: 'x', quantity: 1e21, rate: 1 }] }, 'body.line_items.0.quantity'],
      ['POST', '/invoices', { client_id: clientId, line_items: [{ description: 'x', quantity: -1, rate: 1 }] }, 'line_items[0].quantity'],
      ['POST', '/invoices', { client_id: clientId, line_items: [{ description: 'x', quantity: 1, rate: 1, tax_rate: 101 }] }, 'line_items[0].tax_rate'],
      ['POST', '/payments', { invoice_id: invoiceId, amount: 1, method: 'cash', paid_at: '0000-01-01T00:00:00Z' }, 'body.paid_at'],
      ['POST', '/payments', { invoice_id: invoiceId, amount: -1, method: 'cash' }, 'body.amount'],
      ['POST', '/products', { name: 'x', price: 1e15 }, 'body.price'],
      ['GET', '/invoices?updated_since=0000-01-01T00:00:00Z', undefined, 'query.updated_since'],
      ['GET', '/payments?page=0', undefined, 'query.page'],
      ['GET', '/clients?page=1e20', undefined, 'query.page'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api(method, crm + path, body);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.ok(
        res.body.error.details?.some((d: JsonBody) => d.field === field),
        `${method} ${path}: ${res.text}`,
      );
    }
    assert.equal((await api('GET', `${crm}/invoices?page=1000000`)).status, 200);
  });

  it('documents how projects and marketing map onto Motors records', async () => {
    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    const tag = doc.tags.find((t: JsonBody) => t.name === 'CRM API');
    assert.match(tag.description, /projects:\*.*work orders/s);
    assert.match(tag.description, /marketing:write.*newsletter/s);
  });
});
