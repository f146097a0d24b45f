import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, type TestServer } from './helpers.ts';
import { addBrand, addModel, addTrim } from '../src/core/catalog-entries.ts';
import { loadCatalog, readCatalogFile } from '../src/core/catalog-load.ts';
import { assertStorefrontError, cmp } from './storefront-setup.ts';
import { systemCtx } from './system-ctx.ts';
import { AppError } from '../src/core/errors.ts';

const data = readCatalogFile();
const brandSlug = new Map(data.brands.map((b) => [b.id, b.slug]));
const sortedBrands = [...data.brands].sort((a, b) => cmp(a.slug, b.slug) || cmp(a.id, b.id));
const sortedModels = [...data.models].sort((a, b) => cmp(brandSlug.get(a.brandId)!, brandSlug.get(b.brandId)!) || cmp(a.slug, b.slug) || cmp(a.id, b.id));
const toyota = data.brands.find((b) => b.name === 'Toyota')!;
const camry = data.models.find((m) => m.brandId === toyota.id && m.name === 'Camry')!;

describe('Storefront vehicle catalog', () => {
  let server: TestServer;
  let request: ReturnType<typeof client>;
  before(async () => {
    server = await sharedServer();
    const { key } = await server.tenant({ scopes: ['catalog:read'] });
    request = client(server.url, { 'x-api-key': key });
  });
  after(async () => server?.close());

  describe('the import', () => {
    it('holds the light-vehicle catalog of vPIC: about 240 makes and 1,900 models, most with a body type', () => {
      const vpicBrands = data.brands.filter((b) => b.source === 'vpic');
      const vpicModels = data.models.filter((m) => m.source === 'vpic');
      assert.ok(vpicBrands.length >= 220 && vpicBrands.length <= 280, `${vpicBrands.length} vPIC makes`);
      assert.ok(vpicModels.length >= 1800 && vpicModels.length <= 2200, `${vpicModels.length} vPIC models`);
      assert.ok(vpicModels.filter((m) => m.bodyTypeId).length / vpicModels.length > 0.95, 'body type coverage');
      assert.deepEqual(data.figures.vpicBrands, vpicBrands.length);
      for (const name of ['Škoda', 'SEAT', 'Dacia', 'MG', 'Cupra', 'Lada'])
        assert.ok(
          data.brands.some((b) => b.name === name && b.source === 'curated'),
          name,
        );
      assert.equal(new Set(data.brands.map((b) => b.id)).size, data.brands.length, 'brand ids are unique');
      assert.equal(new Set(data.models.map((m) => m.id)).size, data.models.length, 'model ids are unique');
      assert.equal(new Set(data.brands.map((b) => b.slug)).size, data.brands.length, 'brand slugs are unique');
    });

    it("loads once per version: a second start does nothing, a new version replaces the global rows and keeps dealers' own", async () => {
      const db = server.app.database.db;
      const again = await loadCatalog(db);
      assert.equal(again.loaded, false);
      const { tenantId } = await server.tenant();
      const own = await addBrand(systemCtx(server, tenantId), { name: 'Reload Survivor Motors' });
      const reloaded = await loadCatalog(db, { ...data, version: 'test-reload' });
      assert.equal(reloaded.loaded, true);
      assert.ok(reloaded.ms < 5000);
      await loadCatalog(db, data);
      const { key } = await server.key(tenantId);
      const res = await client(server.url, { 'x-api-key': key })('GET', `/external/brands/${own.id}`);
      assert.equal(res.status, 200);
      const all = await request('GET', '/external/brands?limit=1');
      assert.equal(all.body.total, data.brands.length);
    });
  });

  describe('documented examples', () => {
    it('GET /external/brands returns brands with models, country, logo and vehicle counts, 50 a page', async () => {
      const res = await request('GET', '/external/brands');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.statusCode, 200);
      assert.equal(res.body.message, 'data has been received');
      assert.equal(res.body.page, 1);
      assert.equal(res.body.limit, 50);
      assert.equal(res.body.total, data.brands.length);
      assert.equal(res.body.totalPages, Math.ceil(data.brands.length / 50));
      assert.equal(res.body.data.length, 50);
      for (const b of res.body.data) {
        for (const f of ['id', 'name', 'slug', 'logoUrl', 'countryOfOrigin', 'models', 'vehicleCounts']) assert.ok(f in b, `${f} in ${JSON.stringify(b)}`);
        assert.deepEqual(Object.keys(b.vehicleCounts).sort(), ['auction', 'rental', 'sale', 'total']);
        for (const m of b.models) assert.deepEqual(Object.keys(m).sort(), ['id', 'name', 'slug']);
        assert.deepEqual(
          b.models.map((m: { id: string }) => m.id),
          data.models
            .filter((m) => m.brandId === b.id)
            .sort((x, y) => cmp(x.slug, y.slug) || cmp(x.id, y.id))
            .map((m) => m.id),
        );
      }
    });

    it('GET /external/brands/:id returns Toyota, from Japan, with a Camry', async () => {
      const res = await request('GET', `/external/brands/${toyota.id}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.statusCode, 200);
      assert.equal(res.body.data.name, 'Toyota');
      assert.equal(res.body.data.slug, 'toyota');
      assert.equal(res.body.data.countryOfOrigin, 'Japan');
      assert.ok('logoUrl' in res.body.data);
      assert.ok(res.body.data.models.some((m: { name: string; slug: string }) => m.name === 'Camry' && m.slug === 'camry'));
    });

    it('GET /external/brands/:brandId/models lists every model of the brand with its body type; the Camry is a Sedan', async () => {
      const res = await request('GET', `/external/brands/${toyota.id}/models`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.statusCode, 200);
      const expected = data.models.filter((m) => m.brandId === toyota.id).sort((a, b) => cmp(a.slug, b.slug) || cmp(a.id, b.id));
      assert.deepEqual(
        res.body.data.map((m: { id: string }) => m.id),
        expected.map((m) => m.id),
      );
      const c = res.body.data.find((m: { name: string }) => m.name === 'Camry');
      assert.equal(c.slug, 'camry');
      assert.equal(c.bodyType.name, 'Sedan');
      assert.equal(typeof c.bodyType.id, 'string');
      const bySlug = Object.fromEntries(res.body.data.map((m: { slug: string; bodyType: { code: string } | null }) => [m.slug, m.bodyType?.code]));
      assert.equal(bySlug['rav4'], 'SUV');
      assert.equal(bySlug['tacoma'], 'PICKUP');
      assert.equal(bySlug['sienna'], 'MINIVAN');
    });

    it('GET /external/models returns models with brand and body type and a total; GET /external/models/:id one of them', async () => {
      const res = await request('GET', '/external/models');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.statusCode, 200);
      assert.equal(res.body.total, data.models.length);
      assert.equal(res.body.data.length, 50);
      for (const m of res.body.data) {
        for (const f of ['id', 'name', 'slug', 'brand', 'bodyType']) assert.ok(f in m, f);
        assert.deepEqual(Object.keys(m.brand).sort(), ['id', 'name']);
      }
      const one = await request('GET', `/external/models/${camry.id}`);
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(
        { id: one.body.data.id, name: one.body.data.name, slug: one.body.data.slug, brand: one.body.data.brand, bodyType: one.body.data.bodyType.name },
        { id: camry.id, name: 'Camry', slug: 'camry', brand: { id: toyota.id, name: 'Toyota' }, bodyType: 'Sedan' },
      );
    });

    it('GET /external/body-types and /body-types/:id return name, code, description and iconUrl', async () => {
      const res = await request('GET', '/external/body-types');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.total, data.bodyTypes.length);
      for (const b of res.body.data) assert.deepEqual(Object.keys(b).sort(), ['code', 'description', 'iconUrl', 'id', 'name']);
      const codes = res.body.data.map((b: { code: string }) => b.code);
      for (const code of ['SEDAN', 'SUV', 'HATCHBACK', 'COUPE', 'CONVERTIBLE', 'WAGON', 'PICKUP', 'VAN', 'MINIVAN', 'TRUCK']) assert.ok(codes.includes(code), code);
      const sedan = res.body.data.find((b: { code: string }) => b.code === 'SEDAN');
      const one = await request('GET', `/external/body-types/${sedan.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.data, sedan);
      assert.equal(one.body.data.name, 'Sedan');
    });

    it('GET /external/engines and /engines/:id return name, type, displacement, horsepower and transmission', async () => {
      const res = await request('GET', '/external/engines');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.length, data.engines.length);
      for (const e of res.body.data) for (const f of ['id', 'name', 'type', 'displacement', 'horsepower', 'transmission']) assert.ok(f in e, f);
      const a25 = res.body.data.find((e: { code: string }) => e.code === 'A25A-FKS');
      assert.deepEqual(
        { type: a25.type, displacement: a25.displacement, horsepower: a25.horsepower, transmission: a25.transmission },
        { type: 'petrol', displacement: '2.5', horsepower: 203, transmission: 'automatic' },
      );
      const one = await request('GET', `/external/engines/${a25.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.data, a25);
      const hybrids = await request('GET', '/external/engines?type=hybrid');
      assert.ok(hybrids.body.data.length > 0 && hybrids.body.data.every((e: { type: string }) => e.type === 'hybrid'));
      // Every documented engine type has real engines behind it.
      for (const type of ['petrol', 'diesel', 'electric', 'hybrid', 'plugin_hybrid']) {
        const some = await request('GET', `/external/engines?type=${type}`);
        assert.ok(some.body.total > 0, type);
      }
    });

    it('the enum endpoints return exactly the documented values', async () => {
      const expected = {
        '/external/engine-types': ['PETROL', 'DIESEL', 'ELECTRIC', 'HYBRID', 'PLUGIN_HYBRID'],
        '/external/transmission-types': ['MANUAL', 'AUTOMATIC', 'CVT', 'DCT', 'SEMI_AUTOMATIC'],
        '/external/drivetrain-types': ['FWD', 'RWD', 'AWD', '4WD'],
      };
      for (const [path, values] of Object.entries(expected)) {
        const res = await request('GET', path);
        assert.equal(res.status, 200, path);
        assert.deepEqual(res.body, { statusCode: 200, data: values });
      }
    });

    it('GET /external/generations and /generations/:id: the Camry XV70 from 2018', async () => {
      const res = await request('GET', '/external/generations');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.total, data.generations.length);
      assert.equal(res.body.limit, 50);
      for (const g of res.body.data) for (const f of ['id', 'name', 'slug', 'model', 'startYear', 'endYear']) assert.ok(f in g, f);
      const xv70 = res.body.data.find((g: { name: string; model: { name: string } }) => g.name === 'XV70' && g.model.name === 'Camry');
      assert.deepEqual({ slug: xv70.slug, startYear: xv70.startYear, model: xv70.model }, { slug: 'xv70', startYear: 2018, model: { id: camry.id, name: 'Camry' } });
      const one = await request('GET', `/external/generations/${xv70.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.data, xv70);
      const ofCamry = await request('GET', `/external/generations?modelId=${camry.id}`);
      assert.deepEqual(
        ofCamry.body.data.map((g: { name: string }) => g.name),
        ['XV50', 'XV70', 'XV80'],
      );
    });

    it('GET /external/trims and /trims/:id: the Camry XLE', async () => {
      const res = await request('GET', `/external/trims?modelId=${camry.id}`);
      assert.equal(res.status, 200, res.text);
      for (const t of res.body.data) for (const f of ['id', 'name', 'slug', 'model']) assert.ok(f in t, f);
      const xle = res.body.data.find((t: { name: string; generation: { name: string } }) => t.name === 'XLE' && t.generation.name === 'XV70');
      assert.equal(xle.slug, 'xle');
      assert.deepEqual(xle.model, { id: camry.id, name: 'Camry' });
      assert.ok(xle.engines.some((e: { name: string }) => e.name.includes('A25A-FKS')));
      const one = await request('GET', `/external/trims/${xle.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.data, xle);
      const all = await request('GET', '/external/trims');
      assert.equal(all.body.total, data.trims.length);
    });
  });

  describe('pagination and filters against the data file', () => {
    it('pages through every brand in slug order without gaps or repeats', async () => {
      const seen: string[] = [];
      for (let page = 1; ; page++) {
        const res = await request('GET', `/external/brands?page=${page}&limit=37`);
        assert.equal(res.status, 200);
        assert.equal(res.body.totalPages, Math.ceil(data.brands.length / 37));
        if (!res.body.data.length) break;
        seen.push(...res.body.data.map((b: { id: string }) => b.id));
      }
      assert.deepEqual(
        seen,
        sortedBrands.map((b) => b.id),
      );
    });

    it('pages through every model by brand and model slug, and brandId filters exactly', async () => {
      const seen: string[] = [];
      for (let page = 1; ; page++) {
        const res = await request('GET', `/external/models?page=${page}&limit=500`);
        assert.equal(res.status, 200);
        if (!res.body.data.length) break;
        seen.push(...res.body.data.map((m: { id: string }) => m.id));
      }
      assert.deepEqual(
        seen,
        sortedModels.map((m) => m.id),
      );
      for (const b of [toyota, ...data.brands.filter((x) => x.name === 'Ford' || x.name === 'Škoda')]) {
        const res = await request('GET', `/external/models?brandId=${b.id}&limit=500`);
        const expected = sortedModels.filter((m) => m.brandId === b.id);
        assert.equal(res.body.total, expected.length);
        assert.deepEqual(
          res.body.data.map((m: { id: string }) => m.id),
          expected.map((m) => m.id),
        );
        assert.ok(res.body.data.every((m: { brand: { id: string; name: string } }) => m.brand.id === b.id && m.brand.name === b.name));
      }
    });

    it('refuses a limit over the maximum and an unknown query parameter with 400', async () => {
      assertStorefrontError(await request('GET', '/external/brands?limit=501'), 400, 'validation_failed');
      assertStorefrontError(await request('GET', '/external/brands?colour=red'), 400, 'validation_failed');
    });
  });

  describe('errors', () => {
    it('answers an unknown id with 404 in the storefront shape on every single-item route', async () => {
      for (const path of ['/brands/nope', '/brands/nope/models', '/models/nope', '/body-types/nope', '/engines/nope', '/generations/nope', '/trims/nope', `/brands/${camry.id}`]) {
        assertStorefrontError(await request('GET', '/external' + path), 404, 'not_found');
      }
    });

    it('refuses a missing key with 401 and a key without catalog:read with 403 naming it', async () => {
      assertStorefrontError(await client(server.url)('GET', '/external/brands'), 401, 'unauthorized');
      const { key } = await server.tenant({ scopes: ['customers:read'] });
      const res = await client(server.url, { 'x-api-key': key })('GET', '/external/body-types');
      assertStorefrontError(res, 403, 'insufficient_scope');
      assert.match(res.body.error, /catalog:read/);
    });
  });

  describe("a dealer's own brands, models and trims", () => {
    it('are seen by that dealer in that environment only', async () => {
      const a = await server.tenant();
      const b = await server.tenant();
      const ctx = systemCtx(server, a.tenantId);
      const brand = await addBrand(ctx, { name: 'Atelier Tourer', countryOfOrigin: 'France' });
      const sedan = data.bodyTypes.find((t) => t.code === 'SEDAN')!;
      const model = await addModel(ctx, { brandId: brand.id, name: 'Grand Tourer', bodyTypeId: sedan.id, startYear: 2024 });
      const trim = await addTrim(ctx, { modelId: camry.id, name: 'Dealer Special', engineIds: [data.engines[0].id], drivetrains: ['FWD'] });
      const asA = client(server.url, { 'x-api-key': a.key });
      const asB = client(server.url, { 'x-api-key': b.key });
      const live = client(server.url, { 'x-api-key': (await server.key(a.tenantId, { env: 'live' })).key });

      const got = await asA('GET', `/external/brands/${brand.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.data.models, [{ id: model.id, name: 'Grand Tourer', slug: 'grand-tourer' }]);
      assert.equal((await asA('GET', '/external/brands?limit=1')).body.total, data.brands.length + 1);
      assert.equal((await asA('GET', `/external/models/${model.id}`)).body.data.bodyType.name, 'Sedan');
      assert.equal((await asA('GET', `/external/trims/${trim.id}`)).body.data.name, 'Dealer Special');
      for (const other of [asB, live]) {
        assertStorefrontError(await other('GET', `/external/brands/${brand.id}`), 404, 'not_found');
        assertStorefrontError(await other('GET', `/external/models/${model.id}`), 404, 'not_found');
        assertStorefrontError(await other('GET', `/external/trims/${trim.id}`), 404, 'not_found');
        assert.equal((await other('GET', '/external/brands?limit=1')).body.total, data.brands.length);
      }
    });

    it('refuse a reference to a brand of another dealer (400 naming brandId) and a duplicate name (409)', async () => {
      const a = await server.tenant();
      const b = await server.tenant();
      const theirs = await addBrand(systemCtx(server, b.tenantId), { name: 'Private Coachworks' });
      await assert.rejects(addModel(systemCtx(server, a.tenantId), { brandId: theirs.id, name: 'X' }), (err: AppError) => err.status === 400 && err.fields?.[0].field === 'brandId');
      await assert.rejects(addBrand(systemCtx(server, a.tenantId), { name: 'toyota' }), (err: AppError) => err.status === 409);
      await assert.rejects(addModel(systemCtx(server, a.tenantId), { brandId: toyota.id, name: 'Camry' }), (err: AppError) => err.status === 409);
      await assert.rejects(addBrand(systemCtx(server, a.tenantId), { name: '  ' }), (err: AppError) => err.status === 400 && err.message.startsWith('name'));
    });
  });
});
