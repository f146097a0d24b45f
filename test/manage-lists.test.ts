import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { sharedServer, staffDealer, type TestServer } from './helpers.ts';
import type { Ctx } from '../src/core/context.ts';
import { customerCollection } from '../src/core/customers.ts';
import { newId } from '../src/core/ids.ts';
import { customers } from '../src/storage/schema/index.ts';
import { CSV_EXPORT_CAP } from '../src/http/manage-api/record-lists.ts';

// The dashboard's lists on the management API: `sort` from each collection's closed list
// (core/sorting.ts), stable pages, `total`, and the CSV export of the same selection.

type Dealer = Awaited<ReturnType<typeof staffDealer>>;

describe('management API lists: sort, pages and CSV export', () => {
  let server: TestServer;
  let dealer: Dealer;
  let other: Dealer;

  /** Customers written through core, in one transaction. */
  async function seed(tenantId: string, inputs: Record<string, unknown>[]) {
    const made: { id: string }[] = [];
    await server.app.database.db.transaction(async (db) => {
      const ctx: Ctx = { tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'seed', db };
      for (const input of inputs) made.push(await customerCollection.create(ctx, input as never));
    });
    return made;
  }

  const names = (res: { body: { data: { lastName: string }[] } }) => res.body.data.map((c) => c.lastName);

  before(async () => {
    server = await sharedServer();
    dealer = await staffDealer(server);
    other = await staffDealer(server);
    await seed(dealer.tenantId, [
      { firstName: 'Ann', lastName: 'Baker', email: 'zed@example.com', lifecycleStage: 'CUSTOMER' },
      { firstName: 'Bo', lastName: 'adams', email: 'yan@example.com', lifecycleStage: 'LEAD' },
      { firstName: 'Cy', lastName: 'Carter', email: 'xia@example.com', lifecycleStage: 'CUSTOMER' },
      { firstName: 'Di', lastName: 'Davis', email: 'wu@example.com', lifecycleStage: 'LEAD' },
      { firstName: 'Ed', lastName: 'evans', email: 'vic@example.com', lifecycleStage: 'CUSTOMER' },
    ]);
    // 23 namesakes: equal on every sort key but id.
    await seed(
      dealer.tenantId,
      Array.from({ length: 23 }, () => ({ firstName: 'Sam', lastName: 'Same', lifecycleStage: 'CHURNED' })),
    );
    await seed(other.tenantId, [{ firstName: 'Olga', lastName: 'Otherdealer', email: 'olga@other.example', lifecycleStage: 'CUSTOMER' }]);
  });
  after(async () => server?.close());

  it('sorts by a field ascending and descending (names case-insensitively), newest change first by default', async () => {
    const filter = 'type=person&createdAfter=2000-01-01T00:00:00Z';
    const asc = await dealer.manage('GET', `/manage/v1/records/customers?sort=name&limit=5&${filter}`);
    assert.equal(asc.status, 200, asc.text);
    assert.deepEqual(names(asc), ['adams', 'Baker', 'Carter', 'Davis', 'evans']);
    assert.equal(asc.body.total, 28);
    assert.equal(asc.body.sort, 'name');
    assert.ok(asc.body.sortable.includes('name') && asc.body.sortable.includes('updatedAt'), asc.body.sortable);

    const desc = await dealer.manage('GET', '/manage/v1/records/customers?sort=-name&limit=50');
    assert.deepEqual(
      names(desc).filter((n: string) => n !== 'Same'),
      ['evans', 'Davis', 'Carter', 'Baker', 'adams'],
    );
    assert.deepEqual(names(desc).slice(0, 23), Array(23).fill('Same'));

    const byEmail = await dealer.manage('GET', '/manage/v1/records/customers?sort=email&lifecycleStage=CUSTOMER');
    assert.deepEqual(
      byEmail.body.data.map((c: { email: string }) => c.email),
      ['vic@example.com', 'xia@example.com', 'zed@example.com'],
      'a filter and a sort together',
    );
    assert.equal(byEmail.body.total, 3);
    const byEmailDesc = await dealer.manage('GET', '/manage/v1/records/customers?sort=-email&lifecycleStage=LEAD');
    assert.deepEqual(
      byEmailDesc.body.data.map((c: { email: string }) => c.email),
      ['yan@example.com', 'wu@example.com'],
    );

    const recent = await dealer.manage('GET', '/manage/v1/records/customers?limit=100');
    assert.equal(recent.body.sort, '-updatedAt');
    const stamps = recent.body.data.map((c: { updatedAt: string; id: string }) => `${c.updatedAt} ${c.id}`);
    assert.deepEqual(stamps, [...stamps].sort().reverse(), 'newest change first, then id');
  });

  it('pages equal keys by id: every record exactly once across pages, in both directions', async () => {
    const pageOf = async (sort: string, page: number) => {
      const res = await dealer.manage('GET', `/manage/v1/records/customers?lifecycleStage=CHURNED&sort=${sort}&limit=10&page=${page}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.total, 23);
      return res.body.data.map((c: { id: string }) => c.id) as string[];
    };
    const asc = [...(await pageOf('lifecycleStage', 1)), ...(await pageOf('lifecycleStage', 2)), ...(await pageOf('lifecycleStage', 3))];
    assert.equal(asc.length, 23);
    assert.equal(new Set(asc).size, 23, 'no record on two pages');
    assert.deepEqual(asc, [...asc].sort(), 'ties in id order');
    const again = await pageOf('lifecycleStage', 2);
    assert.deepEqual(again, asc.slice(10, 20), 'the same page twice is the same');
    const desc = [...(await pageOf('-lifecycleStage', 1)), ...(await pageOf('-lifecycleStage', 2)), ...(await pageOf('-lifecycleStage', 3))];
    assert.deepEqual(desc, [...asc].reverse());
  });

  it('answers a page past the last with no rows and the total', async () => {
    const res = await dealer.manage('GET', '/manage/v1/records/customers?page=99&limit=25&sort=name');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, []);
    assert.equal(res.body.total, 28);
    assert.equal(res.body.page, 99);
  });

  it('refuses an unknown sort field with a 400 naming `sort` and the fields it takes', async () => {
    for (const path of ['/manage/v1/records/customers?sort=password', '/manage/v1/records/customers?q=baker&sort=-searchText', '/manage/v1/records/customers.csv?sort=tenantId']) {
      const res = await dealer.manage('GET', path);
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed');
      const detail = res.body.error.details.find((d: { field: string }) => d.field === 'query.sort');
      assert.ok(detail, res.text);
      assert.match(detail.message, /"name", "-name"/);
      assert.match(detail.message, /"updatedAt", "-updatedAt"/);
    }
  });

  it('sorts search results when asked, and keeps rank order otherwise', async () => {
    const ranked = await dealer.manage('GET', '/manage/v1/records/customers?q=example.com');
    assert.equal(ranked.status, 200, ranked.text);
    assert.equal(ranked.body.sort, null);
    assert.equal(ranked.body.total, 5);
    const sorted = await dealer.manage('GET', '/manage/v1/records/customers?q=example.com&sort=-name&limit=2&page=2');
    assert.deepEqual(names(sorted), ['Carter', 'Baker']);
    assert.equal(sorted.body.total, 5);
  });

  it('takes every sort key of every collection, both ways', async () => {
    const collections = (await dealer.manage('GET', '/manage/v1/records')).body.data.map((c: { name: string }) => c.name) as string[];
    assert.ok(collections.length >= 17, collections.join(' '));
    for (const name of collections) {
      const first = await dealer.manage('GET', `/manage/v1/records/${name}?limit=1`);
      assert.equal(first.status, 200, `${name}: ${first.text}`);
      for (const key of first.body.sortable as string[]) {
        for (const sort of [key, `-${key}`]) {
          const res = await dealer.manage('GET', `/manage/v1/records/${name}?limit=1&sort=${sort}`);
          assert.equal(res.status, 200, `${name} sort=${sort}: ${res.text}`);
        }
      }
    }
  });

  it('exports the filtered, sorted selection as CSV: BOM, header row, formula cells escaped, only this dealer', async () => {
    await seed(dealer.tenantId, [
      {
        firstName: '=HYPERLINK("http://evil.example","click")',
        lastName: 'Zz-formula',
        mobile: '+44 7700 900123',
        notes: '@SUM(A1:A2)',
        tags: ['-minus', 'plain'],
        address: { city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' },
        lifecycleStage: 'CUSTOMER',
      },
    ]);
    const res = await fetch(`${server.url}/manage/v1/records/customers.csv?lifecycleStage=CUSTOMER&sort=-name`, { headers: headersOf(dealer) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(String(res.headers.get('content-type')), /^text\/csv; charset=utf-8/);
    assert.match(String(res.headers.get('content-disposition')), /attachment; filename="customers.csv"/);
    assert.equal(res.headers.get('x-total-count'), '4');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const rows = parse(bytes.toString('utf8'), { bom: true }) as string[][];
    const [header, ...records] = rows;
    for (const column of ['id', 'firstName', 'lastName', 'email', 'mobile', 'tags', 'lifecycleStage', 'address.city', 'address.postalCode', 'metadata', 'createdAt', 'updatedAt']) {
      assert.ok(header.includes(column), `column ${column} in ${header.join(',')}`);
    }
    assert.ok(!header.includes('searchText') && !header.includes('tenantId'), header.join(','));
    const col = (name: string) => header.indexOf(name);
    assert.deepEqual(
      records.map((r) => r[col('lastName')]),
      ['Zz-formula', 'evans', 'Carter', 'Baker'],
      'the filter and the sort of the list',
    );
    const evil = records[0];
    assert.equal(evil[col('firstName')], `'=HYPERLINK("http://evil.example","click")`);
    assert.equal(evil[col('mobile')], "'+44 7700 900123");
    assert.equal(evil[col('notes')], "'@SUM(A1:A2)");
    assert.equal(evil[col('tags')], "'-minus; plain");
    assert.equal(evil[col('address.city')], 'Leeds');
    assert.equal(evil[col('isVip')], 'false');
    assert.equal(evil[col('leadScore')], '0');
    assert.equal(evil[col('metadata')], '{}');
    assert.equal(records[1][col('email')], 'vic@example.com');
    const text = bytes.toString('utf8');
    assert.ok(!text.includes('Otherdealer') && !text.includes('olga@other.example'), "another dealer's customers are not in the file");

    const theirs = await fetch(`${server.url}/manage/v1/records/customers.csv`, { headers: headersOf(other) });
    const theirText = await theirs.text();
    assert.equal(theirs.headers.get('x-total-count'), '1');
    assert.ok(theirText.includes('Otherdealer') && !theirText.includes('Baker'), theirText);

    const searched = await fetch(`${server.url}/manage/v1/records/customers.csv?q=davis`, { headers: headersOf(dealer) });
    const found = parse(await searched.text(), { bom: true }) as string[][];
    assert.equal(found.length, 2, 'the header and the one customer q finds');
    assert.equal(searched.headers.get('x-total-count'), '1');
  });

  it(`stops a CSV export at ${CSV_EXPORT_CAP} rows and says how many matched`, async () => {
    const big = await staffDealer(server);
    const at = new Date('2026-01-01T00:00:00Z');
    const rows = Array.from({ length: CSV_EXPORT_CAP + 5 }, (_, i) => ({
      tenantId: big.tenantId,
      environment: 'test' as const,
      id: newId(),
      type: 'person' as const,
      firstName: 'Bulk',
      lastName: `Customer ${String(i).padStart(5, '0')}`,
      createdAt: at,
      updatedAt: at,
    }));
    for (let i = 0; i < rows.length; i += 2000) await server.app.database.db.insert(customers).values(rows.slice(i, i + 2000));
    const res = await fetch(`${server.url}/manage/v1/records/customers.csv?sort=name`, { headers: headersOf(big) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-total-count'), String(CSV_EXPORT_CAP + 5));
    const parsed = parse(await res.text(), { bom: true }) as string[][];
    assert.equal(parsed.length, CSV_EXPORT_CAP + 1, 'the header and the first 10,000 rows');
    assert.equal(parsed.at(-1)![parsed[0].indexOf('lastName')], `Customer ${String(CSV_EXPORT_CAP - 1).padStart(5, '0')}`);
  });
});

/** The management API's headers for a raw fetch (the CSV is not JSON, and its bytes matter). */
const headersOf = (d: Dealer): Record<string, string> => ({ cookie: d.cookie, 'x-motors-environment': 'test' });
