import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freshDatabaseUrl, usingPostgres } from './helpers.ts';
import { runCli, startProcess } from './processes.ts';

// `motors start --processes N`: a node:cluster primary and N server processes sharing one port.
const skip = usingPostgres ? false : 'needs PostgreSQL (set DATABASE_URL): several processes cannot share the embedded database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid behind /healthz, on a new connection each time (a kept-alive one stays with one process). */
function healthPid(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/healthz`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as { pid: number }).pid) : reject(new Error(`status ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** The distinct pids answering within `tries` requests (failed requests are skipped). */
async function answeringPids(url: string, tries = 40): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < tries; i++) {
    const pid = await healthPid(url).catch(() => undefined);
    if (pid) pids.add(pid);
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('several server processes', () => {
  it('refuses --processes above 1 on the embedded database, naming DATABASE_URL', async () => {
    const res = await runCli(['start'], { DATA_DIR: 'memory://', MOTORS_PROCESSES: '2', PORT: '0' });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /needs DATABASE_URL/);
  });

  it('two processes answer on one port; a dead one is replaced; SIGTERM stops them all cleanly', { skip }, async () => {
    const fresh = (await freshDatabaseUrl())!;
    let server: Awaited<ReturnType<typeof startProcess>> | undefined;
    try {
      server = await startProcess({ DATABASE_URL: fresh.url }, ['--processes', '2']);
      const output = server.output();
      assert.equal(output.match(/running on http/g)?.length, 1, `one banner:\n${output}`);
      assert.match(output, /2 processes/);
      assert.match(output, /Test API key \(shown once, keep it\): motors_sk_test_/, 'the primary created the demo data once');
      assert.match(output, /REDIS_URL is not set/, 'warns that limits are per process');

      const pids = await answeringPids(server.url);
      assert.equal(pids.size, 2, `two processes answer: ${[...pids]}`);
      assert.ok(!pids.has(server.child.pid!), 'the primary serves nothing itself');

      const [killed] = pids;
      process.kill(killed, 'SIGKILL');
      let replaced = new Set<number>();
      for (let i = 0; i < 60 && replaced.size < 2; i++) {
        await sleep(250);
        replaced = await answeringPids(server.url, 10);
      }
      assert.equal(replaced.size, 2, `two processes answer again: ${[...replaced]}`);
      assert.ok(!replaced.has(killed), 'the killed process was replaced');

      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());
      for (const pid of replaced) assert.ok(!alive(pid), `server process ${pid} stopped with the primary`);
    } finally {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      await fresh.drop();
    }
  });
});
