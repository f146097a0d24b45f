import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq } from 'drizzle-orm';
import { sharedServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { allPages, assertStorefrontError, cmp, cmpKeys, seededDealer, type Api } from './storefront-setup.ts';
import { events } from '../src/storage/schema/index.ts';

type Expected = {
  c: JsonBody;
  purchases: number;
  spent: number;
  last: string | null;
  bought: number;
  rented: number;
  segment: string;
  leadScore: number;
};

/** The documented rules, applied to the Records API's customers and invoices. */
async function expectedCustomers(api: Api): Promise<Expected[]> {
  const customers = (await api('GET', '/api/public/v1/customers?limit=200')).body.data as JsonBody[];
  const invoices = ((await api('GET', '/api/public/v1/invoices?limit=200')).body.data as JsonBody[]).filter((i) => i.status === 'paid');
  const yearAgo = new Date();
  yearAgo.setUTCMonth(yearAgo.getUTCMonth() - 12);
  return customers.map((c) => {
    const mine = invoices.filter((i) => i.customerId === c.id);
    const dates = mine.map((i) => (i.issueDate ? new Date(`${i.issueDate}T00:00:00.000Z`).toISOString() : i.paidAt)).sort();
    const last = dates.at(-1) ?? null;
    const segment = c.isVip ? 'vip' : last && last < yearAgo.toISOString() ? 'at_risk' : mine.length ? 'regular' : 'new';
    return {
      c,
      purchases: mine.length,
      spent: mine.filter((i) => i.currency === 'USD').reduce((s, i) => s + i.totalAmount, 0) / 100,
      last,
      bought: mine.filter((i) => i.metadata?.vehicleTransaction === 'sale').length,
      rented: mine.filter((i) => i.metadata?.vehicleTransaction === 'rental').length,
      segment,
      leadScore: c.leadScore > 0 ? c.leadScore : Math.min(100, 20 * mine.length + (c.isVip ? 20 : 0)),
    };
  });
}

describe('Storefront customers', () => {
  let server: TestServer;
  let dealer: Awaited<ReturnType<typeof seededDealer>>;
  let expected: Expected[];
  before(async () => {
    server = await sharedServer();
    dealer = await seededDealer(server);
    expected = await expectedCustomers(dealer.api);
  });
  after(async () => server?.close());

  it('GET /external/customers (documented example): the documented fields, stats from paid invoices, classification by the documented rules', async () => {
    const res = await dealer.api('GET', '/external/customers');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.statusCode, 200);
    assert.equal(res.body.page, 1);
    assert.equal(res.body.limit, 20);
    assert.equal(res.body.total, expected.length);
    assert.equal(res.body.totalPages, Math.ceil(expected.length / 20));
    const everyone = await allPages(dealer.api, '/external/customers', 4);
    for (const e of expected) {
      const got = everyone.find((x) => x.id === e.c.id);
      assert.ok(got, e.c.id);
      assert.deepEqual(Object.keys(got).sort(), ['classification', 'createdDate', 'id', 'preferences', 'stats', 'tags', 'user']);
      assert.deepEqual(got.user, {
        id: e.c.id,
        email: e.c.email,
        firstName: e.c.firstName,
        lastName: e.c.lastName,
        phone: (e.c.mobile ?? e.c.phone) ? { mobile: e.c.mobile ?? e.c.phone } : {},
      });
      assert.deepEqual(
        got.stats,
        { totalPurchases: e.purchases, totalSpent: e.spent, currency: 'USD', lastPurchaseDate: e.last, totalVehiclesPurchased: e.bought, totalVehiclesRented: e.rented },
        e.c.displayName,
      );
      assert.deepEqual(got.classification, { leadScore: e.leadScore, lifecycleStage: e.purchases ? 'CUSTOMER' : e.c.lifecycleStage, customerSegment: e.segment, isVip: e.c.isVip });
      assert.deepEqual(got.tags, e.c.tags);
      assert.equal(got.createdDate, e.c.createdAt);
    }
    for (const segment of ['new', 'regular', 'vip', 'at_risk'])
      assert.ok(
        expected.some((e) => e.segment === segment),
        `the demo has a ${segment} customer`,
      );
    assert.ok(expected.some((e) => e.bought > 0) && expected.some((e) => e.rented > 0));
  });

  it('segment and search filters match a brute-force filter', async () => {
    const name = (e: Expected) => [e.c.firstName, e.c.lastName, e.c.companyName, e.c.email].filter(Boolean).join(' ').toLowerCase();
    const cases: [string, (e: Expected) => boolean][] = [
      ...['new', 'regular', 'vip', 'at_risk'].map((s) => [`segment=${s}`, (e: Expected) => e.segment === s] as [string, (e: Expected) => boolean]),
      ['search=HART', (e) => name(e).includes('hart')],
      ['search=amelia%20hart', (e) => name(e).includes('amelia') && name(e).includes('hart')],
      ['search=example.com', (e) => (e.c.email ?? '').includes('example.com')],
      ['search=fleet', (e) => name(e).includes('fleet')],
      ['search=garc%C3%ADa', (e) => name(e).includes('garcía')],
      ['search=zzz-nobody', () => false],
      ['segment=regular&search=example', (e) => e.segment === 'regular' && name(e).includes('example')],
    ];
    for (const [query, predicate] of cases) {
      const got = await allPages(dealer.api, `/external/customers?${query}`, 4);
      assert.deepEqual(
        got.map((c) => c.id).sort(),
        expected
          .filter(predicate)
          .map((e) => e.c.id)
          .sort(),
        query,
      );
    }
  });

  it('each sort, ASC and DESC, matches a brute-force sort (customers without purchases last by lastPurchaseDate)', async () => {
    const keys: Record<string, (e: Expected) => (string | number)[]> = {
      createdDate: (e) => [e.c.createdAt],
      totalSpent: (e) => [e.spent],
      leadScore: (e) => [e.leadScore],
      lastPurchaseDate: (e) => [e.last ?? ''],
    };
    for (const [sortBy, key] of Object.entries(keys)) {
      for (const order of ['ASC', 'DESC']) {
        const sign = order === 'ASC' ? 1 : -1;
        const sorted = [...expected].sort((a, b) => {
          if (sortBy === 'lastPurchaseDate' && !a.last !== !b.last) return a.last ? -1 : 1;
          return cmpKeys([...key(a), a.c.id], [...key(b), b.c.id], sign);
        });
        const got = await allPages(dealer.api, `/external/customers?sortBy=${sortBy}&sortOrder=${order}`, 4);
        assert.deepEqual(
          got.map((c) => c.id),
          sorted.map((e) => e.c.id),
          `${sortBy} ${order}`,
        );
      }
    }
    const byDefault = await allPages(dealer.api, '/external/customers', 4);
    assert.deepEqual(
      byDefault.map((c) => c.id),
      [...expected].sort((a, b) => -cmp(a.c.createdAt, b.c.createdAt) || -cmp(a.c.id, b.c.id)).map((e) => e.c.id),
    );
  });

  it("GET /external/customers/:id (documented example) includes notes; another dealer's customer is a 404", async () => {
    const e = expected.find((x) => x.purchases > 0)!;
    const res = await dealer.api('GET', `/external/customers/${e.c.id}`);
    assert.equal(res.status, 200, res.text);
    for (const k of ['id', 'user', 'stats', 'classification', 'preferences', 'tags', 'notes']) assert.ok(k in res.body.data, k);
    assert.equal(res.body.data.stats.totalPurchases, e.purchases);
    const other = await server.tenant();
    assertStorefrontError(await client(server.url, { 'x-api-key': other.key })('GET', `/external/customers/${e.c.id}`), 404);
    assertStorefrontError(await client(server.url, { 'x-api-key': other.key })('PATCH', `/external/customers/${e.c.id}`, { notes: 'x' }), 404);
    assertStorefrontError(await dealer.api('GET', '/external/customers/nope'), 404);
  });

  it('PATCH /external/customers/:id (documented example) updates notes, tags, preferences and isVip, fires crm.customers.updated', async () => {
    const t = await seededDealer(server);
    const before = (await expectedCustomers(t.api)).find((e) => e.segment === 'regular')!;
    const res = await t.api('PATCH', `/external/customers/${before.c.id}`, { notes: 'Updated notes...', tags: ['vip', 'repeat-buyer'], isVip: true, preferences: { vehicleTypes: ['SUV'] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      statusCode: 200,
      data: { id: before.c.id, notes: 'Updated notes...', tags: ['vip', 'repeat-buyer'], preferences: { vehicleTypes: ['SUV'] }, isVip: true, customerSegment: 'vip' },
    });
    const record = (await t.api('GET', `/api/public/v1/customers/${before.c.id}`)).body.data;
    assert.equal(record.notes, 'Updated notes...');
    assert.equal(record.isVip, true);
    assert.equal(record.firstName, before.c.firstName, 'fields not sent are kept');
    const got = await t.api('GET', `/external/customers/${before.c.id}`);
    assert.equal(got.body.data.classification.customerSegment, 'vip');
    assert.equal(got.body.data.notes, 'Updated notes...');
    const vips = await allPages(t.api, '/external/customers?segment=vip', 4);
    assert.ok(vips.some((c) => c.id === before.c.id));
    const rows = await server.app.database.db
      .select()
      .from(events)
      .where(and(eq(events.tenantId, t.tenantId), eq(events.type, 'crm.customers.updated')));
    assert.ok(rows.some((r) => (r.data as JsonBody).id === before.c.id && (r.data as JsonBody).notes === 'Updated notes...'));

    const clear = await t.api('PATCH', `/external/customers/${before.c.id}`, { notes: null, isVip: false });
    assert.deepEqual([clear.body.data.notes, clear.body.data.customerSegment], [null, 'regular']);

    for (const [body, field] of [
      [{ tags: 'vip' }, 'tags'],
      [{ isVip: 'yes' }, 'isVip'],
      [{ preferences: [] }, 'preferences'],
      [{ email: 'x@example.com' }, 'email'],
    ] as const) {
      const bad = await t.api('PATCH', `/external/customers/${before.c.id}`, body);
      assertStorefrontError(bad, 400);
      assert.match(bad.body.error, new RegExp(field));
    }
  });

  it('GET /external/customers/stats/summary (documented example) matches a brute-force computation', async () => {
    const res = await dealer.api('GET', '/external/customers/stats/summary');
    assert.equal(res.status, 200, res.text);
    const revenue = expected.reduce((s, e) => s + e.spent, 0);
    const since = new Date(Date.now() - 30 * 86400_000).toISOString();
    const seg = (s: string) => expected.filter((e) => e.segment === s).length;
    assert.deepEqual(res.body.data, {
      totalCustomers: expected.length,
      vipCustomers: expected.filter((e) => e.c.isVip).length,
      totalRevenue: Math.round(revenue * 100) / 100,
      averageSpent: Math.round(revenue / expected.length),
      currency: 'USD',
      totalTransactions: expected.reduce((s, e) => s + e.purchases, 0),
      averageLeadScore: Math.round(expected.reduce((s, e) => s + e.leadScore, 0) / expected.length),
      newCustomersLast30Days: expected.filter((e) => e.c.createdAt >= since).length,
      segmentBreakdown: { new: seg('new'), regular: seg('regular'), vip: seg('vip'), atRisk: seg('at_risk') },
    });
    assert.ok(res.body.data.totalRevenue > 0);
  });

  it('bad queries and keys are refused in the storefront shape', async () => {
    for (const [query, field] of [
      ['segment=gold', 'segment'],
      ['sortBy=name', 'sortBy'],
      ['sortOrder=UP', 'sortOrder'],
      ['limit=101', 'limit'],
    ]) {
      const bad = await dealer.api('GET', `/external/customers?${query}`);
      assertStorefrontError(bad, 400);
      assert.match(bad.body.error, new RegExp(field));
    }
    assertStorefrontError(await client(server.url)('GET', '/external/customers'), 401);
    const { key } = await server.key(dealer.tenantId, { scopes: ['customers:read'] });
    const denied = await client(server.url, { 'x-api-key': key })('PATCH', `/external/customers/${expected[0].c.id}`, { notes: 'x' });
    assertStorefrontError(denied, 403);
    assert.match(denied.body.error, /customers:write/);
  });
});
