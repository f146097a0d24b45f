// The load generator, run as its own process so it never competes with the server's event loop
// inside one process: reads one autocannon job as JSON from argv, prints the summary as JSON.
import crypto from 'node:crypto';
import http from 'node:http';
import autocannon from 'autocannon';

export type LoadJob = {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Open loop: requests a second across all connections (autocannon -R). */
  rate?: number;
  /**
   * With `rate`: send one request every 1000 / rate ms instead of autocannon's open loop, and time
   * each from the moment it was due. autocannon spends each connection's share of a second's
   * requests as fast as answers come back, then waits for the next second, so at 50 req/s over 10
   * connections every second starts with 10 requests at once: its p99 is that burst's queue, not
   * the latency of requests arriving at 50 a second. Timed from when it was due, a request that
   * waits behind a slow one counts its wait too.
   */
  paced?: boolean;
  /** A fresh Idempotency-Key on every request. */
  uniqueIdempotencyKey?: boolean;
  /** `__N__` in the body becomes a new number on every request (a PUT that really changes the record). */
  uniqueBody?: boolean;
};

export type LoadResult = { rps: number; p50: number; p99: number; requests: number; non2xx: number; errors: number; timeouts: number };

const job = JSON.parse(process.argv[2]) as LoadJob;
if (job.paced && job.rate) {
  process.stdout.write(JSON.stringify(await paced(job, job.rate)));
  process.exit(0);
}
let sent = 0;
const instance = autocannon({
  url: job.url,
  method: job.method,
  headers: job.body ? { 'content-type': 'application/json', ...job.headers } : job.headers,
  body: job.body,
  connections: job.connections,
  duration: job.durationSeconds,
  ...(job.rate ? { overallRate: job.rate } : {}),
  ...(job.uniqueIdempotencyKey || job.uniqueBody
    ? {
        requests: [
          {
            setupRequest: (req: Record<string, any>) => ({
              ...req,
              ...(job.uniqueBody ? { body: job.body!.replaceAll('__N__', String(++sent)) } : {}),
              headers: { ...req.headers, ...(job.uniqueIdempotencyKey ? { 'idempotency-key': crypto.randomUUID() } : {}) },
            }),
          },
        ],
      }
    : {}),
});
const result = await instance;
const out: LoadResult = {
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
};
process.stdout.write(JSON.stringify(out));

/** The paced open loop of `LoadJob.paced` (GET only, keep-alive, as many sockets as requests in flight). */
async function paced(job: LoadJob, rate: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * job.durationSeconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const start = performance.now() + 50;
  await Promise.all(
    Array.from({ length: total }, (_, i) => {
      const due = start + (i * 1000) / rate;
      return new Promise<void>((resolve) =>
        setTimeout(
          () =>
            http
              .get(job.url, { agent, headers: job.headers }, (res) => {
                if ((res.statusCode ?? 0) >= 300) non2xx++;
                res.resume();
                res.on('end', () => {
                  latencies.push(performance.now() - due);
                  resolve();
                });
              })
              .on('error', () => {
                errors++;
                resolve();
              }),
          Math.max(0, due - performance.now()),
        ),
      );
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { rps: latencies.length / job.durationSeconds, p50: at(0.5), p99: at(0.99), requests: latencies.length, non2xx, errors, timeouts: 0 };
}
