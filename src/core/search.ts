import { and, count, desc, gte, isNull, lte, sql, eq, type SQL } from 'drizzle-orm';
import { containing, escapeLike } from '../storage/like.ts';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { viewColumns } from '../storage/search-text.ts';
import { scoped } from '../storage/tenant-scope.ts';
import { searchGrams, type SearchField } from '../storage/search-text.ts';

// Search for people looking for a record: `q` over a collection's human fields (declared once,
// next to the table's search grams index: storage/search-text.ts) and typed filters over its columns.
// Every query is scoped(): tenant and environment lead it like any other.

/**
 * A typed filter of a list, named by its parameter stem:
 * - `equals`: `<name>=value` (status, customerId …), one of `values` when given;
 * - `date`: `<name>From` / `<name>To`, calendar days (YYYY-MM-DD), both inclusive;
 * - `instant`: `<name>After` / `<name>Before`, ISO 8601 instants, both exclusive;
 * - `amount`: `<name>Min` / `<name>Max`, integer minor units, both inclusive.
 */
export type SearchFilter = { kind: 'equals'; column: PgColumn; values?: readonly string[]; description: string } | { kind: 'date' | 'instant' | 'amount'; column: PgColumn; description: string };

export type SearchSpec = {
  /** The human fields `q` looks in: the list the table's `search_text` is generated from. */
  fields: SearchField[];
  /** The table's generated `search_text` column (storage/search-text.ts), under its search grams index. */
  text: PgColumn;
  filters?: Record<string, SearchFilter>;
};

/** Filter declarations, for a collection's `search.filters`. */
export const filter = {
  equals: (column: PgColumn, description: string, values?: readonly string[]): SearchFilter => ({ kind: 'equals', column, description, values }),
  date: (column: PgColumn, description: string): SearchFilter => ({ kind: 'date', column, description }),
  instant: (column: PgColumn, description: string): SearchFilter => ({ kind: 'instant', column, description }),
  amount: (column: PgColumn, description: string): SearchFilter => ({ kind: 'amount', column, description }),
};

/** Created in a range: every collection has createdAt. */
export const createdFilter = (column: PgColumn) => filter.instant(column, 'created');

/** The query parameters of each filter kind, from its stem. */
export const filterParams = {
  equals: (name: string) => [name],
  date: (name: string) => [`${name}From`, `${name}To`],
  instant: (name: string) => [`${name}After`, `${name}Before`],
  amount: (name: string) => [`${name}Min`, `${name}Max`],
} as const;

/** Filter values by parameter name, as the surface parsed them (strings, numbers, Dates). */
export type FilterValues = Record<string, string | number | Date | undefined>;

export function filterConditions(filters: SearchSpec['filters'], values: FilterValues): SQL[] {
  const out: SQL[] = [];
  for (const [name, f] of Object.entries(filters ?? {})) {
    const [low, high] = filterParams[f.kind](name).map((p) => (values[p] instanceof Date ? (values[p] as Date).toISOString() : values[p]));
    if (f.kind === 'equals') {
      if (low !== undefined) out.push(eq(f.column, low));
      continue;
    }
    if (f.kind === 'instant') {
      if (low !== undefined) out.push(sql`${f.column} > ${low}`);
      if (high !== undefined) out.push(sql`${f.column} < ${high}`);
      continue;
    }
    if (low !== undefined) out.push(gte(f.column, low));
    if (high !== undefined) out.push(lte(f.column, high));
  }
  return out;
}

/** `\`, `%` and `_` taken literally in a LIKE pattern. */

/** Only the characters a phone number is written with, and at least three digits. */
const phoneLike = /^[+()\d\s./-]+$/;

/**
 * The words of `q`, lower-cased. A phone number, however it is written, is one term of its
 * digits without the leading zeros of a national trunk prefix: "07700 900123" finds
 * "+44 7700 900123" (stored as 447700900123).
 */
