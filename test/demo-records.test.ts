import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, type TestServer } from './helpers.ts';
import { seedDemo } from '../src/core/demo.ts';
import { searchVehicles } from '../src/core/vehicles.ts';
import { hasValidCheckDigit, vinModelYear } from '../src/core/vin.ts';
import type { Ctx } from '../src/core/context.ts';

describe('demo data for motors and the other records-simple collections', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it('seeds realistic, valid motors (half listed) and records of every collection, readable through the Records API', async () => {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'demo' }, requestId: 'demo', db: server.app.database.db };
    await server.app.database.db.transaction((tx) => seedDemo({ ...ctx, db: tx }));
    const api = client(server.url, { 'x-api-key': t.key });

    const motors = (await api('GET', '/api/public/v1/motors?limit=200')).body.data as any[];
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
      assert.ok(m.media.length && m.media[0].url.startsWith('https://'));
      assert.ok(m.saleOptions?.priceAmount || m.rentalOptions?.dailyRateAmount || m.auctionOptions?.startingBidAmount);
    }
    assert.equal((await searchVehicles(ctx, { page: 1, limit: 100 })).total, listed.length);

    for (const [name, min] of [['employees', 5], ['leads', 8], ['supportTickets', 3], ['policies', 3], ['logisticsEntries', 3], ['directoryListings', 3]] as const) {
      const res = await api('GET', `/api/public/v1/${name}?includeTotal=true`);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.total >= min, `${name}: ${res.body.total}`);
    }
  });
});
