import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, count, eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { sharedServer, staffDealer, type TestServer, type JsonBody } from './helpers.ts';
import { suggestMapping } from '../src/core/csv-import.ts';
import { fieldLabel } from '../src/core/field-label.ts';
import { importSchemas } from '../src/http/platform/import-schemas.ts';
import { events } from '../src/storage/schema/index.ts';

const customersCsv = [
  'First name,Surname,E-mail,Mobile,Lead score,Favourite colour',
  'Amelia,Hart,amelia.hart@example.com,+44 7700 900123,40,green',
  'Jonas,Berg,jonas.berg@example.com,,55,blue',
  'Ruth,Okafor,not-an-email,,70,red',
].join('\n');

describe('CSV import: mapping', () => {
  it('suggests a mapping from header names, case- and space-insensitive, with aliases, each field once', () => {
    const mapping = suggestMapping(['First name', 'Surname', 'E-mail', 'EMAIL', 'Post code', 'Favourite colour'], importSchemas.customers.fields);
    assert.deepEqual(mapping, { 'First name': 'firstName', Surname: 'lastName', 'E-mail': 'email', EMAIL: null, 'Post code': 'address.postalCode', 'Favourite colour': null });
    assert.equal(suggestMapping(['Stock #', 'VIN', 'Colour'], importSchemas.motors.fields)['Stock #'], 'stockNumber');
    assert.equal(suggestMapping(['Part number', 'Qty'], importSchemas.inventoryItems.fields)['Qty'], 'stockOnHand');
  });

  it('names fields in words', () => {
    assert.equal(fieldLabel('firstName'), 'First name');
    assert.equal(fieldLabel('saleOptions.priceAmount'), 'Sale options: price amount');
    assert.equal(fieldLabel('vin'), 'VIN');
  });
});

