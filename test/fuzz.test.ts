import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { client, startServer, type TestServer } from './helpers.ts';
import { errorShapeProblem, fetchDocument, newCaller, operations, sampleValue, type Caller, type Operation, type Schema } from './openapi-tools.ts';

// Schema-driven fuzzing: every operation of /openapi.json gets many hostile requests. The
// invariant is the platform's, not a route's: never a 5xx, every error in its surface's shape.

const SEED = Number(process.env.FUZZ_SEED ?? 20260122);
/** Requests spread over all operations, so the run stays bounded as routes are added. */
const BUDGET = Number(process.env.FUZZ_BUDGET ?? 1800);
/** And a wall-clock bound, shared out evenly, for a busy machine: every operation still gets its turn. */
const TIME_BUDGET_MS = Number(process.env.FUZZ_TIME_BUDGET_MS ?? 30_000);
const MIN_CASES = 12;

const protoKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf'];
const injections = [
  "' OR '1'='1",
  "'; DROP TABLE customers; --",
  '" OR ""="',
  '1; select pg_sleep(5)',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '../../../../etc/passwd',
  '%00',
  'a\u0000b',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '🚗'.repeat(100),
  '\u202e\u0000\uFEFF',
  '$where',
  '{"$gt":""}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  ' ',
  '',
];
const boundaryNumbers = [0, -0, -1, 1, 0.5, -0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 1e308, -1e308, 5e-324, 100, 101, 1000, 10001];

const hugeString = fc.constantFrom('a'.repeat(100_000), 'é'.repeat(300_000), '\u0000'.repeat(10_000));
const hostileString = fc.oneof(fc.constantFrom(...injections, ...protoKeys), fc.string({ unit: 'binary', maxLength: 64 }), fc.string({ maxLength: 300 }), hugeString);
const hostileScalar = fc.oneof(hostileString, fc.constantFrom(...boundaryNumbers), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...protoKeys)), tie('v'), { maxKeys: 4 }),
  ),
})).v;

type Case = { pathValue: string; query: [string, string][]; headers: Record<string, string>; body?: Buffer | string; contentType?: string; note: string };

// Headers the platform reads besides the key: each may come hostile (printable ASCII only, as
// HTTP clients send them).
const headerValue = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(256), 'x'.repeat(3000), "' OR '1'='1", '../../etc', '%00', '*', 'W/"x"', '"', '-1', 'null'),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 64 }),
);
// Origin is what the dashboard's cross-site check parses: values a browser really sends
// (`null` from sandboxed frames and file: pages) and ones it never would.
const originValue = fc.constantFrom('null', 'file://', 'http://evil.example', 'https://', 'not a url', 'javascript:alert(1)', 'http://[::1', 'http://127.0.0.1:1', '*');
const hostileHeaders = fc
  .tuple(
    fc.dictionary(fc.constantFrom('idempotency-key', 'if-match', 'x-request-id', 'x-forwarded-for', 'x-motors-environment', 'accept', 'content-encoding'), headerValue, { maxKeys: 3 }),
    fc.option(originValue, { freq: 3 }),
  )
  .map(([headers, origin]) => (origin === null ? headers : { ...headers, origin }));

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const rawBodies: [string, Buffer | string][] = [
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
  ['raw NUL byte in a string', Buffer.from('{"a":"x\u0000y"}', 'utf8')],
  ['NUL byte only', Buffer.from([0])],
  ['deep array nesting', deepArray(20_000)],
  ['deep object nesting', deepObject(5_000)],
  ['__proto__ key', '{"__proto__":{"isAdmin":true},"a":1}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"isAdmin":true}}}'],
  ['truncated JSON', '{"a":'],
  ['JSON scalar', '42'],
  ['JSON string', '"hello"'],
  ['JSON null', 'null'],
  ['empty', ''],
  ['duplicate keys', '{"a":1,"a":2}'],
  ['BOM', '\uFEFF{}'],
  ['huge number', '{"a":1' + '0'.repeat(5000) + '}'],
];

function percentEncodeBytes(bytes: Buffer): string {
  return [...bytes].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
}

