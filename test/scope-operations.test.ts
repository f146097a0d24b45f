import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, staffDealer, type TestServer, type JsonBody } from './helpers.ts';

// A key with one checkbox ticked reaches exactly the operations listed for that scope — on every
// API, since one scope name (customers:write, invoices:read …) can open operations on several.
// Generated from /openapi.json, so a new route is covered without anyone remembering.

type Op = { method: string; path: string; scopes: string[] };
const concrete = (path: string) => path.replace(/\{email\}/g, encodeURIComponent('a@example.com')).replace(/\{[^}]+\}/g, '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11');

describe('scopes open exactly the operations listed for them', () => {
  let server: TestServer;
  let doc: JsonBody;
  let ops: Op[];
  before(async () => {
    server = await sharedServer();
    doc = (await client(server.url)('GET', '/openapi.json')).body;
    ops = [];
    for (const [path, item] of Object.entries<JsonBody>(doc.paths)) {
      if (path.startsWith('/manage/')) continue;
      for (const [method, op] of Object.entries<JsonBody>(item)) ops.push({ method: method.toUpperCase(), path, scopes: op['x-required-scopes'] ?? [] });
    }
  });
  after(async () => server?.close());

  it('documents, in /openapi.json and for the dashboard, which operations on which API each scope opens', async () => {
    const listed: Record<string, string[]> = doc['x-scope-operations'];
    assert.ok(listed, 'x-scope-operations');
    for (const op of ops) for (const s of op.scopes) assert.ok(listed[s]?.includes(`${op.method} ${op.path}`), `${s}: ${op.method} ${op.path}`);
    // The review's finding, now visible: customers:write is one permission on the Records API and the Storefront.
    assert.ok(listed['customers:write'].some((o) => o.includes(' /api/public/v1/customers')));
    assert.ok(listed['customers:write'].some((o) => o.includes(' /external/')));

    const { manage: dashboard } = await staffDealer(server);
    const shown = (await dashboard('GET', '/manage/v1/scopes/operations')).body.data as Record<string, { method: string; path: string }[]>;
    for (const [scope, list] of Object.entries(listed)) {
      assert.deepEqual(
        shown[scope]
          .filter((o) => !o.path.startsWith('/manage/'))
          .map((o) => `${o.method} ${o.path}`)
          .sort(),
        [...list].sort(),
        `the dashboard shows what /openapi.json lists for ${scope}`,
      );
    }
  });

  it('a key holding one scope passes the scope check on exactly its listed operations and gets 403 insufficient_scope on every other', async () => {
    const listed: Record<string, string[]> = doc['x-scope-operations'];
    const surfaceOf = (o: string) => o.split(' ')[1].split('/').slice(0, 3).join('/');
    // Every scope that spans several APIs, and one single-API scope of each API.
    const shared = Object.keys(listed).filter((s) => new Set(listed[s].map(surfaceOf)).size > 1);
    const single = ['vendors:write', 'payments:read', 'vehicles:read'].filter((s) => listed[s]);
    assert.ok(shared.includes('customers:write') && shared.includes('invoices:read'), shared.join(', '));
    const failures: string[] = [];
    for (const scope of [...shared, ...single]) {
      const t = await server.tenant({ scopes: [scope] });
      for (const op of ops.filter((o) => o.scopes.length)) {
        const headers: Record<string, string> = op.path.startsWith('/external') ? { 'x-api-key': t.key } : { authorization: `Bearer ${t.key}` };
        const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined;
        const res = await client(server.url, headers)(op.method, concrete(op.path), body);
        // insufficient_scope, in whichever error shape the surface documents.
        const refused = res.status === 403 && /lacks the scope/.test(res.text);
        const opens = op.scopes.every((s) => s === scope);
        if (opens === refused) failures.push(`${scope} → ${op.method} ${op.path}: ${res.status} ${res.text.slice(0, 100)}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
