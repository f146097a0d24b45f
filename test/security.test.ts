import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, startServer, type TestServer, type JsonBody } from './helpers.ts';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { apiKeys, idempotencyKeys } from '../src/storage/schema/index.ts';
import { errorShapeProblem, fetchDocument, newCaller, operations, sampleValue, type Caller, type Operation, type Schema } from './openapi-tools.ts';

// Findings of the adversarial review (NODE_ENV=production), one describe each: hostile input is a
// 4xx in the surface's shape, URLs are web URLs, numbers are stored as sent, secrets stay out of
// logs and the idempotency store.

const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
/** A JSON body with `metadata.x` nested n arrays deep, as text: JSON.stringify itself overflows on it. */
const withDeepMetadata = (fields: Record<string, unknown>, n: number) => JSON.stringify({ ...fields, metadata: { x: 0 } }).replace('"x":0', `"x":${nested(n)}`);

// One server in production mode for these describes: each has a dealership of its own (newCaller).
describe('security, in production mode', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ NODE_ENV: 'production' });
  });
  after(async () => server?.close());

  describe('hostile nesting and headers', () => {
    let caller: Caller;
    before(async () => {
      caller = await newCaller(server);
    });

    it('answers 5,000 nested arrays in metadata with a 400 naming the field (Records POST/PUT, CRM clients POST)', async () => {
      const api = client(server.url);
      const created = await api('POST', '/api/public/v1/customers', { type: 'person', firstName: 'Deep', lastName: 'Nest' }, caller.headers('records'));
      assert.equal(created.status, 201, created.text);
      const attempts = [
        ['POST', '/api/public/v1/customers', withDeepMetadata({ type: 'person', firstName: 'A' }, 5000), 'records'],
        ['PUT', `/api/public/v1/customers/${created.body.id}`, withDeepMetadata({ type: 'person', firstName: 'A' }, 5000), 'records'],
        ['POST', '/crm-api/v1/clients', withDeepMetadata({ name: 'Deep Nest' }, 5000), 'crm'],
      ] as const;
      for (const [method, path, body, surface] of attempts) {
        const res = await api(method, path, body, caller.headers(surface));
        assert.equal(res.status, 400, `${method} ${path}: ${res.text.slice(0, 300)}`);
        assert.equal(errorShapeProblem(surface, 400, res.body), undefined, res.text.slice(0, 300));
        assert.match(res.body.error.message, /body\.metadata\.x/, res.text.slice(0, 300));
      }
      // 31 levels inside the body are still fine: the limit is far from any real document.
      const ok = await api('POST', '/api/public/v1/customers', withDeepMetadata({ type: 'person', firstName: 'A' }, 29), caller.headers('records'));
      assert.equal(ok.status, 201, ok.text);
    });

    it('refuses a dashboard write with Origin: null or a non-URL origin with 403, not 500', async () => {
      const api = client(server.url);
      for (const origin of ['null', 'not a url', 'file://', 'http://evil.example', `javascript:${new URL(server.url).host}`]) {
        const res = await api('POST', '/manage/v1/keys', { name: 'x', environment: 'test', scopes: ['*'] }, { ...caller.headers('manage'), origin });
        assert.equal(res.status, 403, `Origin ${origin}: ${res.text}`);
        assert.equal(errorShapeProblem('manage', 403, res.body), undefined, res.text);
      }
      const same = await api('POST', '/manage/v1/keys', { name: 'same origin', environment: 'test', scopes: ['*'] }, { ...caller.headers('manage'), origin: server.url });
      assert.equal(same.status, 201, same.text);
    });
  });

  // Every string field of a request body that holds a URL, found in /openapi.json (format uri, or a
  // name ending in url/urls), so a URL field added later is covered without anyone listing it.
  type Step = string | '[]';
  function urlFieldPaths(schema: Schema, path: Step[] = [], name = ''): Step[][] {
    if (path.length > 6) return [];
    const options = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
    const found: Step[][] = [];
    for (const s of options) {
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (types.includes('string') && (s.format === 'uri' || s.format === 'url' || /urls?$/i.test(name))) found.push(path);
      if (s.items) found.push(...urlFieldPaths(s.items, [...path, '[]'], name));
      for (const [k, child] of Object.entries(s.properties ?? {})) found.push(...urlFieldPaths(child, [...path, k], k));
    }
    return found.filter((p, i) => found.findIndex((q) => q.join('.') === p.join('.')) === i);
  }

  const nonNull = (s: Schema): Schema => (s.anyOf ?? s.oneOf)?.find((o) => o.type !== 'null' && (o.properties || o.items)) ?? s;

  /** A valid sample body with `value` put at `path` (one element for each array on the way). */
  function bodyWith(schema: Schema, path: Step[], value: unknown): unknown {
    if (!path.length) return value;
    const s = nonNull(schema);
    const [step, ...rest] = path;
    if (step === '[]') return [bodyWith(s.items ?? {}, rest, value)];
    const base = (sampleValue(s) ?? {}) as Record<string, unknown>;
    return { ...base, [step]: bodyWith(s.properties?.[step] ?? {}, rest, value) };
  }

  const hostileUrls = [
    'javascript:alert(document.cookie)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/x.jpg',
  ];

  describe('URL fields take web URLs only', () => {
    let caller: Caller;
    let ops: Operation[];
    before(async () => {
      caller = await newCaller(server);
      ops = operations(await fetchDocument(server.url)).filter((o) => o.body && o.method !== 'GET' && o.method !== 'DELETE');
    });

    it('refuses javascript:, data: and other schemes with a 400 naming the field, on every surface', async () => {
      const api = client(server.url);
      const covered: string[] = [];
      for (const op of ops) {
        for (const path of urlFieldPaths(op.body!)) {
          const field = path.filter((s) => s !== '[]').pop()!;
          for (const url of hostileUrls) {
            const res = await api(op.method, op.path.replace(/\{[^}]+\}/g, crypto.randomUUID()), bodyWith(op.body!, path, url), caller.headers(op.surface));
            const where = `${op.method} ${op.path} ${path.join('.')}=${url}`;
            assert.equal(res.status, 400, `${where}: ${res.text.slice(0, 300)}`);
            assert.equal(errorShapeProblem(op.surface, 400, res.body), undefined, `${where}: ${res.text.slice(0, 300)}`);
            const details: { field: string }[] = (op.surface === 'storefront' ? res.body.details : res.body.error.details) ?? [];
            assert.ok(
              details.some((d) => d.field.split('.').includes(field)),
              `${where}: the error names ${field}: ${res.text.slice(0, 300)}`,
            );
          }
          covered.push(`${op.method} ${op.path} ${path.join('.')}`);
        }
      }
      // The fields the review found, so a change in the document cannot silently skip them.
      for (const expected of [
        'POST /api/public/v1/motors media.[].url',
        'POST /manage/v1/records/blogPosts coverImageUrl',
        'POST /api/public/v1/marketplaceItems mediaUrls.[]',
        'POST /api/public/v1/directoryListings url',
      ]) {
        assert.ok(covered.includes(expected), `${expected} is covered (covered: ${covered.join(', ')})`);
      }
    });

    it('keeps http and https URLs as sent', async () => {
      const api = client(server.url);
      const motor = await api(
        'POST',
        '/api/public/v1/motors',
        { make: 'Toyota', model: 'Corolla', year: 2019, media: [{ url: 'https://images.example.com/a.jpg' }, { url: 'http://cdn.example.com/b.jpg?x=1' }] },
        caller.headers('records'),
      );
      assert.equal(motor.status, 201, motor.text);
      assert.deepEqual(
        motor.body.data.media.map((m: { url: string }) => m.url),
        ['https://images.example.com/a.jpg', 'http://cdn.example.com/b.jpg?x=1'],
      );
      const post = await api(
        'POST',
        '/manage/v1/records/blogPosts',
        { title: 'Covers', body: 'Text', coverImageUrl: 'https://images.example.com/cover.jpg', status: 'published' },
        caller.headers('manage'),
      );
      assert.equal(post.status, 201, post.text);
      assert.equal(post.body.data?.coverImageUrl ?? post.body.coverImageUrl, 'https://images.example.com/cover.jpg');
    });
  });

  describe('numbers are stored as sent', () => {
    let caller: Caller;
    before(async () => {
      caller = await newCaller(server);
    });

    const fieldsOf = (res: { body: JsonBody }): string[] => (res.body?.error?.details ?? []).map((d: { field: string }) => d.field);

    it('refuses amounts and quantities beyond 10^12, which a JSON number would not keep, with a 400 naming the field', async () => {
      const api = client(server.url);
      const h = caller.headers('crm');
      const clientId = (await api('POST', '/crm-api/v1/clients', { name: 'Exact Numbers' }, h)).body.data.id;
      const cases: [string, unknown, string][] = [
        ['/invoices', { client_id: clientId, line_items: [{ description: 'x', quantity: 1, rate: 90071992547409.91 }] }, 'body.line_items.0.rate'],
        ['/invoices', { client_id: clientId, line_items: [{ description: 'x', quantity: '900719925474099.3', rate: 1 }] }, 'body.line_items.0.quantity'],
        ['/quotes', { client_id: clientId, line_items: [{ description: 'x', quantity: 1, rate: '1000000000000' }] }, 'body.line_items.0.rate'],
        ['/products', { name: 'Huge', price: 1e12 }, 'body.price'],
        ['/products', { name: 'Huge', price: 10, stock_on_hand: -1e12 }, 'body.stock_on_hand'],
      ];
      for (const [path, body, field] of cases) {
        const res = await api('POST', `/crm-api/v1${path}`, body, h);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
        assert.ok(fieldsOf(res).includes(field), `${path}: names ${field}: ${res.text}`);
      }
      // The largest accepted values come back exactly as sent.
      const inv = await api(
        'POST',
        '/crm-api/v1/invoices',
        {
          client_id: clientId,
          line_items: [
            { description: 'x', quantity: '999999999.999', rate: 1 },
            { description: 'y', quantity: 1, rate: '999999999999.99' },
            { description: 'z', quantity: 1, rate: 999999999999.99 },
          ],
        },
        h,
      );
      assert.equal(inv.status, 201, inv.text);
      assert.deepEqual(
        inv.body.data.line_items.map((l: { quantity: number; rate: number }) => [l.quantity, l.rate]),
        [
          [999999999.999, 1],
          [1, 999999999999.99],
          [1, 999999999999.99],
        ],
      );
      const records = await api('POST', '/api/public/v1/inventoryItems', { name: 'Bolt', stockOnHand: '-900719925474099.3' }, caller.headers('records'));
      assert.equal(records.status, 400, records.text);
      assert.ok(fieldsOf(records).includes('body.stockOnHand'), records.text);
    });

    it('refuses a non-finite number or an integer beyond 2^53 anywhere in a body, metadata included', async () => {
      const api = client(server.url);
      for (const [text, field] of [
        ['{"type":"person","firstName":"A","metadata":{"big":1e999}}', 'body.metadata.big'],
        ['{"type":"person","firstName":"A","metadata":{"list":[1,-1e400]}}', 'body.metadata.list.1'],
        ['{"type":"person","firstName":"A","metadata":{"id":12345678901234567890}}', 'body.metadata.id'],
      ]) {
        const res = await api('POST', '/api/public/v1/customers', text, caller.headers('records'));
        assert.equal(res.status, 400, `${text}: ${res.text}`);
        assert.deepEqual(fieldsOf(res), [field], res.text);
      }
      const crm = await api('POST', '/crm-api/v1/clients', '{"name":"A","metadata":{"n":1e999}}', caller.headers('crm'));
      assert.equal(crm.status, 400, crm.text);
      const fine = await api('POST', '/api/public/v1/customers', '{"type":"person","firstName":"A","metadata":{"n":1.5e-300,"f":0.1,"m":9007199254740991}}', caller.headers('records'));
      assert.equal(fine.status, 201, fine.text);
      assert.deepEqual(fine.body.data.metadata, { n: 1.5e-300, f: 0.1, m: 9007199254740991 });
    });

    it('documents the limits in /openapi.json', async () => {
      const doc = (await client(server.url)('GET', '/openapi.json')).body;
      const text = JSON.stringify(doc);
      assert.match(text, /"exclusiveMaximum":1000000000000/);
      assert.match(text, /larger values are not kept exactly/);
    });
  });

  describe('docs headers and key rotation', () => {
    let caller: Caller;
    before(async () => {
      caller = await newCaller(server);
    });

    it('serves /docs with a CSP that allows only its own scripts and forbids framing', async () => {
      const res = await fetch(`${server.url}/docs/`);
      assert.equal(res.status, 200);
      const html = await res.text();
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      // The one inline script (the page's start call) is allowed by its hash, and only it.
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      assert.equal(inline.length, 1);
      assert.ok(csp.includes(`'sha256-${crypto.createHash('sha256').update(inline[0]).digest('base64')}'`), csp);
    });

    it('gives a rotated expired key a fresh expiry of the same lifetime, and the new key works', async () => {
      const api = client(server.url);
      const h = { ...caller.headers('manage') };
      const created = await api('POST', '/manage/v1/keys', { name: 'Expiring', environment: 'test', scopes: ['*'], expiresAt: new Date(Date.now() + 3600_000).toISOString() }, h);
      assert.equal(created.status, 201, created.text);
      // Made 30 days ago with a 29-day lifetime: expired yesterday.
      const day = 24 * 3600_000;
      await server.app.database.db
        .update(apiKeys)
        .set({ createdAt: new Date(Date.now() - 30 * day), expiresAt: new Date(Date.now() - day) })
        .where(eq(apiKeys.id, created.body.data.id));
      await new Promise((r) => setTimeout(r, 600)); // past the key cache
      assert.equal((await api('GET', '/api/public/v1/customers', undefined, { 'x-api-key': created.body.data.key })).status, 401);
      const rotated = await api('POST', `/manage/v1/keys/${created.body.data.id}/rotate`, { overlapHours: 1 }, h);
      assert.equal(rotated.status, 201, rotated.text);
      const expiresIn = new Date(rotated.body.data.expiresAt).getTime() - Date.now();
      assert.ok(Math.abs(expiresIn - 29 * day) < 60_000, `expires in ${expiresIn} ms, not 29 days`);
      assert.equal((await api('GET', '/api/public/v1/customers', undefined, { 'x-api-key': rotated.body.data.key })).status, 200);
      // The old key stays expired: rotation never revives it.
      assert.ok(new Date(rotated.body.data.replaces.expiresAt).getTime() < Date.now());
    });

    it('refuses with 409 to rotate a key that was created already expired', async () => {
      const api = client(server.url);
      const created = await api(
        'POST',
        '/manage/v1/keys',
        { name: 'Born expired', environment: 'test', scopes: ['*'], expiresAt: new Date(Date.now() - 1000).toISOString() },
        caller.headers('manage'),
      );
      assert.equal(created.status, 201, created.text);
      const rotated = await api('POST', `/manage/v1/keys/${created.body.data.id}/rotate`, { overlapHours: 0 }, caller.headers('manage'));
      assert.equal(rotated.status, 409, rotated.text);
      assert.match(rotated.body.error.message, /created already expired/);
    });
  });

  // The same attacks against every operation of /openapi.json, so a new route is covered without
  // anyone remembering: auth bypass forms, 5,000-deep JSON, a text/plain body, Origin: null.
  describe('every operation of /openapi.json resists the same attacks', () => {
    let caller: Caller;
    let ops: Operation[];
    before(async () => {
      caller = await newCaller(server);
      ops = operations(await fetchDocument(server.url));
      for (const surface of ['records', 'crm', 'storefront', 'manage']) assert.ok(ops.filter((o) => o.surface === surface && o.method !== 'GET').length >= 3, `the document lists ${surface} writes`);
    });

    // Routes that are reached before signing in, on purpose.
    // The inventory feeds take a token in the path instead of a key (a wrong one is a 404, test/feeds.test.ts).
    // Staff invitation and password-reset links are opened signed out: their token is the credential (test/staff-users.test.ts).
    const open = new Set([
      'POST /manage/v1/session',
      'GET /feeds/{token}/google-vehicle-listings.tsv',
      'GET /feeds/{token}/meta-automotive.csv',
      'GET /manage/v1/invitation-links/{token}',
      'POST /manage/v1/invitation-links/{token}',
      'POST /manage/v1/password-resets',
      'GET /manage/v1/password-resets/{token}',
      'POST /manage/v1/password-resets/{token}',
    ]);
    const concrete = (op: Operation) => op.path.replace(/\{[^}]+\}/g, crypto.randomUUID());
    const withBody = (op: Operation) => op.method !== 'GET' && op.method !== 'DELETE';
    const textBodies = new Set(['POST /api/public/v1/leads/adf']);
    const deepBody = '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}';

    it('refuses every form of missing, malformed or misplaced credentials with a 401 in the surface shape', async () => {
      const api = client(server.url);
      const { key } = await server.key(caller.tenantId);
      const failures: string[] = [];
      for (const op of ops.filter((o) => !open.has(`${o.method} ${o.path}`))) {
        const forms: [string, Record<string, string>, string][] =
          op.surface === 'manage'
            ? [
                ['no session', {}, ''],
                ['an API key instead of a session', { 'x-api-key': key, authorization: `Bearer ${key}` }, ''],
                ['a forged session cookie', { cookie: 'motors_session=forged' }, ''],
              ]
            : [
                ['no key', {}, ''],
                ['the key in the query string', {}, `?api_key=${key}`],
                ['a key with a wrong checksum', { 'x-api-key': key.slice(0, -6) + 'AAAAAA' }, ''],
                ['Basic auth', { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }, ''],
                ['an empty Bearer', { authorization: 'Bearer ' }, ''],
                ...(op.surface === 'storefront'
                  ? ([['the key as Bearer (the Storefront takes x-api-key only)', { authorization: `Bearer ${key}` }, '']] as [string, Record<string, string>, string][])
                  : []),
              ];
        for (const [form, headers, query] of forms) {
          const res = await api(op.method, concrete(op) + query, withBody(op) ? {} : undefined, headers);
          if (res.status !== 401 || errorShapeProblem(op.surface, 401, res.body)) failures.push(`${op.method} ${op.path} with ${form}: ${res.status} ${res.text.slice(0, 120)}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    it('answers 5,000-deep JSON with a 400 and a text/plain body with a 415, on every operation that takes a body', async () => {
      const api = client(server.url);
      const failures: string[] = [];
      for (const op of ops.filter(withBody)) {
        const deep = await api(op.method, concrete(op), deepBody, caller.headers(op.surface));
        if (deep.status !== 400 || errorShapeProblem(op.surface, 400, deep.body)) failures.push(`${op.method} ${op.path} deep: ${deep.status} ${deep.text.slice(0, 120)}`);
        // ADF intake takes XML as text by design (its description says so); every other body is JSON only.
        if (textBodies.has(`${op.method} ${op.path}`)) continue;
        const text = await api(op.method, concrete(op), '{"a":1}', { ...caller.headers(op.surface), 'content-type': 'text/plain' });
        if (text.status !== 415 || errorShapeProblem(op.surface, 415, text.body)) failures.push(`${op.method} ${op.path} text/plain: ${text.status} ${text.text.slice(0, 120)}`);
      }
      assert.deepEqual(failures, []);
    });

    it('refuses every dashboard write with Origin: null or a foreign origin with a 403', async () => {
      const api = client(server.url);
      const failures: string[] = [];
      for (const op of ops.filter((o) => o.surface === 'manage' && o.method !== 'GET' && !open.has(`${o.method} ${o.path}`))) {
        for (const origin of ['null', 'https://evil.example']) {
          const res = await api(op.method, concrete(op), withBody(op) ? {} : undefined, { ...caller.headers('manage'), origin });
          if (res.status !== 403 || errorShapeProblem('manage', 403, res.body)) failures.push(`${op.method} ${op.path} Origin ${origin}: ${res.status} ${res.text.slice(0, 120)}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
});

describe('no secret at rest in the idempotency store', () => {
  let server: TestServer;
  let caller: Caller;
  before(async () => {
    server = await startServer({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE: 'true' });
    caller = await newCaller(server);
  });
  after(async () => server?.close());

  const storedText = async (key: string): Promise<string> => {
    const rows = await server.app.database.db.select({ response: idempotencyKeys.response }).from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    assert.equal(rows.length, 1, `one stored response for ${key}`);
    return JSON.stringify(rows[0].response);
  };

  it('stores API keys, webhook secrets and shopper tokens as "shown once", and replays say so', async () => {
    const api = client(server.url);
    const idem = (name: string) => `${name}-${crypto.randomUUID()}`;

    const keyIdem = idem('key');
    const keyBody = { name: 'Replayed', environment: 'test', scopes: ['*'] };
    const created = await api('POST', '/manage/v1/keys', keyBody, { ...caller.headers('manage'), 'idempotency-key': keyIdem });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.data.key, /^motors_sk_test_/);
    const stored = await storedText(keyIdem);
    assert.ok(!stored.includes(created.body.data.key), `the table holds the key: ${stored}`);
    assert.ok(!/motors_sk_/.test(stored), stored);
    const replay = await api('POST', '/manage/v1/keys', keyBody, { ...caller.headers('manage'), 'idempotency-key': keyIdem });
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.body.data.id, created.body.data.id);
    assert.match(replay.body.data.key, /shown only in the original response/);

    const rotateIdem = idem('rotate');
    const rotated = await api('POST', `/manage/v1/keys/${created.body.data.id}/rotate`, { overlapHours: 1 }, { ...caller.headers('manage'), 'idempotency-key': rotateIdem });
    assert.equal(rotated.status, 201, rotated.text);
    assert.ok(!(await storedText(rotateIdem)).includes(rotated.body.data.key));

    for (const [surface, path] of [
      ['crm', '/crm-api/v1/webhooks'],
      ['manage', '/manage/v1/webhooks'],
    ] as const) {
      const hookIdem = idem('hook');
      const hook = await api('POST', path, { url: 'https://hooks.example.com/motors' }, { ...caller.headers(surface), 'idempotency-key': hookIdem });
      assert.equal(hook.status, 201, hook.text);
      assert.match(hook.body.data.secret, /^whsec_/);
      const hookStored = await storedText(hookIdem);
      assert.ok(!hookStored.includes(hook.body.data.secret) && !hookStored.includes('whsec_'), hookStored);
      const secretIdem = idem('secret');
      const newSecret = await api('POST', `${path}/${hook.body.data.id}/rotate-secret`, undefined, { ...caller.headers(surface), 'idempotency-key': secretIdem });
      assert.equal(newSecret.status, 200, newSecret.text);
      assert.ok(!(await storedText(secretIdem)).includes('whsec_'));
    }

    const sf = caller.headers('storefront');
    const email = `replay.${crypto.randomBytes(4).toString('hex')}@example.com`;
    const registerIdem = idem('register');
    const registered = await api('POST', '/external/auth/register', { email, password: 'a-long-password-1', firstName: 'Re', lastName: 'Play' }, { ...sf, 'idempotency-key': registerIdem });
    assert.equal(registered.status, 201, registered.text);
    const loginIdem = idem('login');
    const login = await api('POST', '/external/auth/login', { email, password: 'a-long-password-1' }, { ...sf, 'idempotency-key': loginIdem });
    assert.equal(login.status, 200, login.text);
    for (const k of [registerIdem, loginIdem]) {
      const text = await storedText(k);
      assert.ok(!text.includes(login.body.data.access_token) && !text.includes(login.body.data.refresh_token), text);
      assert.ok(!/eyJ|mrt_/.test(text), text);
    }
  });

  it('keeps ordinary responses whole for replays', async () => {
    const api = client(server.url);
    const k = `customer-${crypto.randomUUID()}`;
    const body = { type: 'person', firstName: 'Whole', lastName: 'Replay', metadata: { note: 'no secret here' } };
    const first = await api('POST', '/api/public/v1/customers', body, { ...caller.headers('records'), 'idempotency-key': k });
    const again = await api('POST', '/api/public/v1/customers', body, { ...caller.headers('records'), 'idempotency-key': k });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
  });
});