// Property names in request bodies get hostile values one at a time (the rest stays valid), so
// each field's validation and storage is reached, not just the first check.
function bodyCase(op: Operation): fc.Arbitrary<{ body?: Buffer | string; contentType?: string; note: string }> {
  const schema: Schema = op.body ?? {};
  const props = Object.keys(schema.properties ?? {});
  const valid = () => sampleValue(schema) as Record<string, unknown>;
  const json = (v: unknown) => JSON.stringify(v) ?? 'null';
  const options: fc.Arbitrary<{ body?: Buffer | string; contentType?: string; note: string }>[] = [
    hostileValue.map((v) => ({ body: json(v), note: 'random JSON' })),
    fc.constantFrom(...rawBodies).map(([note, body]) => ({ body, note })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/json;',
        'application/json; charset=',
        'application/jsonx',
        'application/vnd.api+json',
        'application/json, text/plain',
        '*/*',
        'json',
        'multipart/form-data; boundary=x',
        'application/xml',
      )
      .map((contentType) => ({
        body: '{"a":1}',
        contentType,
        note: `content-type ${contentType}`,
      })),
    fc.tuple(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...protoKeys)), hostileValue).map(([k, v]) => ({ body: json({ ...valid(), [k]: v }), note: `extra field ${k}` })),
  ];
  // Free-form objects (metadata) take any JSON: 5,000 nested arrays inside one, as text (the
  // test's own JSON.stringify overflows on it).
  const freeForm = freeFormPaths(schema);
  if (freeForm.length) {
    options.push(
      fc.tuple(fc.constantFrom(...freeForm), fc.constantFrom(40, 1000, 5000)).map(([path, depth]) => ({
        body: json(setPath(valid(), path, { nested: DEEP_MARK })).replace(JSON.stringify(DEEP_MARK), deepArray(depth)),
        note: `free-form ${path.join('.')} nested ${depth} deep`,
      })),
    );
  }
  if (props.length) {
    options.push(
      fc.tuple(fc.constantFrom(...props), hostileValue).map(([k, v]) => ({ body: json({ ...valid(), [k]: v }), note: `field ${k} hostile` })),
      fc.tuple(fc.constantFrom(...props), fc.constantFrom(...boundaryNumbers, ...injections)).map(([k, v]) => ({ body: json({ ...valid(), [k]: v }), note: `field ${k} boundary` })),
      fc.constantFrom(...props).map((k) => {
        const b = valid();
        delete b[k];
        return { body: json(b), note: `missing ${k}` };
      }),
      fc.constantFrom(...props).map((k) => ({ body: json({ ...valid(), [k]: JSON.parse(deepArray(2000)) }), note: `field ${k} deeply nested` })),
    );
  }
  return fc.oneof(...options);
}

const DEEP_MARK = '\u0001deep\u0001';

/** Paths (up to 3 levels) of the body's objects that take any keys: `additionalProperties` not false, no listed properties. */
function freeFormPaths(schema: Schema, path: string[] = []): string[][] {
  if (path.length > 3) return [];
  const candidates = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  const found: string[][] = [];
  for (const s of candidates) {
    const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (path.length && isObject && !s.properties && s.additionalProperties !== false) found.push(path);
    for (const [k, child] of Object.entries(s.properties ?? {})) found.push(...freeFormPaths(child, [...path, k]));
  }
  return found;
}

function setPath(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  let at = body;
  for (const k of path.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== 'object' || Array.isArray(at[k])) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = value;
  return body;
}

function caseFor(op: Operation): fc.Arbitrary<Case> {
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const pathValue = fc.oneof(
    fc.uuid().map((u) => encodeURIComponent(u)),
    fc.constantFrom(...injections, ...protoKeys, '0', '-1', '1.5', 'x'.repeat(600), '00000000-0000-0000-0000-000000000000').map((s) => percentEncodeBytes(Buffer.from(s))),
    fc.uint8Array({ maxLength: 40 }).map((b) => percentEncodeBytes(Buffer.from(b))),
  );
  // Long, but under the 16 KiB header limit once percent-encoded: that limit is test/abuse.test.ts's.
  const queryValue = fc.oneof(fc.constantFrom(...injections, ...boundaryNumbers.map(String), 'true', 'yes', '2026-13-45T99:99:99Z', 'x'.repeat(1500)), fc.string({ maxLength: 30 }));
  const query = fc.array(
    fc.tuple(
      queryNames.length ? fc.oneof(fc.constantFrom(...queryNames), fc.constantFrom(...protoKeys), fc.string({ maxLength: 10 })) : fc.oneof(fc.constantFrom(...protoKeys), fc.string({ maxLength: 10 })),
      queryValue,
    ),
    { maxLength: 4 },
  );
  const body = op.method === 'GET' || op.method === 'DELETE' ? fc.constant({ note: 'no body' }) : bodyCase(op);
  return fc.record({ pathValue, query, headers: hostileHeaders, body }).map(({ pathValue, query, headers, body }) => ({ pathValue, query, headers, ...body }));
}

async function send(base: string, op: Operation, c: Case, caller: Caller): Promise<{ status: number; text: string }> {
  const path = op.path.replace(/\{[^}]+\}/g, c.pathValue);
  const qs = c.query.map(([k, v]) => `${encodeURIComponent(k)}=${percentEncodeBytes(Buffer.from(v))}`).join('&');
  const headers: Record<string, string> = { ...c.headers, ...caller.headers(op.surface) };
  if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  const res = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, { method: op.method, headers, body: typeof c.body === 'string' || c.body === undefined ? c.body : new Uint8Array(c.body) });
  return { status: res.status, text: await res.text() };
}

