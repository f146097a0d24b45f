import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, sharedServer, type TestServer, type JsonBody } from './helpers.ts';
import { fetchDocument, newCaller, operations, otherEnvironment, sampleValue, type Caller, type Operation } from './openapi-tools.ts';

// For every route addressing one record by id (from /openapi.json, so new routes are covered
// without being named here): tenant A's record is a 404 for tenant B and for A's other
// environment, whatever the method, and is unchanged afterwards.

/** Routes whose record can't be made from the document alone, with the reason (printed). */
const SKIP: Record<string, string> = {};
/** Routes over tenant-wide records, where only the tenant boundary applies (printed). */
const TENANT_WIDE: Record<string, string> = {
  '/manage/v1/keys/{id}/revoke': 'API keys belong to the dealership; the dashboard manages live and test keys alike',
  '/manage/v1/keys/{id}/rotate': 'API keys belong to the dealership; the dashboard manages live and test keys alike',
  '/manage/v1/invitations/{id}/revoke': 'staff invitations belong to the dealership, not to an environment',
};

const idParam = /\{([^}]+)\}/;

function idOf(body: unknown): string | undefined {
  const b = body as Record<string, JsonBody> | undefined;
  const candidates = [b?.data?.id, b?.id, b?.data?.user?.id, Array.isArray(b?.data) ? b.data[0]?.id : undefined];
  return candidates.find((c) => typeof c === 'string');
}

describe('tenant and environment isolation over every route with an {id}', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  after(async () => server?.close());

  it("a record of tenant A is a 404 for tenant B and for A's other environment, and stays unchanged", async () => {
    const ops = operations(await fetchDocument(server.url));
    const api = client(server.url);
    const a = await newCaller(server);
    const b = await newCaller(server);
    const aOther = await otherEnvironment(server, a);
    const send = (caller: Caller, op: Operation, path: string) =>
      api(op.method, path, op.method === 'GET' || op.method === 'DELETE' ? undefined : (sampleValue(op.body ?? { type: 'object' }) ?? {}), caller.headers(op.surface));

    const byPath = new Map<string, Operation[]>();
    for (const op of ops) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
    const idPaths = [...byPath.keys()].filter((p) => idParam.test(p));
    assert.ok(idPaths.length > 0);

    // Records are created by the collection's POST, the path up to the id; each id is kept so
    // routes without their own POST (another surface's view of the same record) can find theirs.
    const created = new Map<string, string>();
    const attempted = new Set<string>();
    const skipped: string[] = [];
    const collectionOf = (path: string) => path.slice(0, path.search(idParam)).replace(/\/$/, '');
    for (const path of idPaths) {
      const collection = collectionOf(path);
      if (attempted.has(collection)) continue;
      attempted.add(collection);
      const post = byPath.get(collection)?.find((o) => o.method === 'POST');
      if (!post) continue;
      const res = await api('POST', collection, sampleValue(post.body ?? { type: 'object' }) ?? {}, a.headers(post.surface));
      const id = idOf(res.body);
      if (res.status >= 300 || !id) skipped.push(`${collection}: could not create a record from the schema (${res.status} ${res.text.slice(0, 200)})`);
      else created.set(collection, id);
    }

    let checked = 0;
    for (const path of idPaths) {
      if (SKIP[path]) {
        skipped.push(`${path}: ${SKIP[path]}`);
        continue;
      }
      const pathOps = byPath.get(path)!;
      const get = pathOps.find((o) => o.method === 'GET');
      let id = created.get(collectionOf(path));
      if (!id && get) {
        // No POST of its own: some record A made elsewhere, that A can read here, is the one.
        for (const candidate of created.values()) {
          const res = await api('GET', path.replace(idParam, candidate), undefined, a.headers(get.surface));
          if (res.status === 200) {
            id = candidate;
            break;
          }
        }
      }
      if (!id) {
        skipped.push(`${path}: no POST on ${collectionOf(path)} and no record of another collection readable here`);
        continue;
      }
      const target = path.replace(idParam, id);
      const before = get ? await api('GET', target, undefined, a.headers(get.surface)) : undefined;
      if (get) assert.equal(before!.status, 200, `${target} is readable by its owner: ${before!.text}`);
      // Reads first, deletes last, so every method meets an existing record.
      const order = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'];
      for (const op of [...pathOps].sort((x, y) => order.indexOf(x.method) - order.indexOf(y.method))) {
        const callers: [string, Caller][] = [['tenant B', b]];
        if (!TENANT_WIDE[path]) callers.push(["A's other environment", aOther]);
        for (const [who, caller] of callers) {
          const res = await send(caller, op, target);
          assert.equal(res.status, 404, `${op.method} ${path} as ${who}: ${res.status} ${res.text.slice(0, 300)}`);
          checked++;
        }
      }
      if (get) {
        const after = await api('GET', target, undefined, a.headers(get.surface));
        assert.equal(after.status, 200, `${target} still exists for its owner`);
        assert.deepEqual(after.body, before!.body, `${target} is unchanged`);
      }
    }
    console.log(`isolation: ${checked} requests over ${idPaths.length} {id} routes`);
    for (const [path, why] of Object.entries(TENANT_WIDE)) if (byPath.has(path)) skipped.push(`${path}: other environment not checked: ${why}`);
    if (skipped.length) console.log(`isolation: skipped\n  ${skipped.join('\n  ')}`);
    assert.ok(checked > 0);
  });
});
