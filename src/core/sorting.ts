import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { AppError } from './errors.ts';

// The orders a person can ask a list for (the dashboard's column headers, `sort=` on the
// management API): per collection, a closed list of keys, each a fixed expression over the
// table's own columns. `sort=<key>` is ascending, `sort=-<key>` descending; the value only picks
// an entry of this list, so no text from a request ever becomes SQL. The query stays the caller's
// scoped() one: sorting adds an ORDER BY and nothing else.

type Columns = Record<string, PgColumn>;
/** One part of a key's order: an expression over the table's columns. */
type SortTerm = (c: Columns) => SQL | PgColumn;

/** A value as stored (numbers, dates, instants, codes). */
const value =
  (name: string): SortTerm =>
  (c) =>
    c[name];
/** Text compared as people read it: case-insensitively. */
const text =
  (name: string): SortTerm =>
  (c) =>
    sql`lower(${c[name]})`;
/** The first non-empty of several text columns (a person's last name, else the company's). */
const firstText =
  (...names: string[]): SortTerm =>
  (c) =>
    sql`lower(coalesce(${sql.join(
      names.map((n) => sql`nullif(${c[n]}, '')`),
      sql`, `,
    )}))`;

const documentKeys = { number: [text('number')], status: [value('status')], totalAmount: [value('totalAmount')], issueDate: [value('issueDate')] };

/** Every collection's keys besides createdAt and updatedAt (which every collection has). */
const sortKeys: Record<string, Record<string, SortTerm[]>> = {
  customers: {
    name: [firstText('lastName', 'companyName', 'firstName', 'email'), text('firstName')],
    email: [text('email')],
    phone: [firstText('mobile', 'phone')],
    lifecycleStage: [value('lifecycleStage')],
  },
  motors: {
    vehicle: [text('make'), text('model'), value('year')],
    year: [value('year')],
    vin: [value('vin')],
    stockNumber: [text('stockNumber')],
    listing: [value('listingType'), value('listingStatus')],
    price: [value('listingPriceAmount')],
    mileage: [value('mileage')],
    status: [value('status')],
  },
  invoices: { ...documentKeys, amountDue: [(c) => sql`${c.totalAmount} - ${c.amountPaid}`], dueDate: [value('dueDate')] },
  quotes: { ...documentKeys, validUntil: [value('validUntil')] },
  purchaseOrders: { ...documentKeys, expectedDate: [value('expectedDate')] },
  marketplaceOrders: { ...documentKeys, buyerName: [text('buyerName')] },
  workOrders: { number: [text('number')], status: [value('status')], totalAmount: [value('totalAmount')], promisedAt: [value('promisedAt')] },
  leads: { contactName: [text('contactName')], source: [value('source')], interest: [value('interest')], status: [value('status')] },
  inventoryItems: { name: [text('name')], sku: [text('sku')], kind: [value('kind')], unitAmount: [value('unitAmount')], stockOnHand: [value('stockOnHand')] },
  vendors: { name: [text('name')], email: [text('email')] },
  employees: { name: [text('lastName'), text('firstName')], email: [text('email')], role: [value('role')], hiredOn: [value('hiredOn')] },
  logisticsEntries: { kind: [value('kind')], status: [value('status')], scheduledAt: [value('scheduledAt')], costAmount: [value('costAmount')] },
  supportTickets: { subject: [text('subject')], status: [value('status')], priority: [value('priority')] },
  marketplaceItems: { title: [text('title')], status: [value('status')], priceAmount: [value('priceAmount')], quantity: [value('quantity')] },
  policies: { policyNumber: [text('policyNumber')], status: [value('status')], startsOn: [value('startsOn')], endsOn: [value('endsOn')], premiumAmount: [value('premiumAmount')] },
  directoryListings: { name: [text('name')], directory: [value('directory')], status: [value('status')] },
  blogPosts: { title: [text('title')], status: [value('status')], publishedAt: [value('publishedAt')] },
};

const everyCollection: Record<string, SortTerm[]> = { updatedAt: [value('updatedAt')], createdAt: [value('createdAt')] };

/** Newest change first: the order the (tenant, environment, updated_at, id) index reads backwards. */
export const DEFAULT_SORT = '-updatedAt';

const keysOf = (collection: string) => ({ ...sortKeys[collection], ...everyCollection });

/** The sort keys of a collection, ascending first: what `sort=` accepts (each also with `-`). */
export const sortFields = (collection: string): string[] => Object.keys(keysOf(collection));

/** Every value `sort=` takes for a collection: `key` and `-key` for each key. */
export const sortValues = (collection: string): [string, ...string[]] => sortFields(collection).flatMap((k) => [k, `-${k}`]) as [string, ...string[]];

/**
 * The ORDER BY of a list sorted by `sort` (default: newest change first), ending on `id` in the
 * same direction, so rows with equal keys keep one order and offset pages neither skip nor
 * repeat a record while nothing changes. Empty values go last either way. An unknown key is a 400
 * naming `sort` and the keys it takes (the surfaces' schemas refuse it first; this is the rule).
 */
export function sortOrder(collection: string, columns: Columns, sort: string = DEFAULT_SORT): SQL[] {
  const descending = sort.startsWith('-');
  const key = descending ? sort.slice(1) : sort;
  const terms = Object.hasOwn(keysOf(collection), key) ? keysOf(collection)[key] : undefined;
  if (!terms) {
    const message = `unknown sort field "${key}"; one of ${sortFields(collection).join(', ')} (prefix - for descending)`;
    throw new AppError('validation_failed', `sort: ${message}`, { fields: [{ field: 'sort', message }] });
  }
  const direction = descending ? sql`desc` : sql`asc`;
  const order = terms.map((term) => {
    const expr = term(columns);
    // A NOT NULL column keeps the plain direction, so the default order stays an index scan.
    const notNull = 'notNull' in expr && expr.notNull;
    return notNull ? sql`${expr} ${direction}` : sql`${expr} ${direction} nulls last`;
  });
  return [...order, sql`${columns.id} ${direction}`];
}
