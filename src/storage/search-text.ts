import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { index, text } from 'drizzle-orm/pg-core';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * One human field of a searchable table: its text lower-cased, or (phone numbers) its digits only,
 * so "+44 7700 900123", "07700 900123" and "7700900123" are one number.
 */
export type SearchField = { expr: SQL; digits: boolean };

export const textField = (column: PgColumn): SearchField => ({ expr: sql`lower(coalesce(${column}, ''))`, digits: false });
export const digitsField = (column: PgColumn): SearchField => ({ expr: sql`regexp_replace(coalesce(${column}, ''), '[^0-9]+', '', 'g')`, digits: true });

/**
 * The text a table is searched in: its human fields joined by spaces, lower-cased, phone numbers
 * as digits. Stored in a generated column (`search_text`, written by PostgreSQL at every write), so
 * a search reads it instead of computing it for every candidate row, and ranks on it.
 */
const searchDocument = (fields: SearchField[]): SQL =>
  sql`(${sql.join(
    fields.map((f) => f.expr),
    sql.raw(` || ' ' || `),
  )})`;

/** The generated column of a table's search document; `fields` names the table's own columns. */
export const searchTextColumn = (fields: () => SearchField[]) => text('search_text').generatedAlwaysAs((): SQL => searchDocument(fields()));

/**
 * Every three-character piece of a search document (none with a space), each prefixed with a
 * short hash of its tenant and environment: `motors_search_grams`, a SQL function (migration
 * 0010). A term matches only a document holding every piece of it, so the pieces of the terms
 * choose the candidates exactly as pg_trgm's trigrams would, without its word rules.
 *
 * Why not a plain trigram index on `search_text`: every tenant's rows share it, so a search for a
 * common name reads the posting lists of every dealership (measured: 12–52 ms of index scan for
 * "grace kamau" with 1.1 million customers in the table, 100,000 of them the searching tenant's).
 * Keyed by tenant and environment, the index holds one posting list per (tenant, trigram) and a
 * search reads only its own dealership's (1.1–6.5 ms for the same query, on a loaded machine). `search_text like '%term%'`
 * still decides what matches; the grams only choose the candidates.
 */
export const searchGrams = (tenantId: PgColumn | string, environment: PgColumn | string, doc: PgColumn | string): SQL => sql`motors_search_grams(${tenantId}, ${environment}, ${doc})`;

/**
 * The GIN index of a table's tenant-scoped search grams: `searchGrams(...) @> searchGrams(q)` is an index scan.
 *
 * `fastupdate = off`: with GIN's default, new rows' grams wait in a pending list that every search
 * reads in full until a VACUUM merges it (up to 4 MB; autovacuum may be off or behind). Measured on
 * 100,000 customers after a bulk load (313 pending pages): the index scan of a name search took
 * 6.4–8.3 ms with the list and 0.7–0.9 ms without. A write now puts its grams straight into the
 * index instead, so a search costs the same however recently the rows were written.
 */
export const searchIndex = (name: string, t: { tenantId: PgColumn; environment: PgColumn; searchText: PgColumn }) =>
  index(name)
    .using('gin', searchGrams(t.tenantId, t.environment, t.searchText))
    .with({ fastupdate: false });

/** The columns a table's search fields are built from (its own, inside its index definitions too). */
export type SearchColumns<K extends string> = Record<K, PgColumn>;

/**
 * A table's columns without its search document: what a read hands to a view. The document is
 * the database's (it repeats the human fields, ~13 % of a customer row) and no view shows it, so
 * reads leave it on the server instead of sending and decoding it with every row.
 */
export function viewColumns(table: PgTable): Record<string, PgColumn> {
  let columns = viewColumnsOf.get(table);
  if (!columns) {
    const { searchText: _document, ...rest } = getTableColumns(table) as Record<string, PgColumn>;
    viewColumnsOf.set(table, (columns = rest));
  }
  return columns;
}
const viewColumnsOf = new WeakMap<PgTable, Record<string, PgColumn>>();
