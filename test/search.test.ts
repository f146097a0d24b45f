import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedServer, client, staffDealer, type TestServer } from './helpers.ts';
import { sql } from 'drizzle-orm';
import { searchGrams } from '../src/storage/search-text.ts';
import { customers } from '../src/storage/schema/index.ts';

const v1 = '/api/public/v1';

describe('Search: q= and typed filters on the Records and management APIs', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  async function dealer() {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const post = async (collection: string, body: unknown) => {
      const res = await api('POST', `${v1}/${collection}`, body);
      assert.equal(res.status, 201, res.text);
      return res.body.data;
    };
    const ids = async (path: string) => {
      const res = await api('GET', path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      return res.body.data.map((r: { id: string }) => r.id);
    };
    return { ...t, api, post, ids };
  }

  it('finds a customer by each human field: names, company, email and phone digits however written', async () => {
    const d = await dealer();
    const amelia = await d.post('customers', { firstName: 'Amelia', lastName: 'Hartley', email: 'amelia.h@example.com', mobile: '+44 7700 900123' });
    const acme = await d.post('customers', { type: 'company', companyName: 'Acme Motors Ltd', phone: '(0113) 496-0000' });
    await d.post('customers', { firstName: 'Bob', lastName: 'Stone', email: 'bob@stone.example' });
    const cases: [string, string][] = [
      ['amelia', amelia.id],
      ['HARTLEY', amelia.id],
      ['amelia hart', amelia.id],
      ['amelia.h@example.com', amelia.id],
      ['acme', acme.id],
      ['motors ltd', acme.id],
      ['07700 900123', amelia.id],
      ['+447700900123', amelia.id],
      ['900123', amelia.id],
      ['0113 496 0000', acme.id],
    ];
    for (const [q, id] of cases) {
      assert.deepEqual(await d.ids(`${v1}/customers?q=${encodeURIComponent(q)}`), [id], `q=${q}`);
    }
    assert.deepEqual(await d.ids(`${v1}/customers?q=zebra`), [], 'nothing matches');
    // A q of only spaces lists as if there were none (the sync order).
    assert.equal((await d.ids(`${v1}/customers?q=%20%20`)).length, 3);
  });

  it('finds motors by VIN, stock number and plate, invoices and work orders by number, leads by contact', async () => {
    const d = await dealer();
    const customer = await d.post('customers', { firstName: 'Owner', lastName: 'Person' });
    const motor = await d.post('motors', { make: 'Toyota', model: 'Camry', vin: '1HGCM82633A004352', stockNumber: 'STK-8812', plate: 'AB12 CDE' });
    const other = await d.post('motors', { make: 'Ford', model: 'Focus', stockNumber: 'STK-1000' });
    for (const q of ['1hgcm82633a004352', '3a0043', 'stk-8812', 'ab12 cde', 'camry']) {
      assert.deepEqual(await d.ids(`${v1}/motors?q=${encodeURIComponent(q)}`), [motor.id], `q=${q}`);
    }
    assert.deepEqual(new Set(await d.ids(`${v1}/motors?q=stk`)), new Set([motor.id, other.id]));
    const line = { description: 'Service', quantity: 1, unitAmount: 1000 };
    const invoice = await d.post('invoices', { customerId: customer.id, lines: [line] });
    assert.deepEqual(await d.ids(`${v1}/invoices?q=${invoice.number}`), [invoice.id]);
    const wo = await d.post('workOrders', { customerId: customer.id, motorId: motor.id });
    assert.deepEqual(await d.ids(`${v1}/workOrders?q=${wo.number.toLowerCase()}`), [wo.id]);
    const lead = await d.post('leads', { contactName: 'Priya Natarajan', contactEmail: 'priya@example.com', contactPhone: '+1 (415) 555-0142' });
    for (const q of ['natarajan', 'priya@example', '415 555 0142']) assert.deepEqual(await d.ids(`${v1}/leads?q=${encodeURIComponent(q)}`), [lead.id], `q=${q}`);
  });

  it('ranks an exact field first, then a prefix, then a word start, then a match inside a word', async () => {
    const d = await dealer();
    // Created in the reverse of the expected order, so recency alone would sort them backwards.
    const inside = await d.post('customers', { firstName: 'Rosanna', lastName: 'Smithson' }); // "ann" inside a word
    const word = await d.post('customers', { firstName: 'Mary', lastName: 'Le Ann' }); // a word starts with "ann"
    const prefix = await d.post('customers', { firstName: 'Annabel', lastName: 'Quinn' }); // a field starts with "ann"
    const exact = await d.post('customers', { firstName: 'Ann', lastName: 'Zed' }); // a field is "ann"
    const found = await d.ids(`${v1}/customers?q=ann`);
    assert.deepEqual(found, [exact.id, prefix.id, word.id, inside.id]);
    // Within one rank: most recently updated first.
    const again = await d.post('customers', { firstName: 'Ann', lastName: 'Young' });
    assert.deepEqual((await d.ids(`${v1}/customers?q=ann`)).slice(0, 2), [again.id, exact.id]);
  });

  it('pages search results by offset: nextCursor walks every match once; cursors of the two orders are not interchangeable', async () => {
    const d = await dealer();
    for (let i = 0; i < 7; i++) await d.post('customers', { firstName: `Page${i}`, lastName: 'Walker' });
    const seen: string[] = [];
    let path = `${v1}/customers?q=walker&limit=3&includeTotal=true`;
    for (let n = 0; n < 5; n++) {
      const res = await d.api('GET', path);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.total, 7);
      assert.equal(res.body.nextUpdatedAfter, null);
      seen.push(...res.body.data.map((r: { id: string }) => r.id));
      if (!res.body.hasMore) {
        assert.equal(res.body.nextCursor, null);
        break;
      }
      path = `${v1}/customers?q=walker&limit=3&includeTotal=true&cursor=${res.body.nextCursor}`;
    }
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    const withSkip = await d.api('GET', `${v1}/customers?q=walker&limit=3&skip=3`);
    assert.deepEqual(
      withSkip.body.data.map((r: { id: string }) => r.id),
      seen.slice(3, 6),
    );

    const searchCursor = (await d.api('GET', `${v1}/customers?q=walker&limit=3`)).body.nextCursor;
    const syncCursor = (await d.api('GET', `${v1}/customers?limit=3`)).body.nextCursor;
    for (const path of [`${v1}/customers?cursor=${searchCursor}`, `${v1}/customers?q=walker&cursor=${syncCursor}`]) {
      const res = await d.api('GET', path);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.equal(res.body.error.details[0].field, 'cursor');
    }
    // Sync paging without q is untouched: the updatedAt order, cursor and nextUpdatedAfter.
    const sync = await d.api('GET', `${v1}/customers?limit=3`);
    assert.ok(sync.body.nextUpdatedAfter);
    assert.ok(sync.body.data[0].updatedAt <= sync.body.data[1].updatedAt);
  });

  it('filters by status, customerId, date and amount ranges, with or without q', async () => {
    const d = await dealer();
    const a = await d.post('customers', { firstName: 'Ada', lastName: 'Filter' });
    const b = await d.post('customers', { firstName: 'Ben', lastName: 'Filter' });
    const line = (unitAmount: number) => ({ description: 'Work', quantity: 1, unitAmount });
    const small = await d.post('invoices', { customerId: a.id, lines: [line(1000)], issueDate: '2026-01-05' });
    const big = await d.post('invoices', { customerId: a.id, lines: [line(90000)], issueDate: '2026-02-10' });
    const bens = await d.post('invoices', { customerId: b.id, lines: [line(5000)], issueDate: '2026-01-20' });
    const sent = await d.api('PUT', `${v1}/invoices/${bens.id}`, { status: 'sent' });
    assert.equal(sent.status, 200, sent.text);
    const set = async (query: string) => new Set(await d.ids(`${v1}/invoices?${query}`));
    assert.deepEqual(await set(`customerId=${a.id}`), new Set([small.id, big.id]));
    assert.deepEqual(await set('status=sent'), new Set([bens.id]));
    assert.deepEqual(await set('status=draft'), new Set([small.id, big.id]));
    assert.deepEqual(await set('totalAmountMin=5000'), new Set([big.id, bens.id]));
    assert.deepEqual(await set('totalAmountMin=1000&totalAmountMax=5000'), new Set([small.id, bens.id]));
    assert.deepEqual(await set('issueDateFrom=2026-01-05&issueDateTo=2026-01-31'), new Set([small.id, bens.id]));
    assert.deepEqual(await set(`customerId=${a.id}&issueDateFrom=2026-02-01`), new Set([big.id]));
    assert.deepEqual(await set(`q=${big.number}&status=draft`), new Set([big.id]));
    assert.deepEqual(await set(`q=${big.number}&status=sent`), new Set());
    const future = new Date(Date.now() + 86400_000).toISOString();
    assert.deepEqual(await set(`createdAfter=${future}`), new Set());
    assert.equal((await set(`createdBefore=${future}`)).size, 3);
    assert.deepEqual(new Set(await d.ids(`${v1}/customers?q=filter&lifecycleStage=PROSPECT`)), new Set([a.id, b.id]));
    assert.deepEqual(await d.ids(`${v1}/customers?q=filter&type=company`), []);
  });

  it('refuses bad search parameters with 400 in the Records API shape, naming the parameter', async () => {
    const d = await dealer();
    const cases: [string, string][] = [
      ['invoices?status=lost', 'status'],
      ['invoices?issueDateFrom=2026-13-01', 'issueDateFrom'],
      ['invoices?totalAmountMin=ten', 'totalAmountMin'],
      ['invoices?createdAfter=yesterday', 'createdAfter'],
      [`customers?q=${'x'.repeat(201)}`, 'q'],
      ['customers?status=new', 'status'], // customers have no status
      ['events?q=x', 'q'], // not a searchable list
    ];
    for (const [path, field] of cases) {
      const res = await d.api('GET', `${v1}/${path}`);
      assert.equal(res.status, 400, `${path}: ${res.text}`);
      assert.equal(res.body.error.code, 'validation_failed', path);
      assert.match(res.body.error.message, new RegExp(field), path);
    }
  });

  it("never finds another dealership's or the other environment's records", async () => {
    const mine = await dealer();
    const theirs = await dealer();
    const live = await server.key(mine.tenantId, { env: 'live' });
    const liveApi = client(server.url, { 'x-api-key': live.key });
    const ours = await mine.post('customers', { firstName: 'Isolde', lastName: 'Unique', phone: '+1 202 555 0199' });
    await theirs.post('customers', { firstName: 'Isolde', lastName: 'Unique', phone: '+1 202 555 0199' });
    const inLive = await liveApi('POST', `${v1}/customers`, { firstName: 'Isolde', lastName: 'Unique', phone: '+1 202 555 0199' });
    assert.equal(inLive.status, 201);
    for (const q of ['isolde', '2025550199']) {
      assert.deepEqual(await mine.ids(`${v1}/customers?q=${q}&includeTotal=true`), [ours.id], q);
      const liveFound = await liveApi('GET', `${v1}/customers?q=${q}`);
      assert.deepEqual(
        liveFound.body.data.map((r: { id: string }) => r.id),
        [inLive.body.data.id],
      );
    }
  });

  it("takes its candidates from the tenant's own search grams, and still finds accents, punctuation and terms of two letters", async () => {
    const d = await dealer();
    const muller = await d.post('customers', { firstName: 'Jürgen', lastName: 'Müller-Lüdenscheidt', email: 'j.mueller+cars@autohaus.example' });
    const jo = await d.post('customers', { firstName: 'Jo', lastName: 'Ng' });
    const cases: [string, string[]][] = [
      ['müller', [muller.id]],
      ['MÜLLER-LÜD', [muller.id]],
      ['mueller+cars@auto', [muller.id]],
      ['haus.exa', [muller.id]],
      ['jo ng', [jo.id]],
      ['üd', [muller.id]],
    ];
    for (const [q, expected] of cases) assert.deepEqual(await d.ids(`${v1}/customers?q=${encodeURIComponent(q)}`), expected, q);

    // The index's expression and the query's are built by one function: were they to drift apart,
    // every search would read the whole tenant. With sequential scans off, the plan names the index.
    const plan = await server.app.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const grams = sql`${searchGrams(customers.tenantId, customers.environment, customers.searchText)} @> ${searchGrams(d.tenantId, 'test', 'müller')}`;
      const res = (await tx.execute(sql`explain select ${customers.id} from ${customers} where ${grams}`)) as unknown as { rows: Record<string, string>[] };
      return res.rows.map((r) => Object.values(r)[0]).join('\n');
    });
    assert.match(plan, /customers_search_grams_idx/, plan);

    // No search grams index keeps a pending list (storage/search-text.ts searchIndex): rows just
    // written are in the index itself, so a search never reads a list of them in full.
    const options = (await server.app.database.db.execute(
      sql`select c.relname as name, coalesce(array_to_string(c.reloptions, ','), '') as options from pg_class c where c.relkind = 'i' and c.relname like '%search_grams_idx'`,
    )) as unknown as { rows: { name: string; options: string }[] };
    assert.equal(options.rows.length, 9, JSON.stringify(options.rows));
    for (const index of options.rows) assert.match(index.options, /fastupdate=(off|false)/, index.name);
    const created = await d.post('customers', { firstName: 'Pending', lastName: 'Nowhere' });
    assert.deepEqual(await d.ids(`${v1}/customers?q=pending%20nowhere`), [created.id]);
  });

  it('the management API searches the same way, by page, and documents q in /openapi.json', async () => {
    const { manage: api } = await staffDealer(server);
    const made = await api('POST', '/manage/v1/records/customers', { firstName: 'Dashboard', lastName: 'Findme' });
    assert.equal(made.status, 201, made.text);
    await api('POST', '/manage/v1/records/customers', { firstName: 'Someone', lastName: 'Else' });
    const found = await api('GET', '/manage/v1/records/customers?q=findme&limit=5');
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(
      found.body.data.map((r: { id: string }) => r.id),
      [made.body.data.id],
    );
    assert.equal(found.body.total, 1);
    assert.equal((await api('GET', '/manage/v1/records/customers?q=findme&type=robot')).status, 400);
    assert.equal((await api('GET', '/manage/v1/records/customers?lifecycleStage=PROSPECT')).body.total, 2, 'filters without q keep the newest-first order');

    const spec = (await client(server.url)('GET', '/openapi.json')).body;
    const params = (path: string) => (spec.paths[path].get.parameters as { name: string }[]).map((p) => p.name);
    for (const name of ['limit', 'skip', 'updatedAfter', 'cursor', 'q', 'status', 'customerId', 'issueDateFrom', 'issueDateTo', 'totalAmountMin', 'totalAmountMax']) {
      assert.ok(params(`${v1}/invoices`).includes(name), `invoices list documents ${name}`);
    }
    assert.match(spec.paths[`${v1}/customers`].get.description, /Ranked/);
  });
});
