// Throughput with 1 and 2 server processes sharing PostgreSQL and Redis, started as
// `motors start --processes N`. A build without that command is recorded as skipped, with the
// reason it gave, rather than failing the whole run.
import { recordsGet, recordsList, type BenchContext } from './operations.ts';
import { freePort, load, start, StartFailed, stop } from './servers.ts';
import type { LoadResult } from './load.ts';

export type ProcessesResult = { processes: number; skipped?: string; results: { name: string; connections: number; ours: LoadResult }[] };

export async function measureProcesses(opts: { databaseUrl: string; redisUrl: string; ctx: BenchContext; durationSeconds: number; log: (...m: unknown[]) => void }): Promise<ProcessesResult[]> {
  const out: ProcessesResult[] = [];
  const connections = 50;
  for (const processes of [1, 2]) {
    const port = await freePort();
    let server;
    try {
      // Its own process group, so stopping it reaches every process it forked.
      server = await start(
        ['bin/motors.mjs', 'start', '--processes', String(processes)],
        {
          DATABASE_URL: opts.databaseUrl,
          REDIS_URL: opts.redisUrl,
          MOTORS_PROCESSES: String(processes),
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
          RATE_LIMIT_PER_MINUTE: '100000000',
        },
        undefined,
        { group: true },
      );
    } catch (err) {
      if (!(err instanceof StartFailed)) throw err;
      const lines = err.output.split('\n').map((l) => l.trim()).filter(Boolean);
      const said = lines.find((l) => /process/i.test(l)) ?? lines[0] ?? err.message;
      const reason = `not supported by this build (${said.length > 100 ? `${said.slice(0, 100)}…` : said})`;
      opts.log(`${processes} process(es): skipped — ${reason}`);
      out.push({ processes, skipped: reason, results: [] });
      continue;
    }
    try {
      const results: ProcessesResult['results'] = [];
      for (const [name, r] of [
        ['Records get by id', recordsGet(opts.ctx)],
        ['Records list (limit=50)', recordsList(opts.ctx.key)],
      ] as const) {
        const ours = await load({ url: server.url + r.path, method: r.method, headers: r.headers, connections, durationSeconds: opts.durationSeconds });
        results.push({ name, connections, ours });
        opts.log(`${processes} process(es), ${name} @${connections}: ${ours.rps.toFixed(0)} req/s (non-2xx ${ours.non2xx})`);
      }
      out.push({ processes, results });
    } finally {
      await stop(server.child);
    }
  }
  return out;
}