describe('fuzzing every operation of /openapi.json', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it('never answers 5xx, always in the surface error shape, and stays healthy', async () => {
    const ops = operations(await fetchDocument(server.url));
    assert.ok(ops.length > 5, 'the document lists operations');
    const caller = await newCaller(server);
    const numRuns = Math.max(15, Math.min(200, Math.ceil(BUDGET / ops.length)));
    const failures: string[] = [];
    let sent = 0;
    const started = Date.now();
    for (const [i, op] of ops.entries()) {
      const cases = fc.sample(caseFor(op), { numRuns, seed: SEED + i });
      const opDeadline = started + ((i + 1) * TIME_BUDGET_MS) / ops.length;
      // A few at a time: concurrency is part of what can go wrong.
      for (let j = 0; j < cases.length && (j < MIN_CASES || Date.now() < opDeadline); j += 4) {
        await Promise.all(
          cases.slice(j, j + 4).map(async (c) => {
            const res = await send(server.url, op, c, caller);
            sent++;
            const describeCase = `${op.method} ${op.path} [${c.note}] path=${c.pathValue.slice(0, 80)} query=${JSON.stringify(c.query).slice(0, 120)} headers=${JSON.stringify(c.headers).slice(0, 120)} body=${String(c.body ?? '').slice(0, 160)}`;
            if (res.status >= 500) failures.push(`${res.status} ${describeCase} → ${res.text.slice(0, 300)}`);
            else if (res.status >= 400) {
              let body: unknown;
              try {
                body = JSON.parse(res.text);
              } catch {
                body = undefined;
              }
              const problem = errorShapeProblem(op.surface, res.status, body);
              if (problem) failures.push(`${res.status} shape: ${problem}: ${describeCase} → ${res.text.slice(0, 200)}`);
            }
          }),
        );
      }
    }
    console.log(`fuzz: ${sent} requests over ${ops.length} operations (up to ${numRuns} each, seed ${SEED}) in ${Date.now() - started} ms`);
    if (failures.length) console.log(failures.slice(0, 20).join('\n'));
    assert.equal(failures.length, 0, `${failures.length} failing requests (first ones printed above)`);

    const api = client(server.url);
    assert.equal((await api('GET', '/healthz')).status, 200);
    assert.equal((await api('GET', '/readyz')).status, 200);
    const fresh = await newCaller(server);
    const list = await api('GET', '/api/public/v1/customers?limit=1', undefined, fresh.headers('records'));
    assert.equal(list.status, 200, list.text);
    const created = await api('POST', '/api/public/v1/customers', { type: 'person', firstName: 'After', lastName: 'Fuzz' }, fresh.headers('records'));
    assert.equal(created.status, 201, created.text);
  });

  it('serves a self-contained document: every $ref resolves', async () => {
    const doc = await fetchDocument(server.url);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    const missing = [...new Set(refs)].filter((name) => !doc.components?.schemas?.[name]);
    assert.deepEqual(missing, [], 'every referenced schema is in components.schemas');
  });

  // Regressions the fuzzer found: the router's own errors bypassed the surface shape, and a NUL
  // character reaching PostgreSQL was a 500.
  it('answers a malformed percent-encoding, an over-long id and NUL characters with a 400 in the surface shape', async () => {
    const caller = await newCaller(server);
    const api = client(server.url);
    // Each path with the one status it must get: a NUL in an id is refused before the database
    // sees it; an id that is merely unknown is a 404.
    for (const [path, surface, expected] of [
      ['/api/public/v1/customers/%c0%17', 'records', 400],
      ['/external/customers/%ff', 'storefront', 400],
      ['/crm-api/v1/clients/%e2%80', 'crm', 400],
      [`/api/public/v1/customers/${'x'.repeat(600)}`, 'records', 400],
      ['/api/public/v1/customers/a%00b', 'records', 400],
      ['/external/customers/a%00b', 'storefront', 400],
    ] as const) {
      const res = await api('GET', path, undefined, caller.headers(surface));
      assert.equal(res.status, expected, `${path}: ${res.text}`);
      assert.equal(errorShapeProblem(surface, res.status, res.body), undefined, `${path}: ${res.text}`);
    }
    for (const body of [{ firstName: 'a\u0000b' }, { metadata: { note: '\u0000' } }, { metadata: { 'k\u0000': 1 } }]) {
      const res = await api('POST', '/api/public/v1/customers', { type: 'person', ...body }, caller.headers('records'));
      assert.equal(res.status, 400, res.text);
      assert.equal(errorShapeProblem('records', 400, res.body), undefined, res.text);
    }
  });
});