describe('CSV import: management API', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  const eventCount = async (tenantId: string, type: string, environment: 'test' | 'live' = 'test') => {
    const [row] = await server.app.database.db
      .select({ n: count() })
      .from(events)
      .where(and(eq(events.tenantId, tenantId), eq(events.environment, environment), eq(events.type, type)));
    return Number(row.n);
  };

  it('previews: suggested mapping, every row validated, the rejected row in words and in the report, nothing written', async () => {
    const d = await staffDealer(server);
    const res = await d.manage('POST', '/manage/v1/imports/customers/preview', { csv: customersCsv });
    assert.equal(res.status, 200, res.text);
    const p = res.body.data;
    assert.equal(p.mapping['E-mail'], 'email');
    assert.equal(p.mapping['Favourite colour'], null);
    assert.equal(p.total, 3);
    assert.equal(p.valid, 2);
    assert.equal(p.rejectedCount, 1);
    assert.deepEqual(p.rejected[0].errors, [{ field: 'email', label: 'Email', message: 'must be an email address' }]);
    assert.equal(p.rejected[0].row, 4);
    assert.equal(p.sample[0].values.firstName, 'Amelia');
    assert.equal(p.committed, false);
    const report = parse(p.report) as string[][];
    assert.deepEqual(report[0], ['First name', 'Surname', 'E-mail', 'Mobile', 'Lead score', 'Favourite colour', 'error']);
    assert.deepEqual(report.slice(1), [['Ruth', 'Okafor', 'not-an-email', '', '70', 'red', 'Row 4: Email: must be an email address']]);
    const list = await d.api('GET', '/api/public/v1/customers?includeTotal=true');
    assert.equal(list.body.total, 0, 'a preview writes nothing');
  });

  it('imports the valid rows with events, and a second import of the same file creates no duplicates', async () => {
    const d = await staffDealer(server);
    const first = await d.manage('POST', '/manage/v1/imports/customers', { csv: customersCsv });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual([first.body.data.created, first.body.data.updated, first.body.data.rejectedCount], [2, 0, 1]);
    assert.equal(await eventCount(d.tenantId, 'crm.customers.created'), 2);
    const list = await d.api('GET', '/api/public/v1/customers?includeTotal=true');
    assert.equal(list.body.total, 2);
    const amelia = list.body.data.find((c: JsonBody) => c.email === 'amelia.hart@example.com');
    assert.equal(amelia.leadScore, 40);
    assert.equal(amelia.mobile, '+44 7700 900123');

    const again = await d.manage('POST', '/manage/v1/imports/customers', { csv: customersCsv });
    assert.deepEqual([again.body.data.created, again.body.data.updated, again.body.data.unchanged], [0, 0, 2]);
    // The email matches case-insensitively; an empty cell keeps the stored value.
    const changed = 'First name,E-mail,Lead score,Mobile\nAmelia,AMELIA.Hart@Example.com,90,\n';
    const third = await d.manage('POST', '/manage/v1/imports/customers', { csv: changed });
    assert.deepEqual([third.body.data.created, third.body.data.updated], [0, 1]);
    const after = await d.api('GET', '/api/public/v1/customers?includeTotal=true');
    assert.equal(after.body.total, 2, 'no duplicates');
    const updated = after.body.data.find((c: JsonBody) => c.email === 'amelia.hart@example.com');
    assert.equal(updated.leadScore, 90);
    assert.equal(updated.mobile, '+44 7700 900123');
    assert.equal(updated.lastName, 'Hart');
    assert.equal(await eventCount(d.tenantId, 'crm.customers.updated'), 1);
    assert.equal(await eventCount(d.tenantId, 'crm.customers.created'), 2);
  });

  it('advertises no Idempotency-Key on the import routes, which keep none, while a transactional POST still does', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    for (const path of ['/manage/v1/imports/{collection}', '/manage/v1/imports/{collection}/preview']) {
      assert.doesNotMatch(doc.paths[path].post.description, /Send an `Idempotency-Key`/, path);
    }
    assert.match(doc.paths['/api/public/v1/customers'].post.description, /Send an `Idempotency-Key`/);
    // A key sent anyway is not stored: the retry runs again (and updates what the first wrote).
    const d = await staffDealer(server);
    const csv = 'E-mail,First name\nkey.retry@example.com,Kim\n';
    const first = await d.manage('POST', '/manage/v1/imports/customers', { csv }, { 'idempotency-key': 'import-retry-1' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.data.created, 1);
    const retry = await d.manage('POST', '/manage/v1/imports/customers', { csv }, { 'idempotency-key': 'import-retry-1' });
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.deepEqual([retry.body.data.created, retry.body.data.unchanged], [0, 1]);
  });

  it("re-imports the list's own CSV export unchanged: a '+' phone number and a formula-like note keep their value", async () => {
    const d = await staffDealer(server);
    const csv = 'First name,Surname,E-mail,Mobile,Notes\nAmelia,Hart,amelia.hart@example.com,+44 7700 900123,"=1+1 is not a formula"\n';
    const first = await d.manage('POST', '/manage/v1/imports/customers', { csv });
    assert.deepEqual([first.body.data.created, first.body.data.rejectedCount], [1, 0], first.text);
    const exported = await fetch(`${server.url}/manage/v1/records/customers.csv`, { headers: { cookie: d.cookie, 'x-motors-environment': 'test' } });
    const text = (await exported.text()).replace(/^\uFEFF/, '');
    assert.match(text, /,'\+44 7700 900123,/, 'the export marks the cell as text for spreadsheets');
    const again = await d.manage('POST', '/manage/v1/imports/customers', { csv: text });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.body.data.created, again.body.data.updated, again.body.data.unchanged, again.body.data.rejectedCount], [0, 0, 1, 0], JSON.stringify(again.body.data.rejected));
    const [amelia] = (await d.api('GET', '/api/public/v1/customers')).body.data;
    assert.equal(amelia.mobile, '+44 7700 900123');
    assert.equal(amelia.notes, '=1+1 is not a formula');
  });

  it("never touches another dealership's or the other environment's record with the same email", async () => {
    const d = await staffDealer(server);
    const other = await staffDealer(server);
    const theirs = await other.api('POST', '/api/public/v1/customers', { firstName: 'Theirs', email: 'amelia.hart@example.com' });
    const live = await d.liveApi('POST', '/api/public/v1/customers', { firstName: 'Live', email: 'amelia.hart@example.com' });
    assert.equal(theirs.status, 201);
    const res = await d.manage('POST', '/manage/v1/imports/customers', { csv: customersCsv });
    assert.equal(res.body.data.created, 2);
    assert.equal((await other.api('GET', `/api/public/v1/customers/${theirs.body.data.id}`)).body.data.firstName, 'Theirs');
    assert.equal((await d.liveApi('GET', `/api/public/v1/customers/${live.body.data.id}`)).body.data.firstName, 'Live');
    assert.equal((await other.api('GET', '/api/public/v1/customers?includeTotal=true')).body.total, 1);
    const inLive = await d.manageLive('POST', '/manage/v1/imports/customers', { csv: customersCsv });
    assert.deepEqual([inLive.body.data.created, inLive.body.data.updated], [1, 1], 'live: Amelia updated, Jonas created');
    assert.equal(await eventCount(d.tenantId, 'crm.customers.created', 'live'), 2);
  });

  it('imports motors by VIN and inventory items by SKU with their own rules, and refuses a key twice in one file', async () => {
    const d = await staffDealer(server);
    const motorsCsv = [
      'VIN,Make,Model,Year,Mileage,Stock #',
      '1HGCM82633A004352,Honda,Accord,2003,120000,STK-1',
      '1HGCM82633A004353,Honda,Accord,2003,1000,STK-2',
      ',Ford,Focus,2019,abc,STK-3',
      '1hgcm82633a004352,Honda,Accord,2003,1,STK-4',
    ].join('\n');
    const res = await d.manage('POST', '/manage/v1/imports/motors', { csv: motorsCsv });
    assert.equal(res.status, 200, res.text);
    const r = res.body.data;
    assert.equal(r.created, 1);
    assert.deepEqual(
      r.rejected.map((x: JsonBody) => [x.row, x.errors[0].label]),
      [
        [3, 'VIN'],
        [4, 'Mileage'],
        [5, 'VIN'],
      ],
    );
    assert.match(r.rejected[2].errors[0].message, /also on row 2/);
    const edit = await d.manage('POST', '/manage/v1/imports/motors', { csv: 'VIN,Mileage\n1HGCM82633A004352,125000\n' });
    assert.deepEqual([edit.body.data.created, edit.body.data.updated], [0, 1]);
    const motors = await d.api('GET', '/api/public/v1/motors?includeTotal=true');
    assert.equal(motors.body.total, 1);
    assert.equal(motors.body.data[0].mileage, 125000);
    assert.equal(await eventCount(d.tenantId, 'crm.motors.updated'), 1);

    const itemsCsv = 'SKU,Name,Unit amount,Currency,Tax rate\nBP-1,Brake pads,4999,GBP,20\nOIL-5,Oil 5W30,2500,GBP,120\n';
    const items = await d.manage('POST', '/manage/v1/imports/inventoryItems', { csv: itemsCsv });
    assert.equal(items.body.data.created, 1);
    assert.deepEqual(items.body.data.rejected[0].errors, [{ field: 'taxRate', label: 'Tax rate', message: 'must be between 0 and 100 (percent)' }]);
    const twice = await d.manage('POST', '/manage/v1/imports/inventoryItems', { csv: itemsCsv.replace('4999', '5499') });
    assert.deepEqual([twice.body.data.created, twice.body.data.updated], [0, 1]);
    const list = await d.api('GET', '/api/public/v1/inventoryItems?includeTotal=true');
    assert.equal(list.body.total, 1);
    assert.equal(list.body.data[0].unitAmount, 5499);
  });

  it('answers bad input with 4xx in the management API shape, never 500', async () => {
    const d = await staffDealer(server);
    const cases: [string, unknown, number, RegExp][] = [
      ['/manage/v1/imports/invoices/preview', { csv: 'a\n1' }, 400, /collection/],
      ['/manage/v1/imports/customers/preview', { csv: 'E-mail\nx@example.com', mapping: { 'E-mail': 'password' } }, 400, /not a field that can be imported/],
      ['/manage/v1/imports/customers/preview', { csv: 'E-mail\nx@example.com', mapping: { Email: 'email' } }, 400, /not a column of the file/],
      ['/manage/v1/imports/customers/preview', { csv: 'E-mail,Mail\nx@example.com,y', mapping: { 'E-mail': 'email', Mail: 'email' } }, 400, /mapped from two columns/],
      ['/manage/v1/imports/customers/preview', { csv: 'Email,Email\nx@example.com,y' }, 400, /appears twice/],
      ['/manage/v1/imports/customers', { csv: 'Email,Name\n"x@example.com,y\n' }, 400, /csv/],
      ['/manage/v1/imports/customers', { csv: '' }, 400, /csv/],
      ['/manage/v1/imports/customers', { csv: 'x'.repeat(21 * 1024 * 1024) }, 413, /larger than the limit/],
    ];
    for (const [path, body, status, message] of cases) {
      const res = await d.manage('POST', path, body);
      assert.equal(res.status, status, `${path}: ${res.text.slice(0, 300)}`);
      assert.match(res.body.message ?? res.body.error?.message ?? res.text, message);
    }
    assert.equal((await d.api('GET', '/api/public/v1/customers?includeTotal=true')).body.total, 0);
  });
});
