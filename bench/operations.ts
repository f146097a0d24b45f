// What the benchmark drives. Pluggable: an operation names its request on Motors CRM and, when
// the floor implements it, on the floor. Add Storefront vehicle search, CRM invoice create or
// webhook delivery here when those routes land (with their seeding in run.ts).
import type { LoadJob } from './load.ts';

export type BenchContext = {
  key: string;
  /** Ids of seeded customers, oldest first. */
  customerIds: string[];
  /** An updatedAt close to the newest record, for a sync that returns the last page. */
  recentUpdatedAfter: string;
  shopper?: { email: string; password: string };
};

export type Request = Pick<LoadJob, 'method' | 'headers' | 'body' | 'uniqueIdempotencyKey'> & { path: string };

export type BenchOperation = {
  name: string;
  /** Compared with the floor at 10 and 50 connections and at a fixed rate. */
  ours: (ctx: BenchContext) => Request;
  floor?: (ctx: BenchContext) => Request;
  /** Reported on its own (e.g. argon2-bound sign-in): no floor, one connection count. */
  separate?: boolean;
  /** Only when the branch has these tables. */
  needsTables?: string[];
};

const same = (r: (ctx: BenchContext) => Request) => ({ ours: r, floor: r });
const middle = (ctx: BenchContext) => ctx.customerIds[Math.floor(ctx.customerIds.length / 2)];

export const operations: BenchOperation[] = [
  { name: 'Records list (limit=50)', ...same((ctx) => ({ method: 'GET', path: '/api/public/v1/customers?limit=50', headers: { 'x-api-key': ctx.key } })) },
  {
    name: 'Records list (updatedAfter near the end)',
    ...same((ctx) => ({ method: 'GET', path: `/api/public/v1/customers?limit=50&updatedAfter=${encodeURIComponent(ctx.recentUpdatedAfter)}`, headers: { 'x-api-key': ctx.key } })),
  },
  { name: 'Records get by id', ...same((ctx) => ({ method: 'GET', path: `/api/public/v1/customers/${middle(ctx)}`, headers: { 'x-api-key': ctx.key } })) },
  {
    name: 'Records create (Idempotency-Key)',
    ...same((ctx) => ({
      method: 'POST',
      path: '/api/public/v1/customers',
      headers: { 'x-api-key': ctx.key },
      body: JSON.stringify({ type: 'person', firstName: 'Bench', lastName: 'Mark', email: 'bench@example.com' }),
      uniqueIdempotencyKey: true,
    })),
  },
  {
    name: 'Records PUT',
    ...same((ctx) => ({ method: 'PUT', path: `/api/public/v1/customers/${ctx.customerIds[ctx.customerIds.length - 1]}`, headers: { 'x-api-key': ctx.key }, body: JSON.stringify({ firstName: 'Updated', lastName: 'Mark' }) })),
  },
  {
    name: 'Storefront customer sign-in (argon2id)',
    separate: true,
    ours: (ctx) => ({ method: 'POST', path: '/external/auth/login', headers: { 'x-api-key': ctx.key }, body: JSON.stringify(ctx.shopper) }),
  },
];
