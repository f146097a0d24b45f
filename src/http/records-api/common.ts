import { z } from 'zod';
import { decodeCursor, encodeCursor, type SyncCursor } from '../../core/listing.ts';
import { AppError } from '../../core/errors.ts';
import { filterParams, type FilterValues, type SearchFilter } from '../../core/search.ts';
import { etagOf } from '../../core/collection.ts';
import { dataEnvelope, idParam, plausibleDay, plausibleInstant } from '../platform/fields.ts';

export { dataEnvelope };
export const idParams = idParam({ description: 'Record id (UUID)', format: 'uuid', example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' });

// Query of every Records API list. `cursor` is what the sync loop follows; `updatedAfter` and
// `skip` are the documented parameters and keep working.
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Page size, 1–200.', example: 50 }),
  skip: z.coerce.number().int().min(0).default(0).meta({ description: 'Records to skip (offset paging).', example: 0 }),
  updatedAfter: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only records whose updatedAt is strictly after this ISO 8601 instant.', example: '2026-01-01T00:00:00.000Z' }),
  cursor: z.string().max(200).optional().meta({ description: 'The `nextCursor` of the previous page: resumes exactly after the last record seen (recommended for sync).' }),
  includeDeleted: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'Include soft-deleted records as tombstones (their `deletedAt` is set).' }),
  includeTotal: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'Also count every matching record into `total`. Counting costs time in proportion to the records matched, so it is off unless asked for; `hasMore` never needs it.' }),
});
export type ListQuery = z.output<typeof listQuery> & { q?: string } & FilterValues;

/** What a searchable collection offers its list (core/collection.ts `search`). */
export type ListSearch = { filters: Record<string, SearchFilter> };

export const searchQueryText =
  'With `q`, the list is search results instead of the sync order: records whose human fields (names, email, phone digits, VIN, stock number, document number, plate — whichever the collection has) contain every word of `q`, case-insensitive; a phone number matches on its digits however it is written, a leading 0 dropped. Ranked: a field equal to `q` first, then fields starting with `q`, then words starting with the terms, then words containing them; within a rank the most recently updated first, then by `id`. Pages are offsets into that order: follow `nextCursor` (or raise `skip`); a record changed meanwhile can move between pages. `nextUpdatedAfter` is null. Typed filters narrow either order.';

// The query parameters a collection's filters add: `status=`, `customerId=`, `issueDateFrom=` …
function filterFields(filters: Record<string, SearchFilter>): Record<string, z.ZodType> {
  const fields: Record<string, z.ZodType> = {};
  for (const [name, f] of Object.entries(filters)) {
    const [low, high] = filterParams[f.kind](name);
    if (f.kind === 'equals') {
      const values = f.values as [string, ...string[]] | undefined;
      fields[low] = (values ? z.enum(values) : z.string().min(1).max(100)).optional().meta({ description: `Only records with this ${f.description}.` });
    } else if (f.kind === 'date') {
      fields[low] = plausibleDay()
        .optional()
        .meta({ description: `Only records whose ${f.description} is on or after this day (YYYY-MM-DD).`, example: '2026-01-01' });
      fields[high] = plausibleDay()
        .optional()
        .meta({ description: `Only records whose ${f.description} is on or before this day (YYYY-MM-DD).`, example: '2026-01-31' });
    } else if (f.kind === 'instant') {
      fields[low] = plausibleInstant()
        .optional()
        .meta({ description: `Only records ${f.description} strictly after this ISO 8601 instant.`, example: '2026-01-01T00:00:00.000Z' });
      fields[high] = plausibleInstant()
        .optional()
        .meta({ description: `Only records ${f.description} strictly before this ISO 8601 instant.`, example: '2026-02-01T00:00:00.000Z' });
    } else {
      fields[low] = z.coerce
        .number()
        .int()
        .min(-2147483648)
        .max(2147483647)
        .optional()
        .meta({ description: `Only records whose ${f.description} is at least this (integer).`, example: 1000 });
      fields[high] = z.coerce
        .number()
        .int()
        .min(-2147483648)
        .max(2147483647)
        .optional()
        .meta({ description: `Only records whose ${f.description} is at most this (integer).`, example: 50000 });
    }
  }
  return fields;
}

