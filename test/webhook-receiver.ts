import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonBody } from './helpers.ts';

export type Received = { at: number; headers: http.IncomingHttpHeaders; raw: string; body: JsonBody };
type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. `respond` decides each answer (default
 * 200); it also tracks how many requests per event id are being handled at once.
 */
export async function startReceiver(respond: (r: Received, nth: number) => Reply | Promise<Reply> = () => ({ status: 200, body: 'ok' })) {
  const received: Received[] = [];
  const inFlight = new Map<string, number>();
  let maxConcurrentPerEvent = 0;
  const waiters: { check: () => boolean; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const r: Received = { at: Date.now(), headers: req.headers, raw, body };
      const id = String(req.headers['webhook-id']);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      maxConcurrentPerEvent = Math.max(maxConcurrentPerEvent, inFlight.get(id)!);
      received.push(r);
      const reply = await respond(r, received.length);
      if (reply.delayMs) await new Promise((ok) => setTimeout(ok, reply.delayMs));
      inFlight.set(id, inFlight.get(id)! - 1);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
      for (const w of [...waiters]) {
        if (w.check()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    get maxConcurrentPerEvent() {
      return maxConcurrentPerEvent;
    },
    /** Resolves when `check` holds after a request, or rejects after `timeoutMs`. */
    until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
      if (check()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} received)`)), timeoutMs);
        waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
