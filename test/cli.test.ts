import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { freshDatabaseUrl } from './helpers.ts';
import { runCli } from './processes.ts';
import { openDb, migrate } from '../src/storage/db.ts';
import { motors } from '../src/storage/schema/index.ts';

describe('motors CLI', () => {
  let env: Record<string, string | undefined>;
  let cleanup: () => Promise<void>;
  before(async () => {
    const fresh = await freshDatabaseUrl();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-cli-'));
    env = fresh ? { DATABASE_URL: fresh.url } : { DATA_DIR: dir };
    cleanup = async () => {
      await fresh?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });
  after(async () => cleanup?.());

  it('creates a tenant and a key as JSON, lists and revokes the key, and seeds demo data', async () => {
    const tenant = await runCli(['tenant', 'create', '--name', 'Hart Motors', '--json'], env);
    assert.equal(tenant.code, 0, tenant.stderr);
    const t = JSON.parse(tenant.stdout);
    assert.equal(t.name, 'Hart Motors');
    assert.match(t.id, /^[0-9a-f-]{36}$/);

    const key = await runCli(['keys', 'create', '--tenant', t.id, '--env', 'live', '--scopes', 'customers:read,clients:write', '--name', 'Website', '--json'], env);
    assert.equal(key.code, 0, key.stderr);
    const k = JSON.parse(key.stdout);
    assert.match(k.key, /^motors_sk_live_[0-9A-Za-z]{39}$/);
    assert.equal(k.environment, 'live');
    assert.deepEqual(k.scopes, ['customers:read', 'clients:write']);

    const list = await runCli(['keys', 'list', '--tenant', t.id, '--json'], env);
    const keys = JSON.parse(list.stdout);
    assert.equal(keys.length, 1);
    assert.equal(keys[0].last4, k.key.slice(-4));
    assert.ok(!list.stdout.includes(k.key), 'the full key is never listed');

    const other = JSON.parse((await runCli(['tenant', 'create', '--name', 'Other Dealer', '--json'], env)).stdout);
    const foreign = await runCli(['keys', 'revoke', k.id, '--tenant', other.id], env);
    assert.notEqual(foreign.code, 0, "another tenant's key is not found");
    assert.match(foreign.stderr, /not found/i);
    const revoke = await runCli(['keys', 'revoke', k.id, '--tenant', t.id], env);
    assert.equal(revoke.code, 0, revoke.stderr);
    const after = JSON.parse((await runCli(['keys', 'list', '--tenant', t.id, '--json'], env)).stdout);
    assert.ok(after[0].revokedAt);

    const seed = await runCli(['seed', 'demo', '--tenant', t.id, '--env', 'test', '--json'], env);
    assert.equal(seed.code, 0, seed.stderr);
    assert.ok(JSON.parse(seed.stdout).customers >= 10);
  });

  it('creates a staff user with a generated password (no terminal), lists it, and prints a reset link', async () => {
    const t = JSON.parse((await runCli(['tenant', 'create', '--name', 'Staffed Motors', '--json'], env)).stdout);
    const created = await runCli(['users', 'create', '--tenant', t.id, '--email', 'Pat.Lee@Dealer.example', '--role', 'admin', '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const u = JSON.parse(created.stdout);
    assert.equal(u.email, 'pat.lee@dealer.example');
    assert.equal(u.role, 'admin');
    assert.match(u.password, /^[A-Za-z0-9_-]{20}$/);
    const list = JSON.parse((await runCli(['users', 'list', '--tenant', t.id, '--json'], env)).stdout);
    assert.deepEqual(
      list.map((x: { email: string }) => x.email),
      ['pat.lee@dealer.example'],
    );
    assert.ok(!JSON.stringify(list).includes(u.password), 'no password is listed');
    const again = await runCli(['users', 'create', '--tenant', t.id, '--email', 'pat.lee@dealer.example'], env);
    assert.equal(again.code, 1, 'a second account with one email is refused');
    assert.match(again.stderr, /already exists/);
    const reset = await runCli(['users', 'reset', '--email', 'pat.lee@dealer.example', '--json'], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(JSON.parse(reset.stdout).url, /\/dashboard\/reset\/msl_[A-Za-z0-9_-]{43}$/);
    assert.equal((await runCli(['users', 'reset', '--email', 'nobody@dealer.example'], env)).code, 1);
    assert.equal((await runCli(['users', 'create', '--tenant', t.id, '--email', 'x@dealer.example', '--role', 'boss'], env)).code, 2);
  });

  it('answers bad arguments with the usage and exit status 2', async () => {
    for (const args of [[], ['keys', 'create', '--env', 'staging', '--tenant', 'x'], ['tenant', 'create'], ['frobnicate'], ['keys', 'list', '--nope']]) {
      const res = await runCli(args, env);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, /Usage: motors/);
    }
  });

  it('refuses an unknown scope and an unknown tenant with a clear message', async () => {
    const tenant = JSON.parse((await runCli(['tenant', 'create', '--name', 'Scopes', '--json'], env)).stdout);
    const bad = await runCli(['keys', 'create', '--tenant', tenant.id, '--env', 'test', '--scopes', 'rockets:launch'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown scope "rockets:launch"/);
    const missing = await runCli(['keys', 'list', '--tenant', '00000000-0000-0000-0000-000000000000'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No tenant/);
  });

  it('stops with one line naming a bad configuration value', async () => {
    const res = await runCli(['tenant', 'list'], { ...env, PORT: 'eighty' });
    assert.equal(res.code, 1);
    assert.match(res.stderr.trim(), /^Invalid configuration: PORT="eighty"/);
    assert.equal(res.stderr.trim().split('\n').length, 1);
  });

  it('`motors seed demo` on a database no server has started on writes motors linked to the catalog', async () => {
    const fresh = await freshDatabaseUrl();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-seed-'));
    const env = fresh ? { DATABASE_URL: fresh.url } : { DATA_DIR: dir };
    try {
      const tenant = await runCli(['tenant', 'create', '--name', 'Seeded Motors', '--json'], env);
      assert.equal(tenant.code, 0, tenant.stderr);
      const seed = await runCli(['seed', 'demo', '--tenant', JSON.parse(tenant.stdout).id, '--json'], env);
      assert.equal(seed.code, 0, seed.stderr);
      const database = await openDb({ databaseUrl: fresh?.url, dataDir: dir, poolSize: 1 });
      try {
        await migrate(database);
        const [counts] = await database.db
          .select({ all: sql<number>`count(*)::int`, linked: sql<number>`count(${motors.modelId})::int`, typed: sql<number>`count(${motors.bodyTypeId})::int` })
          .from(motors);
        assert.ok(counts.all > 0);
        assert.ok(counts.linked >= counts.all - 1, `${counts.linked} of ${counts.all} motors linked to a model`);
        assert.ok(counts.typed >= counts.all - 1, `${counts.typed} of ${counts.all} motors with a body type`);
      } finally {
        await database.close();
      }
    } finally {
      await fresh?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
