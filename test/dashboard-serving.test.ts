import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Fastify from 'fastify';
import { startServer, type TestServer } from './helpers.ts';
import { registerDashboard } from '../src/http/dashboard.ts';

describe('dashboard: served at /dashboard', () => {
  let server: TestServer;
  before(async () => {
    assert.equal(spawnSync(process.execPath, ['scripts/build-web.mjs', '--if-missing'], { stdio: 'inherit' }).status, 0);
    server = await startServer();
  });
  after(async () => server?.close());

  it('sends the precompressed bundle a client accepts (brotli, else gzip, else plain), the same bytes once decoded', async () => {
    const html = await (await fetch(`${server.url}/dashboard`)).text();
    const asset = html.match(/\/dashboard\/assets\/[\w.-]+\.js/)![0];
    const raw = (encoding?: string) =>
      new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .get(server.url + asset, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
    const plain = await raw();
    assert.equal(plain.headers['content-encoding'], undefined);
    const br = await raw('gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i);
    assert.ok(br.body.length < plain.body.length / 3, `brotli ${br.body.length} B vs ${plain.body.length} B`);
    assert.deepEqual(zlib.brotliDecompressSync(br.body), plain.body);
    const gz = await raw('gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
    assert.match(String(br.headers['cache-control']), /immutable/);
  });

  it('splits the bundle by route: a page opened later is a chunk of its own, served compressed', async () => {
    const html = await (await fetch(`${server.url}/dashboard`)).text();
    const entry = await (await fetch(server.url + html.match(/\/dashboard\/assets\/[\w.-]+\.js/)![0])).text();
    assert.doesNotMatch(entry, /Keep the key/, 'the API keys page is not in the first script');
    const chunk = entry.match(/assets\/keys-[\w-]+\.js/)?.[0];
    assert.ok(chunk, 'the first script names the keys page chunk it loads on demand');
    const res = await fetch(`${server.url}/dashboard/${chunk}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), 'br');
    assert.match(await res.text(), /Keep the key/);
  });

  it('answers client routes with index.html, framing refused, and caches hashed assets for good', async () => {
    for (const p of ['/dashboard', '/dashboard/', '/dashboard/integrations/keys', '/dashboard/records/customers?x=1']) {
      const res = await fetch(server.url + p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.match(res.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      const html = await res.text();
      assert.match(html, /<div id="root">/);
      const asset = html.match(/\/dashboard\/assets\/[\w.-]+\.js/)![0];
      const js = await fetch(server.url + asset);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('cache-control')!, /immutable/);
      await js.arrayBuffer();
    }
    const missing = await fetch(`${server.url}/dashboard/assets/nope.js`);
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
    // Only plain asset names reach the file system; anything else is the app's index.html.
    const escape = await (await fetch(`${server.url}/dashboard/assets/..%2f..%2f..%2fpackage.json`)).text();
    assert.ok(!escape.includes('"dependencies"'));
  });

  it('keeps the dashboard out of the API reference', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/dashboard')));
  });

  it('says how to build it when web/dist is missing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-no-dashboard-'));
    const app = Fastify();
    await registerDashboard(app, empty);
    const res = await app.inject({ method: 'GET', url: '/dashboard/integrations/keys' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build:web/);
    await app.close();
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
