import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { startServer, client, type TestServer, type JsonBody } from './helpers.ts';
import { events, requestLogs, webhookDeliveries } from '../src/storage/schema/index.ts';
import { eventRegistry, eventTypes, emit } from '../src/core/events.ts';
import { newId } from '../src/core/ids.ts';
import { eventLogCount, eventLogWhere } from '../src/core/event-log.ts';
import { scoped } from '../src/storage/tenant-scope.ts';
import type { Ctx } from '../src/core/context.ts';

const records = '/api/public/v1';
const crm = '/crm-api/v1';

describe('the event log (GET /events) and the event registry', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it("lists only the key's tenant and environment, newest first, in each surface's style", async () => {
    const a = await server.tenant();
    const aLive = await server.key(a.tenantId, { env: 'live' });
    const b = await server.tenant();
    const api = (key: string) => client(server.url, { 'x-api-key': key });
    const ann = (await api(a.key)('POST', `${records}/customers`, { firstName: 'Ann' })).body.data;
    assert.equal((await api(a.key)('PUT', `${records}/customers/${ann.id}`, { lastName: 'Lee' })).status, 200);
    await api(aLive.key)('POST', `${records}/customers`, { firstName: 'Live' });
    await api(b.key)('POST', `${records}/customers`, { firstName: 'Other' });

    const res = await api(a.key)('GET', `${records}/events`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.data.map((e: JsonBody) => e.event),
      ['crm.customers.updated', 'crm.customers.created'],
    );
    assert.ok(res.body.data.every((e: JsonBody) => e.environment === 'test' && e.data.id === ann.id));
    assert.equal(res.body.data[0].data.lastName, 'Lee');
    assert.deepEqual([res.body.hasMore, res.body.nextCursor, res.body.total, res.body.limit], [false, null, null, 50]);
    assert.ok(res.body.data[0].createdAt >= res.body.data[1].createdAt);

    const live = await api(aLive.key)('GET', `${records}/events`);
    assert.deepEqual(
      live.body.data.map((e: JsonBody) => [e.event, e.data.firstName, e.environment]),
      [['crm.customers.created', 'Live', 'live']],
    );
    const other = await client(server.url, { authorization: `Bearer ${b.key}` })('GET', `${crm}/events`);
    assert.equal(other.status, 200, other.text);
    assert.deepEqual(
      other.body.data.map((e: JsonBody) => [e.event, e.data.firstName, e.environment]),
      [['crm.customers.created', 'Other', 'test']],
    );
    assert.deepEqual(other.body.pagination, { page: 1, limit: 25, total: 1, total_pages: 1 });
    assert.equal(typeof other.body.data[0].created_at, 'string');
    assert.equal(other.body.data[0].createdAt, undefined);
    // Another tenant's cursor or event id never leads into this tenant's log either.
    const viaCursor = await api(b.key)('GET', `${records}/events?cursor=${encodeURIComponent(Buffer.from(`2100-01-01T00:00:00.000Z|ffffffff-ffff-7fff-bfff-ffffffffffff`).toString('base64url'))}`);
    assert.deepEqual(
      viaCursor.body.data.map((e: JsonBody) => e.data.firstName),
      ['Other'],
    );
  });

  it('pages by cursor (Records) and by page (CRM), filters by type with wildcards and by time range', async () => {
    const t = await server.tenant();
    const api = client(server.url, { 'x-api-key': t.key });
    const c = (await api('POST', `${records}/customers`, { firstName: 'Cy' })).body.data;
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const inv = await api('POST', `${crm}/invoices`, { client_id: c.id, line_items: [{ description: 'Service', quantity: 1, rate: 100 }] });
    assert.equal(inv.status, 201, inv.text);
    const sent = await api('PATCH', `${crm}/invoices/${inv.body.data.id}/status`, { status: 'sent' });
    assert.equal(sent.status, 200, sent.text);
    const lead = await api('POST', `${records}/leads`, { source: 'website', contactName: 'Lee', contactEmail: 'lee@example.com' });
    assert.equal(lead.status, 201, lead.text);

    const all = (await api('GET', `${records}/events?limit=200`)).body.data.map((e: JsonBody) => e.id);
    assert.ok(all.length >= 5, String(all.length));
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: JsonBody = await api('GET', `${records}/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      walked.push(...page.body.data.map((e: JsonBody) => e.id));
      cursor = page.body.nextCursor;
      assert.equal(page.body.hasMore, cursor !== null);
    } while (cursor);
    assert.deepEqual(walked, all);
    assert.deepEqual([...all].sort().reverse(), all, 'newest (largest UUIDv7) first');

    const invoices = (await api('GET', `${records}/events?type=crm.invoices.*&includeTotal=true`)).body;
    assert.ok(invoices.data.length >= 2);
    assert.ok(invoices.data.every((e: JsonBody) => e.event.startsWith('crm.invoices.')));
    assert.equal(invoices.total, invoices.data.length);
    assert.ok(invoices.data.some((e: JsonBody) => e.event === 'crm.invoices.status_changed'));
    const two = (await api('GET', `${crm}/events?type=crm.leads.created,crm.customers.created`)).body.data.map((e: JsonBody) => e.event);
    assert.deepEqual(two, ['crm.leads.created', 'crm.customers.created']);
    const after_ = (await api('GET', `${records}/events?since=${between}`)).body.data.map((e: JsonBody) => e.event);
    assert.ok(!after_.includes('crm.customers.created') && after_.includes('crm.leads.created'), after_.join());
    const before_ = (await api('GET', `${crm}/events?until=${between}`)).body.data.map((e: JsonBody) => e.event);
    assert.deepEqual(before_, ['crm.customers.created']);
    const paged = await api('GET', `${crm}/events?page=2&limit=2`);
    assert.deepEqual(
      paged.body.data.map((e: JsonBody) => e.id),
      all.slice(2, 4),
    );
    assert.equal(paged.body.pagination.total, all.length);

    for (const [surface, path] of [
      ['records', `${records}/events?type=crm.foo.bar`],
      ['crm', `${crm}/events?type=crm.invoices.*,crm.nothing.*`],
    ]) {
      const bad = await api('GET', path);
      assert.equal(bad.status, 400, `${surface}: ${bad.text}`);
      assert.equal(bad.body.error.details[0].field, 'type');
    }
    const forged = await api('GET', `${records}/events?cursor=not-a-cursor`);
    assert.equal(forged.status, 400);
    assert.equal((await api('GET', `${records}/events?since=yesterday`)).status, 400);
  });

  it('needs the events:read scope on both surfaces', async () => {
    const t = await server.tenant();
    const { key: customersOnly } = await server.key(t.tenantId, { scopes: ['customers:read', 'clients:read'] });
    const { key: eventsOnly } = await server.key(t.tenantId, { scopes: ['events:read'] });
    for (const path of [`${records}/events`, `${crm}/events`, `/functions/v1/crm-api/v1/events`]) {
      const denied = await client(server.url, { 'x-api-key': customersOnly })('GET', path);
      assert.equal(denied.status, 403, path);
      assert.match(denied.body.error.message, /events:read/);
      assert.equal((await client(server.url, { 'x-api-key': eventsOnly })('GET', path)).status, 200, path);
    }
    const scopes = (await client(server.url)('GET', '/openapi.json')).body.paths['/api/public/v1/events'].get['x-required-scope'];
    assert.equal(scopes, 'events:read');
  });

  it('refuses webhook subscriptions to events that do not exist, naming the field', async () => {
    const t = await server.tenant();
    const api = client(server.url, { authorization: `Bearer ${t.key}` });
    for (const name of ['crm.foo.bar', 'crm.appointments.created', 'crm.customer.*', 'crm.invoices.paid']) {
      const res = await api('POST', `${crm}/webhooks`, { url: 'https://example.com/hook', events: [name] });
      assert.equal(res.status, 400, `${name}: ${res.text}`);
      assert.equal(res.body.error.details[0].field, 'events');
      assert.match(res.body.error.message, new RegExp(name.replace(/[.*]/g, '\\$&')));
    }
    const ok = await api('POST', `${crm}/webhooks`, { url: 'https://example.com/hook', events: ['crm.invoices.*', 'crm.blogPosts.created', 'crm.newsletter.subscribed', 'crm.payments.created', '*'] });
    assert.equal(ok.status, 201, ok.text);
    const update = await api('PUT', `${crm}/webhooks/${ok.body.data.id}`, { events: ['crm.nope.created'] });
    assert.equal(update.status, 400, update.text);
  });

  it('declares every emitted type once, in the catalogue and docs/webhooks.md; an undeclared type is refused', async () => {
    assert.equal(new Set(eventTypes).size, eventTypes.length);
    for (const type of [
      'crm.blogPosts.created',
      'crm.blogPosts.updated',
      'crm.blogPosts.deleted',
      'crm.newsletter.subscribed',
      'crm.invoices.status_changed',
      'crm.payments.created',
      'webhook.test',
    ]) {
      assert.ok(eventTypes.includes(type), type);
    }
    assert.ok(!eventTypes.includes('crm.appointments.created'));
    assert.ok(eventRegistry.every((e) => e.record && e.description));
    const docs = fs.readFileSync(new URL('../docs/webhooks.md', import.meta.url), 'utf8');
    for (const type of eventTypes) {
      const [, collection, action] = type.split('.');
      const named = docs.includes(`\`${type}\``) || (type.startsWith('crm.') && docs.includes(`\`${collection}\``) && ['created', 'updated', 'deleted'].includes(action));
      assert.ok(named, `docs/webhooks.md does not name ${type}`);
    }
    const t = await server.tenant();
    const catalogue = await server.app.database.db.select().from(events).where(eq(events.tenantId, t.tenantId));
    assert.equal(catalogue.length, 0);
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: server.app.database.db };
    await assert.rejects(emit(ctx, 'crm.appointments.created', {}), /not declared/);
  });

  // The CRM list's pagination.total counts the tenant's events of one environment (by type): with
  // only the primary key (tenant_id, id) it reads every event of the tenant, both environments,
  // from the table. Sequential scans are turned off to ask the planner what an index can serve.
  it("counts the CRM event list's total from an index covering tenant, environment and type", async () => {
    const t = await server.tenant();
    const ctx: Ctx = { tenantId: t.tenantId, environment: 'test', scopes: ['*'], actor: { type: 'system', id: 'test' }, requestId: 'test', db: server.app.database.db };
    for (const types of [undefined, ['crm.invoices.*']]) {
      const query = eventLogCount(ctx, scoped(ctx, events, ...eventLogWhere({ types }))).toSQL();
      // EXPLAIN takes no parameters: the test's own values, quoted, in their place.
      const literal = (v: unknown): string => (Array.isArray(v) ? `array[${v.map(literal).join(',')}]` : `'${String(v).replace(/'/g, "''")}'`);
      const text = query.sql.replace(/\$(\d+)/g, (_, n) => literal(query.params[Number(n) - 1]));
      const plan = await server.app.database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const res = (await tx.execute(sql.raw(`explain ${text}`))) as unknown as { rows: Record<string, string>[] };
        return res.rows.map((r) => Object.values(r)[0]).join('\n');
      });
      const cond = plan.match(/Index Cond: (.*)/)?.[1] ?? '';
      assert.match(cond, /environment/, `${types ?? 'all types'}: the index condition names the environment\n${plan}`);
      // The type is in the index too: whether the planner seeks or filters on it, no row is read from the table.
      assert.match(plan, /Index Only Scan/, `counted from the index alone\n${plan}`);
    }
  });

  it("prunes events and request log lines older than EVENT_RETENTION_DAYS on the worker's schedule, keeping events a delivery needs", async () => {
    const t = await server.tenant();
    const old = new Date(Date.now() - 31 * 86400_000);
    const db = server.app.database.db;
    const oldId = newId();
    const delivered = newId();
    await db.insert(events).values([
      { tenantId: t.tenantId, environment: 'test', id: oldId, type: 'crm.customers.created', data: {}, createdAt: old, dispatchedAt: old },
      { tenantId: t.tenantId, environment: 'test', id: delivered, type: 'crm.customers.created', data: {}, createdAt: old, dispatchedAt: old },
    ]);
    // A delivery made recently of an old event (a resend sends the stored event again).
    await db.insert(webhookDeliveries).values({
      tenantId: t.tenantId,
      environment: 'test',
      id: newId(),
      endpointId: newId(),
      eventId: delivered,
      eventType: 'crm.customers.created',
      status: 'succeeded',
      attempts: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await db
      .insert(requestLogs)
      .values({ tenantId: t.tenantId, environment: 'test', id: newId(), keyId: t.keyId, method: 'GET', path: '/old', status: 200, durationMs: 1, requestId: 'old', createdAt: old });
    await client(server.url, { 'x-api-key': t.key })('POST', `${records}/customers`, { firstName: 'Fresh' });
    // The worker prunes when it starts and then every 10 minutes; a start is the schedule's first run.
    await server.app.webhooks.start();
    const deadline = Date.now() + 10_000;
    let left: string[] = [];
    let logs = 1;
    while (Date.now() < deadline) {
      left = (await db.select().from(events).where(eq(events.tenantId, t.tenantId))).map((e) => e.id);
      logs = (
        await db
          .select()
          .from(requestLogs)
          .where(and(eq(requestLogs.tenantId, t.tenantId), eq(requestLogs.path, '/old')))
      ).length;
      if (!left.includes(oldId) && logs === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.app.webhooks.stop();
    assert.ok(!left.includes(oldId), 'the old dispatched event was pruned');
    assert.equal(logs, 0, 'the old request log line was pruned');
    assert.equal(left.length, 2, 'the fresh event and the old one a delivery needs are kept');
    assert.ok(left.includes(delivered));
  });
});
