import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { client, sharedServer, type TestServer, type Res } from './helpers.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from '../src/core/demo.ts';
import { createApiKey } from '../src/core/api-keys.ts';

// GET /manage/v1/lead-inbox on the demo dealership: every lead titled by a person, newest received
// first, the status / origin / assignee filters and the per-status counts the tabs show.

type InboxLead = {
  id: string;
  title: string;
  origin: string;
  status: string;
  createdAt: string;
  assignedEmployeeId: string | null;
  assigneeName: string | null;
  customerId: string | null;
  customerName: string | null;
  replyEmail: string | null;
};

describe('the Leads inbox (management API)', () => {
  let server: TestServer;
  let manage: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;
  let records: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;
  before(async () => {
    server = await sharedServer();
    const demo = await createDemoTenant(server.app.database.db);
    const res = await client(server.url)('POST', '/manage/v1/session', { email: DEMO_EMAIL, password: DEMO_PASSWORD });
    assert.equal(res.status, 200, res.text);
    manage = client(server.url, { cookie: res.headers.get('set-cookie')!.split(';')[0] });
    const key = await createApiKey(server.app.database.db, { tenantId: demo.tenantId, environment: 'test', name: 't', scopes: ['*'] });
    records = client(server.url, { 'x-api-key': key.key });
  });
  after(async () => server?.close());

  const inbox = async (query = ''): Promise<{ data: InboxLead[]; total: number; counts: Record<string, number> }> => {
    const r = await manage('GET', `/manage/v1/lead-inbox?limit=100${query}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  it('titles every demo lead by the person behind it, never by an id', async () => {
    const { data, total } = await inbox();
    assert.equal(total, 12);
    for (const l of data) {
      assert.doesNotMatch(l.title, /^#|^[0-9a-f]{8}-|^Unknown sender$/, `lead ${l.id} is titled "${l.title}"`);
      if (!l.customerId) continue;
      assert.equal(l.title, l.customerName, 'a customer’s lead is titled by the customer');
      // The generic record lists title a lead by its own fields: the demo gives them a contact too.
      assert.equal((l as InboxLead & { contactName: string | null }).contactName, l.customerName);
    }
    const assigned = data.filter((l) => l.assignedEmployeeId);
    assert.ok(assigned.length > 0 && assigned.every((l) => l.assigneeName), 'assignees by name');
    assert.ok(data.filter((l) => l.origin === 'form').length >= 2, 'the Storefront forms');
  });

  it('lists newest received first, filters by status, origin and assignee, and counts each status', async () => {
    const adf = fs.readFileSync('test/fixtures/adf/autotrader-basic.xml', 'utf8');
    const imported = await records('POST', '/api/public/v1/leads/adf', adf, { 'content-type': 'application/xml' });
    assert.equal(imported.status, 201, imported.text);
    const { data, counts } = await inbox();
    assert.equal(data[0].id, imported.body.data[0].id, 'the newest lead first');
    assert.equal(data[0].origin, 'adf');
    const sorted = [...data].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    assert.deepEqual(
      data.map((l) => l.createdAt),
      sorted.map((l) => l.createdAt),
    );

    const fresh = await inbox('&status=new');
    assert.ok(fresh.data.length > 0 && fresh.data.every((l) => l.status === 'new'));
    assert.equal(fresh.total, counts.new);
    assert.equal(counts.all, data.length);
    assert.equal(
      Object.entries(counts)
        .filter(([k]) => k !== 'all')
        .reduce((n, [, v]) => n + v, 0),
      counts.all,
    );

    const adfOnly = await inbox('&origin=adf');
    assert.ok(adfOnly.data.every((l) => l.origin === 'adf') && adfOnly.data.some((l) => l.id === imported.body.data[0].id));
    const employee = data.find((l) => l.assignedEmployeeId)!.assignedEmployeeId!;
    const mine = await inbox(`&assignee=${employee}`);
    assert.ok(mine.data.length > 0 && mine.data.every((l) => l.assignedEmployeeId === employee));
    const unassigned = await inbox('&assignee=none');
    assert.equal(unassigned.data.length + data.filter((l) => l.assignedEmployeeId).length, data.length);
    assert.equal((await manage('GET', '/manage/v1/lead-inbox?origin=fax')).status, 400);
  });

  it('shows one lead with its raw document and parse warnings, and 404 for another environment', async () => {
    const imported = await records('POST', '/api/public/v1/leads/adf', fs.readFileSync('test/fixtures/adf/odd-values.xml', 'utf8'), { 'content-type': 'application/xml' });
    const id = imported.body.data[0].id;
    const one = await manage('GET', `/manage/v1/lead-inbox/${id}`);
    assert.equal(one.status, 200, one.text);
    assert.match(one.body.data.rawDocument, /<adf/i);
    assert.ok(one.body.data.parseWarnings.length > 0, 'the fixture raises warnings');
    const live = await manage('GET', `/manage/v1/lead-inbox/${id}`, undefined, { 'x-motors-environment': 'live' });
    assert.equal(live.status, 404, 'a test lead is not found in live');
  });
});
