import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { allPages, assertStorefrontError, cmp, cmpKeys, seededDealer, type Api } from './storefront-setup.ts';
import { systemCtx } from './system-ctx.ts';
import { addBrand } from '../src/core/catalog-entries.ts';
import { readCatalogFile } from '../src/core/catalog-load.ts';
import { vehicleViews } from '../src/storage/schema/index.ts';

const catalog = readCatalogFile();
const brandByName = (name: string) => catalog.brands.find((b) => b.name === name)!;
const modelOf = (brand: string, name: string) => catalog.models.find((m) => m.brandId === brandByName(brand).id && m.name === name)!;

/** The dealer's listed motors as the Records API shows them: the brute-force side of every check. */
async function listedMotors(api: Api): Promise<JsonBody[]> {
  const res = await api('GET', '/api/public/v1/motors?limit=200');
  assert.equal(res.status, 200, res.text);
  return (res.body.data as JsonBody[]).filter((m) => m.isListed);
}
const priceOf = (m: JsonBody) => (m.saleOptions?.priceAmount ?? m.rentalOptions?.dailyRateAmount ?? m.auctionOptions?.startingBidAmount) / 100;

describe('Storefront vehicles', () => {
  let server: TestServer;
  let dealer: Awaited<ReturnType<typeof seededDealer>>;
  let motors: JsonBody[];
  before(async () => {
    server = await sharedServer();
    dealer = await seededDealer(server);
    motors = await listedMotors(dealer.api);
  });
  after(async () => server?.close());

  it("GET /external/vehicles (documented example) returns the dealer's listed vehicles in the documented shape", async () => {
    const res = await dealer.api('GET', '/external/vehicles');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.statusCode, 200);
    assert.equal(res.body.page, 1);
    assert.equal(res.body.limit, 20);
    assert.equal(res.body.total, motors.length);
    assert.equal(res.body.totalPages, Math.ceil(motors.length / 20));
    const camry = res.body.data.find((v: JsonBody) => v.model.name === 'Camry' && v.listingType === 'sale');
    assert.ok(camry, 'a Camry for sale');
    const m = motors.find((x) => x.id === camry.id);
    for (const k of [
      'id',
      'name',
      'slug',
      'description',
      'year',
      'mileage',
      'exteriorColor',
      'interiorColor',
      'listingType',
      'status',
      'model',
      'engine',
      'media',
      'saleOptions',
      'features',
      'pickupDetails',
      'createdDate',
      'updatedDate',
    ]) {
      assert.ok(k in camry, k);
    }
    assert.equal(camry.name, `${m.year} Toyota Camry ${m.trim}`);
    assert.equal(camry.slug, m.slug);
    assert.equal(camry.status, 'available');
    assert.deepEqual(camry.model.brand, { id: brandByName('Toyota').id, name: 'Toyota', logoUrl: brandByName('Toyota').logoUrl });
    assert.equal(camry.model.id, modelOf('Toyota', 'Camry').id);
    assert.equal(camry.model.slug, 'camry');
    assert.deepEqual(camry.model.bodyType, { id: catalog.bodyTypes.find((b) => b.code === 'SEDAN')!.id, name: 'Sedan', code: 'SEDAN' });
    assert.deepEqual(Object.keys(camry.engine).sort(), ['horsepower', 'id', 'name', 'transmission', 'type']);
    assert.equal(camry.engine.type, 'petrol');
    assert.equal(camry.engine.horsepower, 203);
    assert.equal(camry.engine.transmission, 'automatic');
    assert.equal(camry.saleOptions.price, m.saleOptions.priceAmount / 100);
    assert.equal(camry.saleOptions.currency, 'USD');
    assert.equal(typeof camry.saleOptions.isNegotiable, 'boolean');
    assert.equal(typeof camry.saleOptions.financingAvailable, 'boolean');
    assert.equal(camry.rentalOptions, null);
    assert.deepEqual(Object.keys(camry.features).sort(), ['entertainment', 'exterior', 'interior', 'safety']);
    assert.deepEqual(camry.pickupDetails, m.pickupDetails);
    const photo = camry.media[0];
    assert.match(photo.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...photo, id: undefined }, { id: undefined, url: m.media[0].url, type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 1 });
    assert.equal(camry.createdDate, m.createdAt);
    const rental = res.body.data.find((v: JsonBody) => v.listingType === 'rental') ?? (await dealer.api('GET', '/external/vehicles?listingType=rental')).body.data[0];
    assert.ok(rental.rentalOptions.dailyRate > 0 && rental.saleOptions === null);
    const auction = (await dealer.api('GET', '/external/vehicles?listingType=auction')).body.data[0];
    assert.ok(auction.auctionOptions.startingBid > 0 && auction.auctionOptions.endsAt);
  });

  it('the documented filter examples: listingType=sale&limit=10 and brandId&minYear=2020&maxPrice=50000', async () => {
    const sale = await dealer.api('GET', '/external/vehicles?listingType=sale&limit=10');
    assert.equal(sale.status, 200, sale.text);
    assert.equal(sale.body.limit, 10);
    assert.equal(sale.body.total, motors.filter((m) => m.listingType === 'sale').length);
    assert.ok(sale.body.data.every((v: JsonBody) => v.listingType === 'sale'));
    const toyota = brandByName('Toyota').id;
    const filtered = await allPages(dealer.api, `/external/vehicles?brandId=${toyota}&minYear=2020&maxPrice=50000`, 7);
    const expected = motors.filter((m) => m.makeId === toyota && m.year >= 2020 && priceOf(m) <= 50000);
    assert.deepEqual(new Set(filtered.map((v) => v.id)), new Set(expected.map((m) => m.id)));
  });

  it('each filter matches a brute-force filter of the Records API data', async () => {
    const pick = (k: string) => motors.map((m) => m[k]).find(Boolean);
    const years = motors.map((m) => m.year).sort();
    const prices = motors.map(priceOf).sort((a, b) => a - b);
    const miles = motors.map((m) => m.mileage).sort((a, b) => a - b);
    const mid = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    const cases: [string, (m: JsonBody) => boolean][] = [
      ['listingType=sale', (m) => m.listingType === 'sale'],
      ['listingType=rental', (m) => m.listingType === 'rental'],
      ['listingType=auction', (m) => m.listingType === 'auction'],
      [`brandId=${pick('makeId')}`, (m) => m.makeId === pick('makeId')],
      [`modelId=${pick('modelId')}`, (m) => m.modelId === pick('modelId')],
      [`bodyTypeId=${pick('bodyTypeId')}`, (m) => m.bodyTypeId === pick('bodyTypeId')],
      [`minYear=${mid(years)}`, (m) => m.year >= mid(years)],
      [`maxYear=${mid(years)}`, (m) => m.year <= mid(years)],
      [`minPrice=${mid(prices)}`, (m) => priceOf(m) >= mid(prices)],
      [`maxPrice=${mid(prices)}`, (m) => priceOf(m) <= mid(prices)],
      [`minMileage=${mid(miles)}`, (m) => m.mileage >= mid(miles)],
      [`maxMileage=${mid(miles)}`, (m) => m.mileage <= mid(miles)],
      ['engineType=HYBRID', (m) => m.engine?.fuelType === 'HYBRID'],
      ['engineType=petrol', (m) => m.engine?.fuelType === 'PETROL'],
      ['transmission=CVT', (m) => m.transmission === 'CVT'],
      ['transmission=automatic', (m) => m.transmission === 'AUTOMATIC'],
      ['search=toyota', (m) => /toyota/i.test(`${m.make} ${m.model} ${m.trim} ${m.bodyType} ${m.exteriorColor} ${m.description}`)],
      ['search=toyota%20SEDAN', (m) => ['toyota', 'sedan'].every((w) => `${m.make} ${m.model} ${m.trim} ${m.bodyType} ${m.exteriorColor} ${m.description}`.toLowerCase().includes(w))],
      [`search=${years[0]}`, (m) => m.year === years[0] || `${m.make} ${m.model} ${m.trim} ${m.description}`.includes(String(years[0]))],
    ];
    for (const [query, predicate] of cases) {
      const got = await allPages(dealer.api, `/external/vehicles?${query}`, 7);
      const expected = motors.filter(predicate);
      assert.ok(expected.length > 0 && expected.length < motors.length, `${query} narrows the list (${expected.length})`);
      assert.deepEqual(got.map((v) => v.id).sort(), expected.map((m) => m.id).sort(), query);
    }
  });

  it('each sort, in both orders (sort/order and the sortBy/sortOrder aliases), matches a brute-force sort', async () => {
    const key: Record<string, (m: JsonBody) => (string | number)[]> = {
      createdDate: (m) => [m.createdAt],
      impressionsCount: (m) => [m.viewsCount],
      year: (m) => [m.year],
      mileage: (m) => [m.mileage],
      price: (m) => [priceOf(m)],
      name: (m) => [m.make, m.model, m.year],
    };
    // A few views first, so impressionsCount is not all ties.
    for (const [i, m] of motors.slice(0, 4).entries()) for (let k = 0; k <= i; k++) await dealer.api('GET', `/external/vehicles/${m.id}`);
    const fresh = await listedMotors(dealer.api);
    for (const [sort, fn] of Object.entries(key)) {
      for (const order of ['asc', 'desc'] as const) {
        const sign = order === 'asc' ? 1 : -1;
        const expected = [...fresh].sort((a, b) => {
          return cmpKeys([...fn(a), a.id], [...fn(b), b.id], sign);
        });
        const got = await allPages(dealer.api, `/external/vehicles?sort=${sort}&order=${order}`, 7);
        assert.deepEqual(
          got.map((v) => v.id),
          expected.map((m) => m.id),
          `${sort} ${order}`,
        );
        const alias = await allPages(dealer.api, `/external/vehicles?sortBy=${sort}&sortOrder=${order.toUpperCase()}`, 7);
        assert.deepEqual(
          alias.map((v) => v.id),
          expected.map((m) => m.id),
          `sortBy=${sort} ${order}`,
        );
      }
    }
    const byDefault = await allPages(dealer.api, '/external/vehicles', 7);
    assert.deepEqual(
      byDefault.map((v) => v.id),
      [...fresh].sort((a, b) => -cmp(a.createdAt, b.createdAt) || -cmp(a.id, b.id)).map((m) => m.id),
      'newest first by default',
    );
  });

  it('GET /external/vehicles/:id returns the vehicle and records a view per vehicle and day', async () => {
    const t = await seededDealer(server);
    const [m] = await listedMotors(t.api);
    const first = await t.api('GET', `/external/vehicles/${m.id}`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.statusCode, 200);
    assert.equal(first.body.data.id, m.id);
    assert.equal(first.body.data.name, m.name);
    assert.equal(first.body.data.impressionsCount, 1);
    const bySlug = await t.api('GET', `/external/vehicles/${m.slug}`);
    assert.equal(bySlug.body.data.id, m.id);
    assert.equal(bySlug.body.data.impressionsCount, 2);
    const rows = await server.app.database.db
      .select()
      .from(vehicleViews)
      .where(and(eq(vehicleViews.tenantId, t.tenantId), eq(vehicleViews.motorId, m.id)));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].count, 2);
    assert.equal(rows[0].day, new Date().toISOString().slice(0, 10));
    const after = (await t.api('GET', `/api/public/v1/motors/${m.id}`)).body.data;
    assert.equal(after.viewsCount, 2);
    assert.equal(after.updatedAt, m.updatedAt, 'a view is not a change');
    const popular = await t.api('GET', '/external/vehicles?sort=impressionsCount&limit=1');
    assert.equal(popular.body.data[0].id, m.id);

    // Concurrent views are all counted, still in one row for the day.
    const results = await Promise.all(Array.from({ length: 8 }, () => t.api('GET', `/external/vehicles/${m.id}`)));
    assert.deepEqual(
      results.map((r) => r.status),
      Array(8).fill(200),
    );
    const [row] = await server.app.database.db
      .select()
      .from(vehicleViews)
      .where(and(eq(vehicleViews.tenantId, t.tenantId), eq(vehicleViews.motorId, m.id)));
    assert.equal(row.count, 10);
    assert.equal((await t.api('GET', `/api/public/v1/motors/${m.id}`)).body.data.viewsCount, 10);
  });

  it("a motor that is not an active listing, another dealer's or the other environment's is a 404", async () => {
    const all = (await dealer.api('GET', '/api/public/v1/motors?limit=200')).body.data as JsonBody[];
    const draft = all.find((m) => !m.isListed);
    assertStorefrontError(await dealer.api('GET', `/external/vehicles/${draft.id}`), 404);
    const other = await seededDealer(server);
    const theirs = (await listedMotors(other.api))[0];
    assertStorefrontError(await dealer.api('GET', `/external/vehicles/${theirs.id}`), 404);
    const { key: liveKey } = await server.key(dealer.tenantId, { env: 'live' });
    assertStorefrontError(await client(server.url, { 'x-api-key': liveKey })('GET', `/external/vehicles/${motors[0].id}`), 404);
    assertStorefrontError(await dealer.api('GET', '/external/vehicles/not-a-vehicle'), 404);
    // A search is one prepared statement per shape, tenant and environment its placeholders: the
    // same search from each dealer and environment finds only its own listings.
    const ids = async (api: typeof dealer.api) => ((await api('GET', '/external/vehicles?minYear=1900&limit=100')).body.data as JsonBody[]).map((v) => v.id);
    const [ours, theirsFound, live] = [await ids(dealer.api), await ids(other.api), await ids(client(server.url, { 'x-api-key': liveKey }))];
    assert.ok(ours.length > 0 && theirsFound.length > 0);
    assert.ok(!ours.some((id) => theirsFound.includes(id)), "a dealer's search finds none of another dealer's listings");
    assert.ok(theirsFound.includes(theirs.id) && !ours.includes(theirs.id));
    assert.ok(!live.some((id) => ours.includes(id)), "the live environment's search finds none of the test environment's listings");
    // Pausing a listing takes it off the storefront.
    const paused = await other.api('PUT', `/api/public/v1/motors/${theirs.id}`, { listingStatus: 'paused' });
    assert.equal(paused.status, 200, paused.text);
    assertStorefrontError(await other.api('GET', `/external/vehicles/${theirs.id}`), 404);
  });

  it('GET /external/vehicles/stats/summary (documented example) matches a brute-force count', async () => {
    const t = await seededDealer(server);
    const viewed = await listedMotors(t.api);
    for (const m of viewed.slice(0, 3)) await t.api('GET', `/external/vehicles/${m.id}`);
    await t.api('GET', `/external/vehicles/${viewed[0].id}`);
    const ms = await listedMotors(t.api);
    const res = await t.api('GET', '/external/vehicles/stats/summary');
    assert.equal(res.status, 200, res.text);
    const count = (key: (m: JsonBody) => string) => ms.reduce<Record<string, number>>((acc, m) => ({ ...acc, [key(m)]: (acc[key(m)] ?? 0) + 1 }), {});
    const bodyName = new Map(catalog.bodyTypes.map((b) => [b.id, b.name]));
    const brandName = new Map(catalog.brands.map((b) => [b.id, b.name]));
    assert.deepEqual(res.body.data, {
      totalVehicles: ms.length,
      availableVehicles: ms.filter((m) => m.status === 'in_stock').length,
      byListingType: { sale: 0, rental: 0, auction: 0, ...count((m) => m.listingType) },
      byBodyType: count((m) => bodyName.get(m.bodyTypeId) ?? m.bodyType),
      byBrand: count((m) => brandName.get(m.makeId) ?? m.make),
      totalViews: ms.reduce((sum, m) => sum + m.viewsCount, 0),
      viewsLast30Days: 4,
    });
    assert.equal(res.body.data.totalViews, 4);
    assert.ok(res.body.data.availableVehicles < res.body.data.totalVehicles, 'the demo has a reserved listing');
    assert.ok(Object.keys(res.body.data.byBrand).length >= 5);
    assert.ok(res.body.data.byBodyType.Sedan > 0 && res.body.data.byBodyType.SUV > 0);
  });

  it('every demo motor is linked to a real catalog brand, model and body type', async () => {
    const everyMotor = (await dealer.api('GET', '/api/public/v1/motors?limit=200')).body.data as JsonBody[];
    for (const m of everyMotor) {
      const brand = catalog.brands.find((b) => b.id === m.makeId);
      const model = catalog.models.find((x) => x.id === m.modelId);
      assert.equal(brand?.name, m.make, `${m.make} ${m.model}`);
      assert.equal(model?.name, m.model, `${m.make} ${m.model}`);
      assert.equal(model?.brandId, brand?.id);
      assert.ok(
        catalog.bodyTypes.some((b) => b.id === m.bodyTypeId),
        `${m.make} ${m.model} body type`,
      );
    }
    assert.ok(
      everyMotor.some((m) => m.trimId),
      'trims resolved where the catalog has them',
    );
  });

  it("brands' vehicleCounts are the dealer's own active listings by type", async () => {
    const toyota = brandByName('Toyota').id;
    const res = await dealer.api('GET', `/external/brands/${toyota}`);
    assert.equal(res.status, 200, res.text);
    const mine = motors.filter((m) => m.makeId === toyota);
    const by = (type: string) => mine.filter((m) => m.listingType === type).length;
    assert.deepEqual(res.body.data.vehicleCounts, { sale: by('sale'), rental: by('rental'), auction: by('auction'), total: mine.length });
    assert.ok(mine.length > 0);
    const stranger = await server.tenant();
    const theirs = await client(server.url, { 'x-api-key': stranger.key })('GET', `/external/brands/${toyota}`);
    assert.deepEqual(theirs.body.data.vehicleCounts, { sale: 0, rental: 0, auction: 0, total: 0 });
  });

  it('missing or invalid keys and missing scopes are refused in the storefront error shape; bad queries are 400s naming the parameter', async () => {
    const anonymous = client(server.url);
    assertStorefrontError(await anonymous('GET', '/external/vehicles'), 401);
    assertStorefrontError(await client(server.url, { 'x-api-key': 'motors_sk_test_nope' })('GET', '/external/vehicles'), 401);
    const { key } = await server.key(dealer.tenantId, { scopes: ['catalog:read'] });
    const res = await client(server.url, { 'x-api-key': key })('GET', '/external/vehicles/stats/summary');
    assertStorefrontError(res, 403);
    assert.match(res.body.error, /vehicles:read/);
    for (const [query, field] of [
      ['limit=101', 'limit'],
      ['listingType=lease', 'listingType'],
      ['sort=colour', 'sort'],
      ['order=up', 'order'],
      ['minYear=abc', 'minYear'],
      ['engineType=steam', 'engineType'],
      ['colour=red', 'colour'],
    ]) {
      const bad = await dealer.api('GET', `/external/vehicles?${query}`);
      assertStorefrontError(bad, 400);
      assert.match(bad.body.error, new RegExp(field), query);
    }
  });

  describe('motors linked to the catalog', () => {
    it("make and model text resolve to catalog ids (case- and accent-insensitive), with the model's body type", async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const cases: [Record<string, unknown>, string, string][] = [
        [{ make: 'TOYOTA', model: 'camry' }, 'Toyota', 'Camry'],
        [{ make: 'mercedes benz', model: 'C Class', bodyType: 'sedan' }, 'Mercedes-Benz', 'C-Class'],
        [{ make: 'Skoda', model: 'Octavia' }, 'Škoda', 'Octavia'],
      ];
      for (const [input, brand, model] of cases) {
        const res = await api('POST', '/api/public/v1/motors', { ...input, year: 2021 });
        assert.equal(res.status, 201, res.text);
        const b = catalog.brands.find((x) => x.name === brand)!;
        assert.equal(res.body.data.makeId, b.id, brand);
        const m = catalog.models.find((x) => x.brandId === b.id && x.name === model);
        if (m) {
          assert.equal(res.body.data.modelId, m.id, model);
          assert.equal(res.body.data.bodyTypeId, m.bodyTypeId ?? catalog.bodyTypes.find((x) => x.code === 'SEDAN')!.id);
        }
      }
      const unknown = await api('POST', '/api/public/v1/motors', { make: 'Homebuilt', model: 'Special' });
      assert.equal(unknown.status, 201, unknown.text);
      assert.equal(unknown.body.data.makeId, null);
      assert.equal(unknown.body.data.modelId, null);

      // Renaming the model relinks it; changing other fields leaves the links alone.
      const camry = (await api('POST', '/api/public/v1/motors', { make: 'Toyota', model: 'Camry', trim: 'XLE', year: 2022 })).body.data;
      assert.ok(camry.trimId, "trim resolved among the model's trims");
      const renamed = await api('PUT', `/api/public/v1/motors/${camry.id}`, { model: 'Corolla' });
      assert.equal(renamed.body.data.modelId, modelOf('Toyota', 'Corolla').id);
      const mileage = await api('PUT', `/api/public/v1/motors/${camry.id}`, { mileage: 1000 });
      assert.equal(mileage.body.data.modelId, modelOf('Toyota', 'Corolla').id);
    });

    it('catalog ids sent are checked: an unknown one, or a model of another brand, is a 400 naming the field', async () => {
      const t = await server.tenant();
      const api = client(server.url, { 'x-api-key': t.key });
      const honda = brandByName('Honda').id;
      const camry = modelOf('Toyota', 'Camry').id;
      const ok = await api('POST', '/api/public/v1/motors', { make: 'Toyota', model: 'Camry', makeId: brandByName('Toyota').id, modelId: camry });
      assert.equal(ok.status, 201, ok.text);
      const byModelOnly = await api('POST', '/api/public/v1/motors', { make: 'Toyota', model: 'Camry', modelId: camry });
      assert.equal(byModelOnly.body.data.makeId, brandByName('Toyota').id, 'the brand follows from the model');
      for (const [body, field] of [
        [{ make: 'X', model: 'Y', makeId: '00000000-0000-0000-0000-000000000000' }, 'makeId'],
        [{ make: 'X', model: 'Y', modelId: 'nope' }, 'modelId'],
        [{ make: 'Honda', model: 'Camry', makeId: honda, modelId: camry }, 'modelId'],
        [{ make: 'X', model: 'Y', bodyTypeId: 'nope' }, 'bodyTypeId'],
        [{ make: 'X', model: 'Y', trimId: 'nope' }, 'trimId'],
      ] as const) {
        const res = await api('POST', '/api/public/v1/motors', body);
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.error.details[0].field, field);
      }
      // Another dealer's own brand is not in this dealer's catalog.
      const other = await server.tenant();
      const own = await addBrand(systemCtx(server, other.tenantId), { name: 'Private Coachworks' });
      const res = await api('POST', '/api/public/v1/motors', { make: 'Private Coachworks', model: 'Y', makeId: own.id });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.details[0].field, 'makeId');
      const byName = await api('POST', '/api/public/v1/motors', { make: 'Private Coachworks', model: 'Y' });
      assert.equal(byName.body.data.makeId, null, "another dealer's brand is not matched by name either");
    });
  });
});