function searchTerms(q: string): { terms: string[]; phone: boolean } {
  const text = q.trim().toLowerCase();
  const digits = text.replace(/\D/g, '');
  if (phoneLike.test(text) && digits.length >= 3) return { terms: [digits.replace(/^0+/, '') || digits], phone: true };
  return { terms: text.split(/\s+/).filter(Boolean).slice(0, 8), phone: false };
}

/** Whether `q` has anything to search for (a blank `q` lists as if it were absent). */
export const hasTerms = (q: string | undefined): q is string => q !== undefined && searchTerms(q).terms.length > 0;

/**
 * Whether a term has a three-character piece to look up in the search grams. Terms of one or two
 * characters ("jo", "7a") still match by `like`, over the tenant's rows instead of the index.
 */
const hasPiece = (terms: string[]) => terms.some((t) => [...t].length >= 3);

/**
 * Every term is somewhere in the document: each a `like '%term%'`, over the candidates the
 * tenant's search grams give (storage/search-text.ts: the terms' three-character pieces, in this tenant).
 * Ranked: 0 a field is exactly `q` (a phone number: its digits end with the term), 1 a field or
 * the whole document starts with `q`, 2 every term starts a word, 3 the terms are inside words.
 */
function matchAndRank(ctx: Ctx, table: SearchTable, spec: SearchSpec, q: string): { where: SQL; rank: SQL } {
  const { terms, phone } = searchTerms(q);
  const doc = spec.text;
  const grams = hasPiece(terms) ? [sql`${searchGrams(table.tenantId, table.environment, doc)} @> ${searchGrams(ctx.tenantId, ctx.environment, terms.join(' '))}`] : [];
  const where = and(...grams, ...terms.map((t) => sql`${doc} like ${containing(t)}`))!;
  const whole = phone ? terms[0] : terms.join(' ');
  const fields = spec.fields.filter((f) => f.digits === phone);
  const exact = phone ? fields.map((f) => sql`${f.expr} like ${`%${escapeLike(whole)}`}`) : fields.map((f) => sql`${f.expr} = ${whole}`);
  const prefix = [...fields.map((f) => f.expr), doc].map((e) => sql`${e} like ${`${escapeLike(whole)}%`}`);
  const wordStarts = terms.map((t) => sql`(' ' || ${doc}) like ${`% ${escapeLike(t)}%`}`);
  const any = (conds: SQL[]) => (conds.length ? sql.join(conds, sql` or `) : sql`false`);
  const rank = sql`case when ${any(exact)} then 0 when ${any(prefix)} then 1 when ${and(...wordStarts)} then 2 else 3 end`;
  return { where, rank };
}

type SearchTable = PgTable & { tenantId: PgColumn; environment: PgColumn; id: PgColumn; updatedAt: PgColumn; deletedAt: PgColumn };

type SearchPageOptions = {
  q: string;
  where?: SQL;
  limit: number;
  skip: number;
  includeDeleted?: boolean;
  includeTotal?: boolean;
  /** An order of core/sorting.ts instead of the rank (it ends on id, so it is total too). */
  order?: SQL[];
};

/**
 * One page of search results: best rank first, then most recently updated, then id (a total
 * order, so offset pages neither skip nor repeat while nothing changes), or in `order`.
 */
export async function searchPage<T extends SearchTable>(ctx: Ctx, table: T, spec: SearchSpec, opts: SearchPageOptions) {
  const { where: matches, rank } = matchAndRank(ctx, table, spec, opts.q);
  const where = scoped(ctx, table, opts.includeDeleted ? undefined : isNull(table.deletedAt), opts.where, matches);
  const [rows, counted] = await Promise.all([
    ctx.db
      .select(viewColumns(table))
      .from(table as PgTable)
      .where(where)
      .orderBy(...(opts.order ?? [rank, desc(table.updatedAt), desc(table.id)]))
      .limit(opts.limit + 1)
      .offset(opts.skip),
    opts.includeTotal
      ? ctx.db
          .select({ total: count() })
          .from(table as PgTable)
          .where(where)
      : undefined,
  ]);
  return {
    rows: rows.slice(0, opts.limit) as T['$inferSelect'][],
    hasMore: rows.length > opts.limit,
    total: counted ? Number(counted[0].total) : null,
  };
}
