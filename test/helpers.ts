import crypto from 'node:crypto';
import { after } from 'node:test';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createApp, type App } from '../src/app.ts';
import { createTenant, createUser } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import type { Environment } from '../src/core/context.ts';

// Tests run on the embedded database by default and on PostgreSQL when DATABASE_URL is set
// (as .ci/run does for its second pass). Each test file gets a database of its own.
export const usingPostgres = Boolean(process.env.DATABASE_URL);
export const redisUrl = process.env.REDIS_URL || undefined;

export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `motors_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type TestServer = {
  url: string;
  app: App;
  config: Config;
  /** A new tenant with a key; each test can have its own dealership. */
  tenant(opts?: { env?: Environment; scopes?: string[]; rateLimit?: number; name?: string }): Promise<{ tenantId: string; key: string; keyId: string }>;
  key(tenantId: string, opts?: { env?: Environment; scopes?: string[]; rateLimit?: number }): Promise<{ key: string; keyId: string }>;
  close(): Promise<void>;
};

/** `logLines` collects every log line the server writes (set LOG_LEVEL in `env`), for tests of what reaches the logs. */
export async function startServer(env: Record<string, string> = {}, opts: { databaseUrl?: string; logLines?: string[] } = {}): Promise<TestServer> {
  const fresh = opts.databaseUrl ? undefined : await freshDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: 'memory://',
    DATABASE_URL: opts.databaseUrl ?? fresh?.url,
    REDIS_URL: redisUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  const lines = opts.logLines;
  const sink = lines && new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const app = await createApp(config, createLogger(config.LOG_LEVEL, sink));
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const key: TestServer['key'] = async (tenantId, o = {}) => {
    const k = await createApiKey(app.database.db, { tenantId, environment: o.env ?? 'test', scopes: o.scopes ?? ['*'], rateLimit: o.rateLimit ?? 10_000 });
    return { key: k.key, keyId: k.id };
  };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    key,
    async tenant(o = {}) {
      const t = await createTenant(app.database.db, { name: o.name ?? `Dealer ${crypto.randomBytes(3).toString('hex')}` });
      return { tenantId: t.id, ...(await key(t.id, o)) };
    },
    async close() {
      await app.close();
      await fresh?.drop();
    },
  };
}

// One server per test process, for files that need no configuration of their own (sharedServer):
// every test makes a dealership of its own (tenant(), staffDealer()), and the data layer keeps
// tenants apart, which is the product's own guarantee. A test process of `npm test` imports its
// files in turn (scripts/test.mjs), so a server start (a database copied, ~300 routes built) is
// paid once per process, not once per file. Closed after the process's last test: this hook is
// registered while the first file imports this module, at the top level, so on the root test.
let shared: Promise<TestServer> | undefined;
after(async () => {
  await (await shared)?.close();
});

/** The process's shared server; its close() leaves it running for the next file. */
export async function sharedServer(): Promise<TestServer> {
  shared ??= startServer();
  return { ...(await shared), close: async () => {} };
}

/**
 * A parsed JSON response as tests read it: any path can be followed, and a wrong path fails the
 * assertion that reads it. The one `any` of the test helpers (see ARCHITECTURE.md, Decisions).
 */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by assertions, not types
export type JsonBody = any;

export type Res = { status: number; headers: Headers; body: JsonBody; text: string };

/** A small HTTP client over fetch: JSON in, JSON out. */
export function client(base: string, defaults: Record<string, string> = {}) {
  return async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const init: RequestInit = { method, headers: { ...defaults, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}

/**
 * A new dealership with a signed-in owner: management API clients for test and live data, and
 * API-key clients for each environment (to write the records the dashboard then reads).
 */
export async function staffDealer(server: TestServer) {
  const tenant = await createTenant(server.app.database.db, { name: `Dealer ${crypto.randomBytes(3).toString('hex')}` });
  const email = `owner-${crypto.randomBytes(4).toString('hex')}@example.com`;
  await createUser(server.app.database.db, { tenantId: tenant.id, email, name: 'Owner', role: 'owner', password: 'correct-horse-battery' });
  const session = await client(server.url)('POST', '/manage/v1/session', { email, password: 'correct-horse-battery' });
  if (session.status !== 200) throw new Error(`sign-in failed: ${session.text}`);
  const cookie = session.headers.get('set-cookie')!.split(';')[0];
  const test = await server.key(tenant.id);
  const live = await server.key(tenant.id, { env: 'live' });
  return {
    tenantId: tenant.id,
    /** The session cookie, for a raw fetch (a file answer). */
    cookie,
    manage: client(server.url, { cookie, 'x-motors-environment': 'test' }),
    manageLive: client(server.url, { cookie, 'x-motors-environment': 'live' }),
    api: client(server.url, { 'x-api-key': test.key }),
    liveApi: client(server.url, { 'x-api-key': live.key }),
  };
}
