import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { client, sharedServer, type TestServer, type JsonBody } from './helpers.ts';
import { newCaller, otherEnvironment, type Caller } from './openapi-tools.ts';
import { seedDemo } from '../src/core/demo.ts';
import { createIntakeToken } from '../src/core/intake-tokens.ts';
import { hasValidCheckDigit, withCheckDigit } from '../src/core/vin.ts';
import { newId } from '../src/core/ids.ts';
import { motors } from '../src/storage/schema/index.ts';
import type { Ctx } from '../src/core/context.ts';

// Inventory feeds through the real server: GET /feeds/<token>/… as Google and Meta fetch them,
// checked against the specifications' own required-field lists (docs/feeds.md), written out here
// rather than taken from the code so that a column the code forgets fails the test.

type Row = Record<string, string>;

// Google Vehicle Listings feed specification: Required (vin, store_code, dealership_name,
// dealership_address, price, condition, make, model, year; mileage for used vehicles), plus what we
// require of every row beyond that: image_link and link (recommended by Google, required for ads).
const googleRequired = ['vin', 'store_code', 'dealership_name', 'dealership_address', 'price', 'condition', 'make', 'model', 'year', 'image_link', 'link'];
// Meta automotive inventory catalog: the fields marked Required.
const metaRequired = [
  'vehicle_id',
  'vin',
  'title',
  'description',
  'url',
  'make',
  'model',
  'year',
  'mileage.value',
  'mileage.unit',
  'image[0].url',
  'body_style',
  'exterior_color',
  'price',
  'state_of_vehicle',
  'address.addr1',
  'address.city',
  'address.region',
  'address.postal_code',
  'address.country',
];

