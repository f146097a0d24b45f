import { sql, type SQL } from 'drizzle-orm';
import { index, text } from 'drizzle-orm/pg-core';
import type { PgColumn } from 'drizzle-orm/pg-core';

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
const searchDocument = (fields: SearchField[]): SQL => sql`(${sql.join(fields.map((f) => f.expr), sql.raw(` || ' ' || `))})`;

/** The generated column of a table's search document; `fields` names the table's own columns. */
export const searchTextColumn = (fields: () => SearchField[]) => text('search_text').generatedAlwaysAs((): SQL => searchDocument(fields()));

/** The GIN trigram index (pg_trgm) that makes `search_text like '%term%'` an index scan. */
export const searchIndex = (name: string, column: PgColumn) => index(name).using('gin', sql`${column} gin_trgm_ops`);

/** The columns a table's search fields are built from (its own, inside its index definitions too). */
export type SearchColumns<K extends string> = Record<K, PgColumn>;
