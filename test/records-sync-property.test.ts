import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sharedServer, client, type TestServer, type Res } from './helpers.ts';
import { motors, employees, leads, directoryListings } from '../src/storage/schema/index.ts';
import { newId } from '../src/core/ids.ts';

const v1 = '/api/public/v1';

// A few instants in the past, so that many rows share one updatedAt exactly.
const stamps = [new Date('2026-03-01T10:00:00.000Z'), new Date('2026-03-01T10:00:00.001Z'), new Date('2026-03-01T10:00:00.002Z'), new Date('2026-03-02T00:00:00.000Z')];

type Owner = { tenantId: string; environment: 'test' };
// Per collection: a row written directly (with a chosen timestamp), a body for POST and one for PUT.
const collections = {
  motors: {
    insert: (o: Owner, id: string, at: Date, i: number) => ({ table: motors, values: { ...o, id, make: 'Toyota', model: `Camry ${i}`, slug: `toyota-camry-${i}`, createdAt: at, updatedAt: at } }),
    create: (i: number) => ({ make: 'Honda', model: `Civic ${i}` }),
    update: (i: number) => ({ mileage: 1000 + i }),
  },
  employees: {
    insert: (o: Owner, id: string, at: Date, i: number) => ({ table: employees, values: { ...o, id, firstName: `E${i}`, createdAt: at, updatedAt: at } }),
    create: (i: number) => ({ firstName: `New ${i}` }),
    update: (i: number) => ({ phone: `+1 555 ${1000 + i}` }),
  },
  leads: {
    insert: (o: Owner, id: string, at: Date, i: number) => ({ table: leads, values: { ...o, id, contactEmail: `l${i}@example.com`, createdAt: at, updatedAt: at } }),
    create: (i: number) => ({ contactPhone: `+1 555 ${2000 + i}` }),
    update: (i: number) => ({ message: `follow-up ${i}` }),
  },
  directoryListings: {
    insert: (o: Owner, id: string, at: Date, i: number) => ({ table: directoryListings, values: { ...o, id, directory: 'yelp' as const, name: `D${i}`, createdAt: at, updatedAt: at } }),
    create: (i: number) => ({ directory: 'google', name: `New ${i}` }),
    update: (i: number) => ({ phone: `+1 555 ${3000 + i}` }),
  },
} as const;
type Name = keyof typeof collections;
const names = Object.keys(collections) as Name[];

type Api = (method: string, path: string, body?: unknown) => Promise<Res>;

/** One run of the documented sync loop: follow nextCursor to the end; returns ids in order and the checkpoint. */
async function syncRun(api: Api, name: Name, pageSize: number, updatedAfter: string | null) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let checkpoint = updatedAfter;
  let total: number | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const params = new URLSearchParams({ limit: String(pageSize), includeTotal: 'true' });
    if (updatedAfter) params.set('updatedAfter', updatedAfter);
    if (cursor) params.set('cursor', cursor);
    const res = await api('GET', `${v1}/${name}?${params}`);
    assert.equal(res.status, 200, res.text);
    total ??= res.body.total;
    ids.push(...res.body.data.map((r: { id: string }) => r.id));
    checkpoint = res.body.nextUpdatedAfter ?? checkpoint;
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  return { ids, checkpoint, total };
}

describe('Records API sync loop (property)', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it('sees every record exactly once by following nextCursor, and sees updated records again after the checkpoint', async () => {
    const scenario = fc.record({
      // Directly inserted rows per collection, each with one of a few shared timestamps.
      rows: fc.record(Object.fromEntries(names.map((n) => [n, fc.array(fc.nat(stamps.length - 1), { maxLength: 25 })])) as Record<Name, fc.Arbitrary<number[]>>),
      firstPageSize: fc.integer({ min: 1, max: 12 }),
      secondPageSize: fc.integer({ min: 1, max: 12 }),
      // After the first run: which existing rows get updated (by index, modulo the count) and how many are created.
      updates: fc.array(fc.tuple(fc.constantFrom(...names), fc.nat(1000)), { maxLength: 10 }),
      creates: fc.array(fc.constantFrom(...names), { maxLength: 6 }),
    });

    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const t = await server.tenant();
        const api: Api = client(server.url, { 'x-api-key': t.key });
        const owner: Owner = { tenantId: t.tenantId, environment: 'test' };
        const stored: Record<Name, string[]> = { motors: [], employees: [], leads: [], directoryListings: [] };
        for (const name of names) {
          for (const [i, stamp] of s.rows[name].entries()) {
            const id = newId();
            const { table, values } = collections[name].insert(owner, id, stamps[stamp], i);
            await server.app.database.db.insert(table).values(values as never);
            stored[name].push(id);
          }
        }

        const checkpoints = {} as Record<Name, string | null>;
        for (const name of names) {
          const run = await syncRun(api, name, s.firstPageSize, null);
          assert.equal(run.ids.length, stored[name].length, `${name}: every record once (page size ${s.firstPageSize})`);
          assert.deepEqual(new Set(run.ids), new Set(stored[name]), `${name}: exactly the stored records`);
          assert.equal(run.total, stored[name].length);
          checkpoints[name] = run.checkpoint;
        }

        const expected: Record<Name, Set<string>> = { motors: new Set(), employees: new Set(), leads: new Set(), directoryListings: new Set() };
        for (const [name, pick] of s.updates) {
          if (!stored[name].length) continue;
          const id = stored[name][pick % stored[name].length];
          const res = await api('PUT', `${v1}/${name}/${id}`, collections[name].update(pick));
          assert.equal(res.status, 200, res.text);
          expected[name].add(id);
        }
        for (const [i, name] of s.creates.entries()) {
          const res = await api('POST', `${v1}/${name}`, collections[name].create(i));
          assert.equal(res.status, 201, res.text);
          expected[name].add(res.body.data.id);
        }

        for (const name of names) {
          const run = await syncRun(api, name, s.secondPageSize, checkpoints[name]);
          assert.equal(run.ids.length, new Set(run.ids).size, `${name}: no record twice in the second run`);
          assert.deepEqual(new Set(run.ids), expected[name], `${name}: the second run sees exactly what changed after the checkpoint`);
          // A third run from the new checkpoint finds nothing new.
          const idle = await syncRun(api, name, s.secondPageSize, run.checkpoint);
          assert.deepEqual(idle.ids, [], `${name}: nothing after the latest checkpoint`);
        }
      }),
      { numRuns: 12 },
    );
  });
});
