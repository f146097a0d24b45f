// What the Storefront API's test files share: its error shape, a dealer with the demo records,
// every page of a list and the brute-force sort's comparison.
import assert from 'node:assert/strict';
import { client, type JsonBody, type Res, type TestServer } from './helpers.ts';
import { seedDemo } from '../src/core/demo.ts';
import { systemCtx } from './system-ctx.ts';

export type Api = ReturnType<typeof client>;

/** The Storefront API's error body (statusCode, message, error, timestamp), and its code when one is given. */
export function assertStorefrontError(res: Res, status: number, code?: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.statusCode, status);
  assert.equal(typeof res.body.message, 'string');
  assert.equal(typeof res.body.error, 'string');
  if (code !== undefined) assert.equal(res.body.code, code);
  assert.ok(!Number.isNaN(Date.parse(res.body.timestamp)));
}

/** Byte order, as the API sorts text (collate "C"). */
export const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Key lists compared element by element, ascending (sign 1) or descending (-1): the brute-force side of the sort checks. */
export function cmpKeys(a: (string | number)[], b: (string | number)[], sign = 1): number {
  for (let i = 0; i < a.length; i++) if (cmp(a[i], b[i])) return sign * cmp(a[i], b[i]);
  return 0;
}

/** A new dealer with the demo records, and a client holding its API key. */
export async function seededDealer(server: TestServer) {
  const t = await server.tenant();
  await server.app.database.db.transaction((tx) => seedDemo({ ...systemCtx(server, t.tenantId), db: tx }));
  return { ...t, api: client(server.url, { 'x-api-key': t.key }) };
}

/** Every page of a storefront list, in order, `limit` a page; the totals are checked on the way. */
export async function allPages(api: Api, path: string, limit: number): Promise<JsonBody[]> {
  const out: JsonBody[] = [];
  for (let page = 1; ; page++) {
    const res = await api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}&page=${page}`);
    assert.equal(res.status, 200, res.text);
    out.push(...res.body.data);
    assert.equal(res.body.totalPages, Math.ceil(res.body.total / limit));
    if (page >= res.body.totalPages) {
      assert.equal(out.length, res.body.total);
      return out;
    }
  }
}
