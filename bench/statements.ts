// `node [--cpu-prof] --import tsx bench/statements.ts [--requests N] [--op TEXT] [--no-worker]`
// What each request of the PGlite benchmark's operations sends to the embedded database: Motors
// CRM (createApp on a `memory://` PGlite, the webhook worker running as `npm start` runs it) is
// driven in-process (Fastify inject, 10 at a time), and every call into PGlite's wire protocol is
// counted and timed by the statement it carries. Not part of `npm test`.
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';

const args = process.argv.slice(2);
const requests = args.includes('--requests') ? Number(args[args.indexOf('--requests') + 1]) : 400;
const worker = !args.includes('--no-worker');
// `--op <text>`: only the operations whose name contains it (a `--cpu-prof` of one operation).
const only = args.includes('--op') ? args[args.indexOf('--op') + 1] : undefined;

// Per statement text: calls and milliseconds inside PGlite (parse/bind/execute of that statement).
type Tally = { calls: number; ms: number; statements: number };
let tallies = new Map<string, Tally>();
const proto = PGlite.prototype as unknown as { execProtocolRawSync(m: Uint8Array, o?: unknown): Uint8Array };
const raw = proto.execProtocolRawSync;
const decoder = new TextDecoder();
// The statement a call carries: a simple Query's text, or a Parse message's; the Bind, Describe,
// Execute and Sync calls that follow a Parse are counted with its statement.
let current = '';
function statementOf(m: Uint8Array): string | undefined {
  const type = String.fromCharCode(m[0]);
  const body = m.subarray(5);
  if (type === 'Q') return decoder.decode(body.subarray(0, body.indexOf(0)));
  if (type === 'P') {
    const rest = body.subarray(body.indexOf(0) + 1);
    return decoder.decode(rest.subarray(0, rest.indexOf(0)));
  }
  return undefined;
}
proto.execProtocolRawSync = function (this: unknown, m: Uint8Array, o?: unknown) {
  const t0 = performance.now();
  const text = statementOf(m);
  if (text !== undefined) current = text.replace(/\s+/g, ' ').slice(0, 110);
  try {
    return raw.call(this, m, o);
  } finally {
    const t = tallies.get(current) ?? { calls: 0, ms: 0, statements: 0 };
    t.calls++;
    if (text !== undefined) t.statements++;
    t.ms += performance.now() - t0;
    tallies.set(current, t);
  }
};

process.env.DATA_DIR = 'memory://';
process.env.NODE_ENV = 'production';
process.env.LOG_LEVEL = 'warn';
process.env.RATE_LIMIT_PER_MINUTE = '100000000';
delete process.env.DATABASE_URL;
const config = loadConfig();
const app = await createApp(config, createLogger('warn'));
if (worker) await app.webhooks.start();
const db = app.database.db;
const tenant = await createTenant(db, { name: 'Statements' });
const { key } = await createApiKey(db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 100_000_000 });
const headers = { 'x-api-key': key, 'content-type': 'application/json' };
const send = (method: string, url: string, body?: unknown, extra: Record<string, string> = {}) =>
  app.server.inject({ method: method as 'GET', url, headers: { ...headers, ...extra }, payload: body === undefined ? undefined : JSON.stringify(body) });

