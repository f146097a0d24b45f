import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { sharedServer, client, type TestServer } from './helpers.ts';
import { events } from '../src/storage/schema/index.ts';
import { incrementMotorViews } from '../src/core/vehicles.ts';
import { getVehicle, searchVehicles } from '../src/core/vehicles.ts';
import { withCheckDigit } from '../src/core/vin.ts';
import type { Ctx } from '../src/core/context.ts';

const VALID_VIN = '1HGCM82633A004352';
const base = '/api/public/v1/motors';

describe('Records API: motors', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  const ctxOf = (tenantId: string): Ctx => ({ tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 't' }, requestId: 't', db: server.app.database.db });

  it('creates, reads, partially updates and lists a motor, with events', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', base, {
      vin: '1hgcm82633a004352',
      make: 'Honda',
      model: 'Accord',
      trim: 'EX',
      engine: '2.4L 4-cylinder',
      mileage: 120500,
      mileageUnit: 'mi',
      listingType: 'sale',
      listingStatus: 'active',
      saleOptions: { priceAmount: 499900, currency: 'USD' },
      media: [{ url: 'https://img.example.com/a.jpg', isFeatured: true }],
      features: { safety: ['ABS'] },
    });
    assert.equal(created.status, 201, created.text);
    const m = created.body.data;
    assert.equal(m.vin, VALID_VIN);
    assert.equal(m.vinCheckDigitValid, true);
    assert.equal(m.year, 2003, 'model year from VIN position 10');
    assert.equal(m.name, '2003 Honda Accord EX');
    assert.match(m.slug, /^honda-accord-2003-[0-9a-f]{6}$/);
    assert.deepEqual(m.engine, { description: '2.4L 4-cylinder', fuelType: null, displacement: null, horsepower: null });
    assert.equal(m.isListed, true);
    assert.deepEqual(m.saleOptions, { priceAmount: 499900, currency: 'USD', isNegotiable: false, financingAvailable: false });
    assert.deepEqual(m.media[0], { url: 'https://img.example.com/a.jpg', type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 0 });
    assert.deepEqual(m.features, { safety: ['ABS'], exterior: [], interior: [], entertainment: [] });
    assert.equal(m.viewsCount, 0);
    assert.equal(m.status, 'in_stock');

    const got = await api('GET', `${base}/${m.id}`);
    assert.deepEqual(got.body.data, m);

    const put = await api('PUT', `${base}/${m.id}`, { status: 'reserved', model: 'Accord Coupe', engine: { fuelType: 'PETROL', horsepower: 166 } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.data.status, 'reserved');
    assert.equal(put.body.data.vin, VALID_VIN, 'omitted fields keep their values');
    assert.deepEqual(put.body.data.engine, { description: '2.4L 4-cylinder', fuelType: 'PETROL', displacement: null, horsepower: 166 });
    assert.equal(put.body.data.slug, m.slug.replace('honda-accord-2003', 'honda-accord-coupe-2003'), 'slug follows the name, keeps its suffix');
    assert.ok(put.body.data.updatedAt > m.updatedAt);

    const list = await api('GET', `${base}?includeTotal=true`);
    assert.equal(list.body.total, 1);
    const rows = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, t.tenantId)));
    assert.deepEqual(rows.map((e) => e.type).sort(), ['crm.motors.created', 'crm.motors.updated']);
  });

  it('refuses a bad VIN with 400 naming vin, unless vinCheckOverride gives a reason', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const wrongDigit = '1HGCM82643A004352';
    for (const vin of [wrongDigit, '1HGCM82633A00435', '1HGCM82633A0043I2']) {
      const res = await api('POST', base, { vin, make: 'Honda', model: 'Accord' });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.match(res.body.error.message, /^vin: /);
    }
    const overridden = await api('POST', base, { vin: wrongDigit, make: 'Honda', model: 'Accord', vinCheckOverride: { reason: 'As stamped on the chassis' } });
    assert.equal(overridden.status, 201, overridden.text);
    assert.equal(overridden.body.data.vinCheckDigitValid, false);
    assert.deepEqual(overridden.body.data.vinCheckOverride, { reason: 'As stamped on the chassis' });
    // Outside North America a wrong check digit is reported, not refused.
    const eu = withCheckDigit('WVWZZZ1KZAW000001');
    const euBroken = eu.slice(0, 8) + (eu[8] === '1' ? '2' : '1') + eu.slice(9);
    const euRes = await api('POST', base, { vin: euBroken, make: 'Volkswagen', model: 'Golf' });
    assert.equal(euRes.status, 201, euRes.text);
    assert.equal(euRes.body.data.vinCheckDigitValid, false);
    assert.equal((await api('GET', `${base}?includeTotal=true`)).body.total, 2);
  });

  it('keeps VINs unique per dealership and environment', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    assert.equal((await api('POST', base, { vin: VALID_VIN, make: 'Honda', model: 'Accord' })).status, 201);
    const dup = await api('POST', base, { vin: VALID_VIN, make: 'Honda', model: 'Accord' });
    assert.equal(dup.status, 409, dup.text);
    assert.match(dup.body.error.message, /^vin: /);
    const other = await server.tenant();
    assert.equal((await client(server.url, { 'x-api-key': other.key })('POST', base, { vin: VALID_VIN, make: 'Honda', model: 'Accord' })).status, 201);
    // Concurrent creates of one VIN: exactly one wins, the others are 409s (the unique index backs the check).
    const racing = withCheckDigit('2T1BURHE0RC000777');
    const results = await Promise.all(Array.from({ length: 5 }, () => api('POST', base, { vin: racing, make: 'Toyota', model: 'Corolla' })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409], results.map((r) => r.text).join('\n'));
    const live = await server.key(t.tenantId, { env: 'live' });
    assert.equal((await client(server.url, { 'x-api-key': live.key })('POST', base, { vin: VALID_VIN, make: 'Honda', model: 'Accord' })).status, 201);
  });

  it('validates listings: an active listing needs its type and price, money is integer minor units', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const cases: [unknown, RegExp][] = [
      [{ make: 'Kia', model: 'Sportage', listingStatus: 'active' }, /^listingType: /],
      [{ make: 'Kia', model: 'Sportage', listingStatus: 'active', listingType: 'rental' }, /^rentalOptions: /],
      [{ make: 'Kia', model: 'Sportage', saleOptions: { priceAmount: 1999.99, currency: 'USD' } }, /body\.saleOptions\.priceAmount/],
      [{ make: 'Kia', model: 'Sportage', saleOptions: { priceAmount: 199999, currency: 'US' } }, /body\.saleOptions\.currency/],
      [
        { make: 'Kia', model: 'Sportage', listingType: 'auction', auctionOptions: { startingBidAmount: 100, currency: 'EUR', startsAt: '2026-04-08T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' } },
        /auctionOptions\.endsAt/,
      ],
      [{ make: 'Kia', model: 'Sportage', transmission: 'automatic' }, /body\.transmission/],
      [{ make: 'Kia', model: 'Sportage', viewsCount: 10 }, /viewsCount/],
      // Not a schema error since make can come from a decoded VIN: core names the field.
      [{ model: 'Sportage' }, /^make: is required/],
      [{ make: 'Kia', model: 'Sportage', ownerCustomerId: '0190aaaa-0000-7000-8000-000000000000' }, /^ownerCustomerId: /],
    ];
    for (const [body, pattern] of cases) {
      const res = await api('POST', base, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.text}`);
      assert.match(res.body.error.message, pattern);
    }
    const created = await api('POST', base, { make: 'Kia', model: 'Sportage' });
    const cleared = await api('PUT', `${base}/${created.body.data.id}`, { make: null });
    assert.equal(cleared.status, 400, 'a required field cannot be cleared');
  });

  it('refuses an owner customer of another dealership or environment', async () => {
    const a = await server.tenant();
    const b = await server.tenant();
    const customerB = await client(server.url, { 'x-api-key': b.key })('POST', '/api/public/v1/customers', { firstName: 'Other' });
    const live = await server.key(a.tenantId, { env: 'live' });
    const customerLive = await client(server.url, { 'x-api-key': live.key })('POST', '/api/public/v1/customers', { firstName: 'Live' });
    const api = client(server.url, { 'x-api-key': a.key });
    for (const id of [customerB.body.data.id, customerLive.body.data.id]) {
      const res = await api('POST', base, { make: 'Ford', model: 'F-150', ownerCustomerId: id });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.details[0].field, 'ownerCustomerId');
      assert.match(res.body.error.message, /^ownerCustomerId: /);
    }
    const own = await api('POST', '/api/public/v1/customers', { firstName: 'Mine' });
    const ok = await api('POST', base, { make: 'Ford', model: 'F-150', ownerCustomerId: own.body.data.id });
    assert.equal(ok.status, 201, ok.text);
  });

  it('searches active listings by each filter and sort, never showing drafts, paused listings or motors of other dealers', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const specs = [
      { make: 'Toyota', model: 'Camry', year: 2021, mileage: 30000, fuel: 'HYBRID', tr: 'CVT', type: 'sale', price: 2600000 },
      { make: 'Toyota', model: 'RAV4', year: 2019, mileage: 60000, fuel: 'PETROL', tr: 'AUTOMATIC', type: 'sale', price: 2100000 },
      { make: 'Honda', model: 'Civic', year: 2017, mileage: 90000, fuel: 'PETROL', tr: 'MANUAL', type: 'rental', price: 5500 },
      { make: 'Tesla', model: 'Model 3', year: 2023, mileage: 12000, fuel: 'ELECTRIC', tr: 'AUTOMATIC', type: 'auction', price: 2400000 },
      { make: 'Ford', model: 'F-150', year: 2020, mileage: 45000, fuel: 'PETROL', tr: 'AUTOMATIC', type: 'sale', price: 3300000, status: 'paused' },
      { make: 'BMW', model: '3 Series', year: 2018, mileage: 70000, fuel: 'DIESEL', tr: 'AUTOMATIC', type: null, price: 0 },
    ];
    const ids: Record<string, string> = {};
    for (const s of specs) {
      const options =
        s.type === 'sale'
          ? { saleOptions: { priceAmount: s.price, currency: 'USD' } }
          : s.type === 'rental'
            ? { rentalOptions: { dailyRateAmount: s.price, currency: 'USD' } }
            : s.type === 'auction'
              ? { auctionOptions: { startingBidAmount: s.price, currency: 'USD' } }
              : {};
      const res = await api('POST', base, {
        make: s.make,
        model: s.model,
        year: s.year,
        mileage: s.mileage,
        engine: { fuelType: s.fuel },
        transmission: s.tr,
        listingType: s.type,
        listingStatus: s.type ? (s.status ?? 'active') : 'draft',
        description: `${s.make} ${s.model} in great shape`,
        ...options,
      });
      assert.equal(res.status, 201, res.text);
      ids[s.model] = res.body.data.id;
    }
    const ctx = ctxOf(t.tenantId);
    const names = async (q: Partial<Parameters<typeof searchVehicles>[1]>) => (await searchVehicles(ctx, { page: 1, limit: 50, ...q })).rows.map((r) => r.motor.model);
    assert.deepEqual(await names({ sortBy: 'year', sortOrder: 'asc' }), ['Civic', 'RAV4', 'Camry', 'Model 3']);
    assert.deepEqual(await names({ listingType: 'sale', sortBy: 'price', sortOrder: 'desc' }), ['Camry', 'RAV4']);
    assert.deepEqual(await names({ minYear: 2019, maxYear: 2021, sortBy: 'year' }), ['Camry', 'RAV4']);
    assert.deepEqual(await names({ maxMileage: 40000, sortBy: 'mileage', sortOrder: 'asc' }), ['Model 3', 'Camry']);
    assert.deepEqual(await names({ minPrice: 22000, sortBy: 'price', sortOrder: 'asc' }), ['Model 3', 'Camry']);
    assert.deepEqual(await names({ fuelType: 'PETROL', sortBy: 'name', sortOrder: 'asc' }), ['Civic', 'RAV4']);
    assert.deepEqual(await names({ transmission: 'AUTOMATIC', sortBy: 'name', sortOrder: 'asc' }), ['Model 3', 'RAV4']);
    assert.deepEqual(await names({ search: 'toyota 2019' }), ['RAV4']);
    assert.deepEqual(await names({ make: 'toyota', sortBy: 'name', sortOrder: 'asc' }), ['Camry', 'RAV4']);
    const page = await searchVehicles(ctx, { page: 2, limit: 3, sortBy: 'createdAt', sortOrder: 'asc' });
    assert.equal(page.total, 4);
    assert.deepEqual(
      page.rows.map((r) => r.motor.model),
      ['Model 3'],
    );

    await incrementMotorViews(ctx, ids['Civic']);
    await incrementMotorViews(ctx, ids['Civic']);
    assert.equal((await names({ sortBy: 'views', sortOrder: 'desc' }))[0], 'Civic');
    const civic = (await getVehicle(ctx, ids['Civic'])).motor;
    assert.equal(civic.viewsCount, 2);
    assert.equal((await getVehicle(ctx, civic.slug)).motor.id, ids['Civic']);
    await assert.rejects(getVehicle(ctx, ids['F-150']), /not found/);
    // The storefront's list is served by the partial index of active listings.
    const plan = await server.app.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const res = (await tx.execute(
        sql`explain select * from motors where tenant_id = ${t.tenantId} and environment = 'test' and deleted_at is null and listing_type is not null and listing_status = 'active' and listing_type = 'sale' order by created_at desc limit 20`,
      )) as unknown as { rows: Record<string, string>[] };
      return res.rows.map((r) => Object.values(r)[0]).join('\n');
    });
    assert.match(plan, /motors_active_listing_idx/, plan);
    // Another dealership sees none of them.
    const other = await server.tenant();
    assert.equal((await searchVehicles(ctxOf(other.tenantId), { page: 1, limit: 50 })).total, 0);
  });
});
