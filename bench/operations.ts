// What the benchmark drives. An operation names its request on Motors CRM and, when the floor
// implements it, on the floor (bench/floor.ts), with the issue's throughput target against the floor.
import type { LoadJob } from './load.ts';

export type BenchContext = {
  key: string;
  /** Ids of seeded customers, oldest first. */
  customerIds: string[];
  /** An updatedAt close to the newest record, for a sync that returns the last page. */
  recentUpdatedAfter: string;
  /** Storefront vehicle search: a catalog brand id, a price range (major units, USD) and a first model year the seeded motors match. */
  vehicleSearch: { brandId: string; minPrice: number; maxPrice: number; minYear: number };
  /** A seeded customer in the middle of the tenant, as a person searching for it types it. */
  customerSearch: { name: string; phone: string };
  shopper?: { email: string; password: string };
};

export type Request = Pick<LoadJob, 'method' | 'headers' | 'body' | 'uniqueIdempotencyKey' | 'uniqueBody'> & { path: string };

export type BenchOperation = {
  name: string;
  /** Compared with the floor at 10 and 50 connections and at a fixed rate. */
  ours: (ctx: BenchContext) => Request;
  floor?: (ctx: BenchContext) => Request;
  /** The performance issue's target for our throughput as a share of the floor's (PostgreSQL):
   *  reads 80 %, Records writes 60 %, the CRM invoice create 50 %. On PGlite every operation's is 50 %. */
  target?: number;
  /** Reported on its own (e.g. argon2-bound sign-in): no floor, one connection count. */
  separate?: boolean;
  /** A separate operation's open-loop rate (req/s), where latency means something; else closed loop. */
  rate?: number;
  /** A separate operation's latency target: p99 at most this (ms). */
  p99Target?: number;
};

const same = (r: (ctx: BenchContext) => Request) => ({ ours: r, floor: r });
const middle = (ctx: BenchContext) => ctx.customerIds[Math.floor(ctx.customerIds.length / 2)];
const READ = 0.8;
const WRITE = 0.6;
const INVOICE = 0.5;

export const recordsList = (key: string, updatedAfter?: string): Request => ({
  method: 'GET',
  path: `/api/public/v1/customers?limit=50${updatedAfter ? `&updatedAfter=${encodeURIComponent(updatedAfter)}` : ''}`,
  headers: { 'x-api-key': key },
});
export const recordsGet = (ctx: BenchContext): Request => ({ method: 'GET', path: `/api/public/v1/customers/${middle(ctx)}`, headers: { 'x-api-key': ctx.key } });

export const operations: BenchOperation[] = [
  { name: 'Records list (limit=50)', target: READ, ...same((ctx) => recordsList(ctx.key)) },
  { name: 'Records list (updatedAfter near the end)', target: READ, ...same((ctx) => recordsList(ctx.key, ctx.recentUpdatedAfter)) },
  { name: 'Records get by id', target: READ, ...same(recordsGet) },
  {
    name: 'Records create (Idempotency-Key)',
    target: WRITE,
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
    target: WRITE,
    // Every PUT changes the record (a PUT of the stored values writes nothing, by design).
    ...same((ctx) => ({
      method: 'PUT',
      path: `/api/public/v1/customers/${ctx.customerIds[ctx.customerIds.length - 1]}`,
      headers: { 'x-api-key': ctx.key },
      body: JSON.stringify({ firstName: 'Updated', lastName: 'Mark __N__' }),
      uniqueBody: true,
    })),
  },
  {
    // Three filters: make (catalog brand), price range, first model year.
    name: 'Storefront vehicle search (3 filters)',
    target: READ,
    ...same((ctx) => {
      const s = ctx.vehicleSearch;
      return { method: 'GET', path: `/external/vehicles?brandId=${s.brandId}&minPrice=${s.minPrice}&maxPrice=${s.maxPrice}&minYear=${s.minYear}`, headers: { 'x-api-key': ctx.key } };
    }),
  },
  {
    name: 'CRM invoice create (3 lines, Idempotency-Key)',
    target: INVOICE,
    ...same((ctx) => ({
      method: 'POST',
      path: '/crm-api/v1/invoices',
      headers: { 'x-api-key': ctx.key },
      body: JSON.stringify({
        client_id: middle(ctx),
        due_date: '2030-01-31',
        line_items: [
          { type: 'labour', description: 'Service labour', quantity: 2, rate: 45, tax_rate: 16 },
          { type: 'part', description: 'Oil filter', quantity: 1, rate: 12.5, tax_rate: 16 },
          { type: 'fee', description: 'Disposal fee', quantity: 1, rate: 5 },
        ],
      }),
      uniqueIdempotencyKey: true,
    })),
  },
  // Search (q=) over 100,000 customers of one tenant: ranked results, the trigram index.
  // "Name Surname" matches one seeded customer in 192 (about 520 of 100,000); the phone number, one.
  {
    name: 'Records search (q=first and last name)',
    separate: true,
    rate: 50,
    p99Target: 50,
    ours: (ctx) => ({ method: 'GET', path: `/api/public/v1/customers?limit=20&q=${encodeURIComponent(ctx.customerSearch.name)}`, headers: { 'x-api-key': ctx.key } }),
  },
  {
    name: 'Records search (q=phone number, national format)',
    separate: true,
    rate: 50,
    p99Target: 50,
    ours: (ctx) => ({ method: 'GET', path: `/api/public/v1/customers?limit=20&q=${encodeURIComponent(ctx.customerSearch.phone)}`, headers: { 'x-api-key': ctx.key } }),
  },
  {
    name: 'Storefront customer sign-in (argon2id)',
    separate: true,
    ours: (ctx) => ({ method: 'POST', path: '/external/auth/login', headers: { 'x-api-key': ctx.key }, body: JSON.stringify(ctx.shopper) }),
  },
];