const first = await send('POST', '/api/public/v1/customers', { type: 'person', firstName: 'Bench', lastName: 'Mark', email: 'bench@example.com' });
const customerId = (JSON.parse(first.body) as { data: { id: string } }).data.id;
const ops: [string, () => ReturnType<typeof send>][] = [
  ['Records create (Idempotency-Key)', () => send('POST', '/api/public/v1/customers', { type: 'person', firstName: 'Bench', lastName: 'Mark', email: 'bench@example.com' }, { 'idempotency-key': crypto.randomUUID() })],
  ['Records PUT', () => send('PUT', `/api/public/v1/customers/${customerId}`, { type: 'person', firstName: 'Bench', lastName: `Mark ${crypto.randomUUID().slice(0, 8)}` })],
  ['Records get by id', () => send('GET', `/api/public/v1/customers/${customerId}`)],
  [
    'CRM invoice create',
    () =>
      send(
        'POST',
        '/crm-api/v1/invoices',
        { client_id: customerId, due_date: '2026-12-31', line_items: [1, 2, 3].map((n) => ({ type: 'service', description: `Line ${n}`, quantity: n, rate: 100 * n, tax_rate: 20 })) },
        { 'idempotency-key': crypto.randomUUID() },
      ),
  ],
];
for (const [name, op] of ops.filter(([name]) => !only || name.includes(only))) {
  await Promise.all(Array.from({ length: 10 }, () => op())); // warm: caches, prepared statements
  await new Promise((r) => setTimeout(r, 1200)); // the request log's flush
  tallies = new Map();
  const t0 = performance.now();
  for (let i = 0; i < requests; i += 10) {
    const res = await Promise.all(Array.from({ length: 10 }, () => op()));
    if (res.some((r) => r.statusCode >= 300)) throw new Error(`${name}: ${res.find((r) => r.statusCode >= 300)!.body}`);
  }
  const wall = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 1200));
  const rows = [...tallies].sort((a, b) => b[1].ms - a[1].ms);
  const sum = (f: (t: Tally) => number) => rows.reduce((s, [, t]) => s + f(t), 0);
  console.log(
    `\n${name}: ${requests} requests in ${wall.toFixed(0)} ms (${(wall / requests).toFixed(2)} ms each); per request ${(sum((t) => t.statements) / requests).toFixed(2)} statements, ${(sum((t) => t.calls) / requests).toFixed(2)} PGlite calls, ${(sum((t) => t.ms) / requests).toFixed(2)} ms in PGlite`,
  );
  console.log('  statements/request, calls/request, ms in PGlite/request, statement');
  for (const [k, t] of rows.slice(0, 10)) console.log(`  ${(t.statements / requests).toFixed(2).padStart(5)} ${(t.calls / requests).toFixed(2).padStart(6)} ${(t.ms / requests).toFixed(3).padStart(7)} ms  ${k}`);
}

// The floor's create (bench/floor.ts) on the same database, tallied the same way: the statement's
// own cost beside ours.
const floorColumns = 'id, type, first_name, last_name, company_name, email, phone, mobile, whatsapp, address, tags, notes, marketing_consent, is_vip, lead_score, lifecycle_stage, source, preferences, metadata, created_at, updated_at, deleted_at';
const floorCreate = `with c as (
    insert into customers (tenant_id, environment, id, type, first_name, last_name, email, created_at, updated_at)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning ${floorColumns}
  ), e as (
    insert into events (tenant_id, environment, id, type, data, created_at) select $1, $2, $9, 'crm.customers.created', to_jsonb(c), $8 from c
  ), i as (
    insert into idempotency_keys (tenant_id, environment, key, request_hash, method, path, status_code, response, created_at)
    select $1, $2, $10, 'floor', 'POST', '/api/public/v1/customers', 201, jsonb_build_object('data', to_jsonb(c)), $8 from c where $10::text is not null
  ) select * from c`;
const client = (db as unknown as { $client: { query(text: string, params: unknown[]): Promise<unknown> } }).$client;
tallies = new Map();
const t0 = performance.now();
for (let i = 0; i < requests; i += 10) {
  await Promise.all(
    Array.from({ length: 10 }, () => client.query(floorCreate, [tenant.id, 'test', crypto.randomUUID(), 'person', 'Bench', 'Mark', 'bench@example.com', new Date(), crypto.randomUUID(), crypto.randomUUID()])),
  );
}
const floorMs = [...tallies.values()].reduce((s, t) => s + t.ms, 0);
console.log(`\nthe floor's create statement alone: ${((performance.now() - t0) / requests).toFixed(2)} ms each, ${(floorMs / requests).toFixed(2)} ms in PGlite`);
await app.close();
