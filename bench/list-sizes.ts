// List latency as a tenant grows: the same Records API list (limit=50, updatedAfter near the end)
// at a fixed modest rate on a tenant of 10k records and one of 1M (quick: 100k), with the index
// the keyset query walks at each size. A flat list is one whose latency does not follow the count.
import { createTenant } from '../src/core/tenants.ts';
import { createApiKey } from '../src/core/api-keys.ts';
import type { Database } from '../src/storage/db.ts';
import { queryOf } from './databases.ts';
import { listPlan, seedCustomers, type Owner } from './seed.ts';
import { recordsList } from './operations.ts';
import { load } from './servers.ts';
import type { LoadResult } from './load.ts';

export type ListSizeTenant = { records: number; key: string; updatedAfter: string; index: string };
export type ListSizeResult = { records: number; index: string; rate: number; result: LoadResult };

/** One tenant per size, each with its own key, seeded into Motors CRM's database (the floor is not involved). */
export async function seedListTenants(database: Database, sizes: number[]): Promise<ListSizeTenant[]> {
  const out: ListSizeTenant[] = [];
  for (const records of sizes) {
    const tenant = await createTenant(database.db, { name: `Bench list ${records}` });
    const owner: Owner = { tenantId: tenant.id, environment: 'test' };
    const { key } = await createApiKey(database.db, { tenantId: tenant.id, environment: 'test', scopes: ['*'], rateLimit: 100_000_000 });
    const seeded = await seedCustomers([queryOf(database)], owner, records, `size${records}-`);
    const updatedAfter = seeded.updatedAt(records - 26).toISOString();
    out.push({ records, key, updatedAfter, index: await listPlan(queryOf(database), owner, updatedAfter) });
  }
  return out;
}

export async function measureListSizes(url: string, tenants: ListSizeTenant[], rate: number, durationSeconds: number): Promise<ListSizeResult[]> {
  const out: ListSizeResult[] = [];
  for (const t of tenants) {
    const r = recordsList(t.key, t.updatedAfter);
    const result = await load({ url: url + r.path, method: r.method, headers: r.headers, connections: 10, durationSeconds, rate });
    out.push({ records: t.records, index: t.index, rate, result });
  }
  return out;
}
