import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { client, freshDatabaseUrl, redisUrl, startServer, usingPostgres, type JsonBody } from './helpers.ts';
import { freePort, runCli, startProcess } from './processes.ts';
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('operations', () => {
  it('first start on an empty embedded database: demo data, a working printed key, one process per data directory, clean shutdown', { skip: usingPostgres }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-start-'));
    let server: Awaited<ReturnType<typeof startProcess>> | undefined;
    try {
      server = await startProcess({ DATA_DIR: dir });
      const printed = server.output();
      const key = /Test API key \(shown once, keep it\): (motors_sk_test_\S+)/.exec(printed)?.[1];
      assert.ok(key, printed);
      const curl = /curl -H 'X-API-Key: (\S+)' '(\S+)'/.exec(printed);
      assert.ok(curl, 'prints a curl line');
      const res = await fetch(curl![2].replace('localhost', '127.0.0.1'), { headers: { 'x-api-key': curl![1] } });
      assert.equal(res.status, 200);
      const page = (await res.json()) as JsonBody;
      assert.ok(page.data.length >= 1 && page.hasMore, 'demo customers exist');

      const second = await runCli(['tenant', 'list'], { DATA_DIR: dir });
      assert.equal(second.code, 1);
      assert.match(second.stderr, /in use by another process \(pid \d+\)/);

      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());
      const after = await runCli(['tenant', 'list'], { DATA_DIR: dir });
      assert.equal(after.code, 0, after.stderr);
      assert.match(after.stdout, /Demo Motors/);
    } finally {
      // A failed assertion must not leave the server running (it would hold the test file open).
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves requests when Redis goes away (fail open) and limits again when it returns', async () => {
    const port = await freePort();
    const startRedis = () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let redis = startRedis();
    await sleep(300);
    const server = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const t = await server.tenant({ rateLimit: 3 });
      const api = client(server.url, { 'x-api-key': t.key });
      const statuses = async (n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await api('GET', '/api/public/v1/customers')).status);
        return out;
      };
      assert.deepEqual(await statuses(4), [200, 200, 200, 429]);

      redis.kill('SIGKILL');
      await sleep(300);
      assert.deepEqual(await statuses(5), [200, 200, 200, 200, 200], 'fails open while Redis is down');

      redis = startRedis(); // a fresh Redis: counters start again
      let resumed = false;
      for (let i = 0; i < 40 && !resumed; i++) {
        await sleep(250);
        resumed = (await statuses(4)).includes(429);
      }
      assert.ok(resumed, 'limiting resumes when Redis is back');
    } finally {
      await server.close();
      redis.kill('SIGKILL');
    }
  });

  it('two server processes share one rate-limit budget through Redis', { skip: !usingPostgres || !redisUrl }, async () => {
    const fresh = (await freshDatabaseUrl())!;
    const a = await startServer({}, { databaseUrl: fresh.url });
    try {
      const tenant = await createTenant(a.app.database.db, { name: 'Shared budget' });
      const key = await createApiKey(a.app.database.db, { tenantId: tenant.id, environment: 'test', rateLimit: 10 });
      const b = await startProcess({ DATABASE_URL: fresh.url, REDIS_URL: redisUrl });
      try {
        const viaA = client(a.url, { 'x-api-key': key.key });
        const viaB = client(b.url, { 'x-api-key': key.key });
        const results: number[] = [];
        for (let i = 0; i < 6; i++) {
          results.push((await viaA('GET', '/api/public/v1/customers')).status);
          results.push((await viaB('GET', '/api/public/v1/customers')).status);
        }
        assert.deepEqual(results.slice(0, 10), Array(10).fill(200));
        assert.deepEqual(results.slice(10), [429, 429], `the 11th and 12th requests across both processes are refused: ${results}`);
      } finally {
        b.child.kill('SIGTERM');
        assert.equal(await b.exited, 0);
      }
    } finally {
      await a.close();
      await fresh.drop();
    }
  });
});