/** Every way a row breaks its specification: empty required columns and malformed values. */
function googleProblems(row: Row): string[] {
  const out = googleRequired.filter((c) => !row[c]?.trim()).map((c) => `${c} is empty`);
  if (row.condition === 'used' && !row.mileage) out.push('mileage is empty on a used vehicle');
  if (row.vin && !hasValidCheckDigit(row.vin)) out.push(`vin ${row.vin} fails its check digit`);
  if (row.price && !/^\d+(\.\d{2})? [A-Z]{3}$/.test(row.price)) out.push(`price ${row.price}`);
  if (row.condition && !['new', 'used'].includes(row.condition)) out.push(`condition ${row.condition}`);
  if (row.year && !/^\d{4}$/.test(row.year)) out.push(`year ${row.year}`);
  if (row.mileage && !/^\d+ (miles|km)$/.test(row.mileage)) out.push(`mileage ${row.mileage}`);
  for (const link of [row.image_link, row.link]) if (link && !/^https?:\/\//.test(link)) out.push(`url ${link}`);
  return out;
}
function metaProblems(row: Row): string[] {
  const out = metaRequired.filter((c) => !row[c]?.trim()).map((c) => `${c} is empty`);
  if (row.vin && row.vin.length !== 17) out.push(`vin ${row.vin} is not 17 characters`);
  if (row.price && !/^\d+(\.\d{2})? [A-Z]{3}$/.test(row.price)) out.push(`price ${row.price}`);
  if (row.state_of_vehicle && !['NEW', 'USED', 'CPO'].includes(row.state_of_vehicle)) out.push(`state_of_vehicle ${row.state_of_vehicle}`);
  if (row.body_style && !['CONVERTIBLE', 'COUPE', 'HATCHBACK', 'MINIVAN', 'TRUCK', 'SUV', 'SEDAN', 'VAN', 'WAGON', 'CROSSOVER', 'OTHER'].includes(row.body_style))
    out.push(`body_style ${row.body_style}`);
  if (row['mileage.unit'] && !['MI', 'KM'].includes(row['mileage.unit'])) out.push(`mileage.unit ${row['mileage.unit']}`);
  if (row['mileage.value'] && !/^\d+$/.test(row['mileage.value'])) out.push(`mileage.value ${row['mileage.value']}`);
  if ((row.description ?? '').length > 5000) out.push('description over 5000 characters');
  return out;
}

// Google's TSV has no quoting: a header line, then one line per vehicle, cells split at tabs.
function parseTsv(text: string): Row[] {
  const [header, ...lines] = text.split('\n').filter((l) => l !== '');
  const names = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    assert.equal(cells.length, names.length, `a row has ${cells.length} cells for ${names.length} columns: ${line.slice(0, 200)}`);
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}
const parseCsv = (text: string): Row[] => parse(text, { columns: true, skip_empty_lines: true });

describe('inventory feeds for Google Vehicle Listings and Meta', () => {
  let server: TestServer;
  let owner: Caller;
  let manage: ReturnType<typeof client>;
  let feeds: { google: string; meta: string; id: string };

  const seed = (c: Caller) =>
    server.app.database.db.transaction((tx) => seedDemo({ tenantId: c.tenantId, environment: c.env, scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: tx } satisfies Ctx));
  async function newFeed(c: Caller) {
    const res = await client(server.url, c.headers('manage'))('POST', '/manage/v1/feed-tokens', { name: 'Merchant Center' });
    assert.equal(res.status, 201, res.text);
    return { google: res.body.data.googleVehicleListingsUrl as string, meta: res.body.data.metaAutomotiveUrl as string, id: res.body.data.id as string };
  }
  const fetchFeed = (path: string, headers: Record<string, string> = {}) => client(server.url)('GET', path, undefined, headers);

  before(async () => {
    server = await sharedServer();
    owner = await newCaller(server);
    manage = client(server.url, owner.headers('manage'));
    await seed(owner);
    feeds = await newFeed(owner);
  });
  after(async () => server?.close());

  it("emits the demo inventory's vehicles for sale with every column both specifications require, formatted as they say", async () => {
    const google = await fetchFeed(feeds.google);
    assert.equal(google.status, 200, google.text);
    assert.match(google.headers.get('content-type')!, /^text\/tab-separated-values/);
    const meta = await fetchFeed(feeds.meta);
    assert.equal(meta.status, 200, meta.text);
    assert.match(meta.headers.get('content-type')!, /^text\/csv/);
    const googleRows = parseTsv(google.text);
    const metaRows = parseCsv(meta.text);

    const report = (await manage('GET', '/manage/v1/feeds/report')).body.data;
    const sale = (await client(server.url, owner.headers('records'))('GET', '/api/public/v1/motors?limit=200')).body.data.filter((m: JsonBody) => m.isListed && m.listingType === 'sale');
    assert.ok(sale.length >= 8, `the demo lists ${sale.length} vehicles for sale`);
    assert.equal(googleRows.length, sale.length, 'every demo vehicle for sale is in the Google feed');
    assert.equal(metaRows.length, sale.length, 'and in the Meta feed');
    assert.deepEqual(new Set(metaRows.map((r) => r.vehicle_id)), new Set(sale.map((m: JsonBody) => m.id)));

    for (const row of googleRows) assert.deepEqual(googleProblems(row), [], `Google row ${row.vin}`);
    for (const row of metaRows) assert.deepEqual(metaProblems(row), [], `Meta row ${row.vin}`);
    assert.ok(
      googleRows.some((r) => r.condition === 'used' && r.mileage),
      'used vehicles carry their mileage',
    );
    const camry = metaRows.find((r) => r.make === 'Toyota' && r.model === 'Camry');
    if (camry) assert.equal(camry.body_style, 'SEDAN');
    assert.equal(googleRows[0].dealership_address, '2200 Auto Mall Dr, Fremont, CA 94538, US');

    // The rentals and auctions of the demo are listed too, and the report says why they are out.
    for (const feed of report.feeds) {
      assert.equal(feed.included, sale.length, feed.feed);
      assert.ok(feed.leftOut.length > 0 && feed.leftOut.every((v: JsonBody) => v.problems.some((p: JsonBody) => p.field === 'listingType')), `${feed.feed}: ${JSON.stringify(feed.leftOut[0])}`);
    }
  });

  it('catches a row that breaks the specifications (the check itself can fail)', () => {
    const good = parseTsv(
      'vin\tstore_code\tdealership_name\tdealership_address\tprice\tcondition\tmake\tmodel\tyear\tmileage\timage_link\tlink\n1HGCM82633A004352\tS1\tD\tA\t100.00 USD\tused\tHonda\tAccord\t2003\t5 miles\thttps://x/p.jpg\thttps://x/v\n',
    );
    assert.deepEqual(googleProblems(good[0]), []);
    assert.deepEqual(googleProblems({ ...good[0], store_code: '', mileage: '', vin: '1HGCM82633A004353' }), [
      'store_code is empty',
      'mileage is empty on a used vehicle',
      'vin 1HGCM82633A004353 fails its check digit',
    ]);
    assert.ok(metaProblems({ vehicle_id: 'x' }).includes('exterior_color is empty'));
  });

  it('leaves out a VIN that fails its check digit and a VIN listed twice, and names them in the report', async () => {
    const c = await newCaller(server);
    await seed(c);
    const records = client(server.url, c.headers('records'));
    const base = {
      make: 'Honda',
      model: 'Accord',
      year: 2003,
      bodyType: 'Sedan',
      exteriorColor: 'Silver',
      mileage: 120000,
      mileageUnit: 'mi',
      condition: 'used',
      listingType: 'sale',
      listingStatus: 'active',
      saleOptions: { priceAmount: 450000, currency: 'USD' },
      media: [{ url: 'https://example.com/a.jpg', type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 1 }],
    };
    const bad = await records('POST', '/api/public/v1/motors', { ...base, vin: '1HGCM82633A004353', vinCheckOverride: { reason: 'as printed on the title' } });
    assert.equal(bad.status, 201, bad.text);
    const first = await records('POST', '/api/public/v1/motors', { ...base, vin: '1HGCM82633A004352' });
    const second = await records('POST', '/api/public/v1/motors', { ...base, vin: withCheckDigit('1HGCM826X3A004360') });
    assert.equal(first.status, 201, first.text);
    assert.equal(second.status, 201, second.text);
    // The API refuses a second live motor with one VIN; an import written to the database with the
    // VIN spelt another way (lower case, spaced) is how one gets listed twice.
    await server.app.database.db.update(motors).set({ vin: '1hgcm 82633a004352' }).where(eq(motors.id, second.body.data.id));

    const feed = await newFeed(c);
    const googleRows = parseTsv((await fetchFeed(feed.google)).text);
    const metaRows = parseCsv((await fetchFeed(feed.meta)).text);
    for (const rows of [googleRows, metaRows]) {
      assert.ok(rows.length > 0);
      assert.ok(!rows.some((r) => r.vin === '1HGCM82633A004352'), 'a VIN listed twice is in no feed');
    }
    assert.ok(!googleRows.some((r) => r.vin === '1HGCM82633A004353'), 'a VIN failing its check digit is not in the Google feed');

    const report = (await client(server.url, c.headers('manage'))('GET', '/manage/v1/feeds/report')).body.data;
    const google = report.feeds.find((f: JsonBody) => f.feed === 'google-vehicle-listings');
    const out = (id: string) => google.leftOut.find((v: JsonBody) => v.motorId === id)?.problems ?? [];
    assert.ok(
      out(bad.body.data.id).some((p: JsonBody) => p.field === 'vin' && /check digit/.test(p.message)),
      JSON.stringify(out(bad.body.data.id)),
    );
    for (const id of [first.body.data.id, second.body.data.id])
      assert.ok(
        out(id).some((p: JsonBody) => p.field === 'vin' && /duplicate/.test(p.message)),
        JSON.stringify(out(id)),
      );
    const meta = report.feeds.find((f: JsonBody) => f.feed === 'meta-automotive');
    assert.ok(meta.leftOut.some((v: JsonBody) => v.motorId === first.body.data.id && v.problems.some((p: JsonBody) => /duplicate/.test(p.message))));

    // The same report for an API key with motors:read, and only with it.
    const { key } = await server.key(c.tenantId, { scopes: ['motors:read'] });
    const viaKey = await client(server.url, { 'x-api-key': key })('GET', '/api/public/v1/feeds/report');
    assert.equal(viaKey.status, 200, viaKey.text);
    assert.deepEqual(viaKey.body.data.feeds, report.feeds);
    const { key: other } = await server.key(c.tenantId, { scopes: ['customers:read'] });
    assert.equal((await client(server.url, { 'x-api-key': other })('GET', '/api/public/v1/feeds/report')).status, 403);
  });

  it('answers 404 for a revoked, unknown, malformed or ADF intake token', async () => {
    const feed = await newFeed(owner);
    assert.equal((await fetchFeed(feed.google)).status, 200);
    const revoked = await manage('POST', `/manage/v1/feed-tokens/${feed.id}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.ok(revoked.body.data.revokedAt);
    for (const path of [feed.google, feed.meta]) {
      const res = await fetchFeed(path);
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.error.code, 'not_found');
    }
    const adf = await createIntakeToken(server.app.database.db, { tenantId: owner.tenantId, environment: 'test' });
    assert.equal((await fetchFeed(`/feeds/${adf.token}/meta-automotive.csv`)).status, 404, 'an ADF intake token opens no feed');
    assert.equal((await fetchFeed(`/feeds/feed-${'a'.repeat(26)}/meta-automotive.csv`)).status, 404);
    assert.equal((await fetchFeed('/feeds/nonsense/google-vehicle-listings.tsv')).status, 404);
    // And the feed page's revoke cannot touch an intake token (another purpose is not found).
    assert.equal((await manage('POST', `/manage/v1/feed-tokens/${adf.id}/revoke`)).status, 404);
    const listed = (await manage('GET', '/manage/v1/feed-tokens')).body.data;
    assert.ok(listed.some((t: JsonBody) => t.id === feed.id) && !listed.some((t: JsonBody) => t.id === adf.id));
  });

  it("never shows another tenant's or the other environment's vehicles", async () => {
    const other = await newCaller(server);
    const records = client(server.url, other.headers('records'));
    const vin = withCheckDigit('1FTEW1EP0NKD00001');
    const res = await records('POST', '/api/public/v1/motors', {
      vin,
      make: 'Ford',
      model: 'F-150',
      year: 2022,
      bodyType: 'Pickup',
      exteriorColor: 'Blue',
      mileage: 100,
      condition: 'used',
      listingType: 'sale',
      listingStatus: 'active',
      saleOptions: { priceAmount: 4000000, currency: 'USD' },
      media: [{ url: 'https://example.com/f.jpg', type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 1 }],
    });
    assert.equal(res.status, 201, res.text);
    await manageOf(other)('PUT', '/manage/v1/dealership', {
      address: { street: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
      vehicleUrlTemplate: 'https://other.example/cars/{id}',
    });
    const otherFeed = await newFeed(other);
    assert.deepEqual(
      parseCsv((await fetchFeed(otherFeed.meta)).text).map((r) => r.vin),
      [vin],
      "the other tenant's feed holds its one vehicle",
    );
    for (const path of [feeds.google, feeds.meta]) {
      const text = (await fetchFeed(path)).text;
      assert.ok(!text.includes(vin), `${path} has no vehicle of another tenant`);
    }
    // The owner's live environment has no vehicles: its feed is a header only.
    const live = await otherEnvironment(server, owner);
    const liveFeed = await newFeed(live);
    assert.equal(parseTsv((await fetchFeed(liveFeed.google)).text).length, 0);
  });

  it('sends ETag and Last-Modified, answers 304 while nothing changed, and a full new snapshot after a change', async () => {
    const first = await fetchFeed(feeds.google);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    assert.ok(!Number.isNaN(Date.parse(lastModified)));
    const same = await fetchFeed(feeds.google, { 'if-none-match': etag });
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    assert.equal((await fetchFeed(feeds.google, { 'if-modified-since': lastModified })).status, 304);
    assert.notEqual((await fetchFeed(feeds.meta)).headers.get('etag'), etag, 'each feed has its own tag');

    const rows = parseTsv(first.text);
    const records = client(server.url, owner.headers('records'));
    const motor = (await records('GET', '/api/public/v1/motors?limit=200')).body.data.find((m: JsonBody) => m.vin === rows[0].vin);
    const paused = await records('PUT', `/api/public/v1/motors/${motor.id}`, { listingStatus: 'paused' });
    assert.equal(paused.status, 200, paused.text);
    const after = await fetchFeed(feeds.google, { 'if-none-match': etag });
    assert.equal(after.status, 200, 'a change makes the old tag stale');
    assert.notEqual(after.headers.get('etag'), etag);
    assert.equal(parseTsv(after.text).length, rows.length - 1);
    assert.ok(!after.text.includes(motor.vin), 'an unlisted vehicle leaves the feed at the next fetch');

    // The dealership profile is part of every row: changing it changes the tag too.
    const tag = after.headers.get('etag')!;
    const profile = await manage('PUT', '/manage/v1/dealership', { storeCode: 'FREMONT-01' });
    assert.equal(profile.status, 200, profile.text);
    const renamed = await fetchFeed(feeds.google, { 'if-none-match': tag });
    assert.equal(renamed.status, 200);
    assert.ok(parseTsv(renamed.text).every((r) => r.store_code === 'FREMONT-01'));
    await records('PUT', `/api/public/v1/motors/${motor.id}`, { listingStatus: 'active' });
  });

  it('validates the dealership profile and restores a default with null', async () => {
    for (const [body, field] of [
      [{ storeCode: 'has spaces' }, 'storeCode'],
      [{ vehicleUrlTemplate: 'https://dealer.example/vehicles' }, 'vehicleUrlTemplate'],
      [{ vehicleUrlTemplate: 'ftp://dealer.example/{slug}' }, 'vehicleUrlTemplate'],
      [{ address: { street: '1 A St', city: 'X', postalCode: '1', country: 'USA' } }, 'address.country'],
    ] as const) {
      const res = await manage('PUT', '/manage/v1/dealership', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.ok(res.text.includes(field), res.text);
    }
    const reset = await manage('PUT', '/manage/v1/dealership', { storeCode: null });
    assert.equal(reset.status, 200, reset.text);
    assert.match(reset.body.data.storeCode, /^MOTORS-[0-9A-F]{10}$/);
    const fresh = await newCaller(server);
    const profile = (await manageOf(fresh)('GET', '/manage/v1/dealership')).body.data;
    assert.deepEqual(
      profile.problems.map((p: JsonBody) => p.field),
      ['address', 'vehicleUrlTemplate'],
      'a new dealership is told what the feeds still need',
    );
  });

  it('streams a feed larger than one page in full, each vehicle once', async () => {
    const c = await newCaller(server);
    await manageOf(c)('PUT', '/manage/v1/dealership', {
      address: { street: '9 Lot Rd', city: 'Reno', region: 'NV', postalCode: '89501', country: 'US' },
      vehicleUrlTemplate: 'https://big.example/v/{stockNumber}',
    });
    const count = 1234;
    const at = new Date();
    const rows = Array.from({ length: count }, (_, i) => ({
      tenantId: c.tenantId,
      environment: 'test' as const,
      id: newId(),
      vin: withCheckDigit(`1HGCM826X3A${String(100000 + i)}`),
      stockNumber: `BIG-${i}`,
      make: 'Honda',
      model: 'Accord',
      year: 2003,
      bodyType: 'Sedan',
      exteriorColor: 'Grey',
      mileage: 1000 + i,
      mileageUnit: 'mi' as const,
      condition: 'used' as const,
      listingType: 'sale' as const,
      listingStatus: 'active' as const,
      saleOptions: { priceAmount: 500000 + i, currency: 'USD' },
      slug: `honda-accord-${i}`,
      media: [{ url: `https://big.example/p/${i}.jpg`, type: 'photo' as const, category: 'exterior' as const, isFeatured: true, sortOrder: 1 }],
      createdAt: at,
      updatedAt: at,
    }));
    for (let i = 0; i < rows.length; i += 400) await server.app.database.db.insert(motors).values(rows.slice(i, i + 400));
    const feed = await newFeed(c);
    const meta = parseCsv((await fetchFeed(feed.meta)).text);
    assert.equal(meta.length, count);
    assert.equal(new Set(meta.map((r) => r.vehicle_id)).size, count);
    for (const row of meta) assert.deepEqual(metaProblems(row), []);
    const [{ n }] = await server.app.database.db.select({ n: sql<number>`count(*)` }).from(motors).where(eq(motors.tenantId, c.tenantId));
    assert.equal(Number(n), count);
  });

  const manageOf = (c: Caller) => client(server.url, c.headers('manage'));
});
