import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { client, startServer, type TestServer } from './helpers.ts';
import { BODY_LIMIT, SERVER_LIMITS } from '../src/http/server.ts';
import { errorShapeProblem } from './openapi-tools.ts';

// Hostile clients must not take the server from everyone else: slow headers are cut off, huge
// headers and bodies refused, thousands of idle connections don't delay real requests.

const IDLE_CONNECTIONS = 2_000;

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.on('error', (err) => (out ? resolve(out) : reject(err)));
    socket.on('close', () => resolve(out));
    socket.end(text);
  });
}

describe('abuse', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    server = await startServer();
    port = Number(new URL(server.url).port);
  });
  after(async () => server?.close());

  it('keeps answering others promptly beside slow clients and 2,000 idle connections, and cuts the slow ones off', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });

    // Slow clients: headers a byte a second, never finished.
    const slow = Array.from({ length: 5 }, () => {
      const socket = net.connect(port, '127.0.0.1');
      const openedAt = Date.now();
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      const timer = setInterval(() => socket.write('a'), 1_000);
      const closed = new Promise<number>((resolve) => {
        socket.on('close', () => {
          clearInterval(timer);
          resolve(Date.now() - openedAt);
        });
        socket.on('error', () => {});
      });
      return { socket, closed, timer };
    });

    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < IDLE_CONNECTIONS; i += 200) {
        await Promise.all(
          Array.from(
            { length: 200 },
            () =>
              new Promise<void>((resolve, reject) => {
                const s = net.connect(port, '127.0.0.1', () => resolve());
                s.on('error', reject);
                idle.push(s);
              }),
          ),
        );
      }
      assert.equal(idle.length, IDLE_CONNECTIONS);

      const latencies: number[] = [];
      for (let i = 0; i < 40; i++) {
        const started = performance.now();
        const res = await api(i % 2 ? 'GET' : 'POST', '/api/public/v1/customers', i % 2 ? undefined : { type: 'person', firstName: `Busy ${i}` });
        latencies.push(performance.now() - started);
        assert.ok(res.status === 200 || res.status === 201, res.text);
      }
      latencies.sort((a, b) => a - b);
      const p95 = latencies[Math.floor(latencies.length * 0.95)];
      console.log(`abuse: with ${IDLE_CONNECTIONS} idle and 5 slow connections, p50 ${latencies[20].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
      assert.ok(p95 < 2_000, `requests stay prompt (p95 ${p95} ms)`);

      const cutOff = await Promise.all(slow.map((s) => s.closed));
      for (const ms of cutOff) assert.ok(ms <= SERVER_LIMITS.headersTimeoutMs + 4_000, `a slow client is cut off after the headers timeout (${ms} ms)`);
      assert.equal((await api('GET', '/healthz')).status, 200);
    } finally {
      for (const s of slow) {
        clearInterval(s.timer);
        s.socket.destroy();
      }
      for (const s of idle) s.destroy();
    }
  });

  it('refuses headers over 16 KiB with 431 and keeps serving', async () => {
    const big = 'x'.repeat(SERVER_LIMITS.maxHeaderBytes + 1);
    const out = await rawRequest(port, `GET /api/public/v1/customers HTTP/1.1\r\nHost: localhost\r\nX-Big: ${big}\r\n\r\n`);
    assert.match(out, /^HTTP\/1\.1 431/);
    assert.equal((await client(server.url)('GET', '/healthz')).status, 200);
  });

  it('refuses a body of 1 MiB + 1 byte with 413 in the surface shape, and accepts one just under', async () => {
    const t = await server.tenant();
    for (const [path, surface] of [
      ['/api/public/v1/customers', 'records'],
      ['/external/auth/register', 'storefront'],
      ['/crm-api/v1/clients', 'crm'],
    ] as const) {
      const pad = BODY_LIMIT + 1 - '{"notes":""}'.length;
      const body = `{"notes":"${'n'.repeat(pad)}"}`;
      assert.equal(Buffer.byteLength(body), BODY_LIMIT + 1);
      const res = await client(server.url, { 'x-api-key': t.key })('POST', path, body);
      assert.equal(res.status, 413, `${path}: ${res.text.slice(0, 200)}`);
      assert.equal(errorShapeProblem(surface, 413, res.body), undefined, res.text);
    }
    const under = `{"type":"person","firstName":"Big","notes":"${'n'.repeat(9_000)}","metadata":{"blob":"${'m'.repeat(BODY_LIMIT - 20_000)}"}}`;
    const ok = await client(server.url, { 'x-api-key': t.key })('POST', '/api/public/v1/customers', under);
    assert.equal(ok.status, 201, ok.text.slice(0, 300));
  });
});