/** The list query of a collection: the documented parameters, plus `q` and its filters when it is searchable. */
export function listQueryOf(search: ListSearch | undefined) {
  if (!search) return listQuery;
  let query = listQueries.get(search);
  if (!query) listQueries.set(search, (query = searchListQuery(search)));
  return query;
}
const searchListQuery = (search: ListSearch) =>
  listQuery.extend({
    q: z.string().max(200).optional().meta({ description: 'Search text (see above), up to 200 characters.', example: 'amelia' }),
    ...filterFields(search.filters),
  });
// Built once per collection: the Records API list and the dashboard's list and CSV export each ask
// for it, and every build made a few dozen zod schemas kept for the life of the process.
const listQueries = new WeakMap<ListSearch, ReturnType<typeof searchListQuery>>();

/** The filter values of a parsed list query (everything but the paging and search parameters). */
export function filterValues(q: ListQuery, search: ListSearch | undefined): FilterValues {
  const values: FilterValues = {};
  for (const n of filterNames(search)) values[n] = q[n];
  return values;
}

// A collection's filter parameter names, worked out once (every list request asks).
const noFilters: string[] = [];
const namesOf = new WeakMap<ListSearch, string[]>();
function filterNames(search: ListSearch | undefined): string[] {
  if (!search) return noFilters;
  let names = namesOf.get(search);
  if (!names) namesOf.set(search, (names = Object.entries(search.filters).flatMap(([name, f]) => filterParams[f.kind](name))));
  return names;
}

// A page of search results resumes at an offset: its cursor says so, and is refused by the sync order.
const encodeSearchCursor = (skip: number) => Buffer.from(`search|${skip}`, 'utf8').toString('base64url');
function decodeSearchCursor(cursor: string): number {
  const [kind, skip] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (kind !== 'search' || !/^\d{1,9}$/.test(skip ?? '')) {
    throw new AppError('validation_failed', 'cursor: not a cursor of a search (q) returned by this API', {
      fields: [{ field: 'cursor', message: 'not a cursor of a search (q) returned by this API' }],
    });
  }
  return Number(skip);
}

export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    total: z.number().int().nullable().meta({ description: 'Records matching the filters (all pages) with `includeTotal=true`; otherwise null.' }),
    limit: z.number().int(),
    skip: z.number().int(),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` to get the next page; null on the last page.' }),
    nextUpdatedAfter: z.string().nullable().meta({ description: 'updatedAt of the last record on this page.' }),
  });
}

export function syncOptions(q: ListQuery) {
  if (q.cursor && q.skip) throw new AppError('validation_failed', 'skip: cannot be combined with cursor', { fields: [{ field: 'skip', message: 'cannot be combined with cursor' }] });
  const searching = q.q !== undefined && q.q.trim() !== '';
  return {
    limit: q.limit,
    skip: searching && q.cursor ? decodeSearchCursor(q.cursor) : q.skip,
    q: searching ? q.q : undefined,
    updatedAfter: q.updatedAfter ? new Date(q.updatedAfter) : undefined,
    cursor: q.cursor && !searching ? decodeCursor(q.cursor) : undefined,
    includeDeleted: q.includeDeleted,
    includeTotal: q.includeTotal,
  };
}

export function listBody<V>(q: ListQuery, page: { rows: V[]; total: number | null; hasMore: boolean; last?: { updatedAt: Date; id: string }; ranked?: true }) {
  const hasMore = page.hasMore;
  if (page.ranked) {
    const skip = syncOptions(q).skip;
    return { data: page.rows, total: page.total, limit: q.limit, skip, hasMore, nextCursor: hasMore ? encodeSearchCursor(skip + page.rows.length) : null, nextUpdatedAfter: null };
  }
  const last: SyncCursor | undefined = page.last;
  return {
    data: page.rows,
    total: page.total,
    limit: q.limit,
    skip: q.skip,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(last) : null,
    nextUpdatedAfter: last ? last.updatedAt.toISOString() : null,
  };
}

/** A record view's ETag: core's formula (etagOf, the one If-Match compares with), from its updatedAt. */
export const etag = (record: { updatedAt: string }) => etagOf({ updatedAt: new Date(record.updatedAt) });
