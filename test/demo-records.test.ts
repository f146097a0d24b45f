import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { seedDemo } from '../src/core/demo.ts';
import { searchVehicles } from '../src/core/vehicles.ts';
import { hasValidCheckDigit, vinModelYear } from '../src/core/vin.ts';
import type { Ctx } from '../src/core/context.ts';
import { recordsCollections } from '../src/core/scopes.ts';

describe('demo data for motors and the other records-simple collections', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  /** A new dealer with the demo records (photos on this server), its context and an API client. */
  async function demoDealer() {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'demo' }, requestId: 'demo', db: server.app.database.db };
    await server.app.database.db.transaction((tx) => seedDemo({ ...ctx, db: tx }, { publicUrl: server.url }));
    return { ctx, api: client(server.url, { 'x-api-key': t.key }) };
  }

  it('seeds realistic, valid motors (half listed) and records of every collection, readable through the Records API', async () => {
    const { ctx, api } = await demoDealer();

    const motors = (await api('GET', '/api/public/v1/motors?limit=200')).body.data as JsonBody[];
    assert.ok(motors.length >= 30, `${motors.length} motors`);
    for (const m of motors) {
      assert.ok(hasValidCheckDigit(m.vin), m.vin);
      assert.equal(vinModelYear(m.vin), m.year, `${m.vin} encodes ${m.year}`);
      assert.ok(m.year >= 2015 && m.year <= 2025);
    }
    assert.ok(new Set(motors.map((m) => m.make)).size >= 10, 'several makes');
    const listed = motors.filter((m) => m.isListed);
    assert.equal(listed.length, Math.ceil(motors.length / 2));
    assert.deepEqual(new Set(listed.map((m) => m.listingType)), new Set(['sale', 'rental', 'auction']));
    for (const m of listed) {
      assert.ok(m.media.length, `${m.make} ${m.model} has photos`);
      assert.ok(m.saleOptions?.priceAmount || m.rentalOptions?.dailyRateAmount || m.auctionOptions?.startingBidAmount);
    }
    assert.equal((await searchVehicles(ctx, { page: 1, limit: 100 })).total, listed.length);

    // The photos are this server's own (PUBLIC_URL, here the test server's address), and they load.
    const urls = new Set(listed.flatMap((m) => m.media.map((p: { url: string }) => p.url)));
    for (const url of urls) {
      assert.ok(url.startsWith(`${server.url}/demo-photos/`), url);
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('content-type'), 'image/svg+xml');
      assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
      const svg = await res.text();
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.ok(svg.length < 20_000, `${url}: ${svg.length} bytes`);
    }
    assert.ok(urls.size >= 6, `${urls.size} photos`);
    // The Storefront shows the same photos to shoppers.
    const storefront = await api('GET', '/external/vehicles?limit=50');
    assert.equal(storefront.status, 200, storefront.text);
    const shown = storefront.body.data.flatMap((v: JsonBody) => v.media.map((p: { url: string }) => p.url));
    assert.ok(shown.length > 0 && shown.every((url: string) => urls.has(url)), shown.join(', '));
    assert.equal((await fetch(`${server.url}/demo-photos/nothing-here.svg`)).status, 404);
    assert.equal((await fetch(`${server.url}/demo-photos/..%2Fpackage.json`)).status, 404);

    for (const [name, min] of [
      ['employees', 5],
      ['leads', 8],
      ['supportTickets', 3],
      ['policies', 3],
      ['logisticsEntries', 3],
      ['directoryListings', 3],
    ] as const) {
      const res = await api('GET', `/api/public/v1/${name}?includeTotal=true`);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.total >= min, `${name}: ${res.body.total}`);
    }
  });

  it('names no outside photo host anywhere in the demo records', async () => {
    const { api } = await demoDealer();
    for (const name of recordsCollections) {
      const res = await api('GET', `/api/public/v1/${name}?limit=200`);
      assert.equal(res.status, 200, `${name}: ${res.text}`);
      assert.ok(!res.text.includes('placehold.co'), `${name} names placehold.co`);
    }
  });
});
