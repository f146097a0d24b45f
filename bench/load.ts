// The load generator, run as its own process so it never competes with the server's event loop
// inside one process: reads one autocannon job as JSON from argv, prints the summary as JSON.
import crypto from 'node:crypto';
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
  /** A fresh Idempotency-Key on every request. */
  uniqueIdempotencyKey?: boolean;
  /** `__N__` in the body becomes a new number on every request (a PUT that really changes the record). */
  uniqueBody?: boolean;
};

export type LoadResult = { rps: number; p50: number; p99: number; requests: number; non2xx: number; errors: number; timeouts: number };

const job = JSON.parse(process.argv[2]) as LoadJob;
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
