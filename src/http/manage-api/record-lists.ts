import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import type { Ctx } from '../../core/context.ts';
import { spreadsheetSafe } from '../../core/csv-import.ts';
import { hasTerms } from '../../core/search.ts';
import { DEFAULT_SORT, sortFields, sortValues } from '../../core/sorting.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { withThousands } from '../../core/money.ts';
import type { DashboardCollection } from '../records-api/collection-routes.ts';
import { filterValues, listQuery, listQueryOf, type ListQuery, type ListSearch } from '../records-api/common.ts';

// The dashboard's lists: pages by number, a sort from the collection's closed list
// (core/sorting.ts), `q` and the filters of the Records API list (one schema), and the same
// selection as a CSV file. The list route itself is declared in records.ts.

/** Rows in one CSV export; beyond it the file holds the first ones and X-Total-Count says how many matched. */
export const CSV_EXPORT_CAP = 10_000;
const capText = withThousands(CSV_EXPORT_CAP);

const browsePaging = z.strictObject({
  page: z.coerce.number().int().min(1).default(1).meta({ description: 'Page number, from 1. A page past the last is empty (`total` still counts every match).', example: 1 }),
  limit: z.coerce.number().int().min(1).max(200).default(25).meta({ description: 'Page size, 1–200 (the dashboard offers 10, 25, 50 and 100).', example: 25 }),
  deleted: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'true: the soft-deleted records that can still be restored (30 days) instead of the live ones.' }),
});

const sortText =
  'The order: a field ascending, or `-` and the field descending; records with equal values are ordered by `id` (in the same direction), so pages neither skip nor repeat a record while nothing changes, and empty values come last. Default: `-updatedAt` (newest change first); with `q`, rank order unless `sort` is given. Another value is a 400 naming `sort` and the values it takes.';

/** The query of a collection's page: paging, `sort`, and `q` with the typed filters when it is searchable. */
export function browseQuery(collection: string, search: ListSearch | undefined) {
  // The Records API list's `q` and filters, without its sync paging.
  const { limit: _l, skip: _s, updatedAfter: _u, cursor: _c, includeDeleted: _d, includeTotal: _t, ...searchFields } = search ? listQueryOf(search).shape : listQuery.shape;
  return browsePaging.extend({
    sort: z.enum(sortValues(collection)).optional().meta({ description: sortText, example: DEFAULT_SORT }),
    ...(searchFields as Record<string, z.ZodType>),
  });
}
export type BrowseQuery = z.output<typeof browsePaging> & { q?: string; sort?: string };

/** The list route's answer: a page, the matches on every page, and the order applied and on offer. */
export const browseEnvelope = (record: z.ZodType) =>
  z.object({
    data: z.array(record),
    total: z.number().int().meta({ description: 'Records matching `q` and the filters, on every page.' }),
    page: z.number().int(),
    limit: z.number().int(),
    sort: z.string().nullable().meta({ description: 'The order applied (a value of `sort`); null for search results in rank order.', example: DEFAULT_SORT }),
    sortable: z.array(z.string()).meta({ description: 'The fields this list can be sorted by (`sort=<field>` or `sort=-<field>`).', example: ['name', 'email', 'updatedAt'] }),
    searchable: z.boolean().meta({ description: 'Whether this list takes `q`.' }),
  });

export async function browsePage(ctx: Ctx, c: DashboardCollection, q: BrowseQuery) {
  const filters = filterValues(q as unknown as ListQuery, c.ops.search);
  const { rows, total } = await c.ops.listRecent(ctx, { page: q.page, limit: q.limit, deleted: q.deleted, q: q.q, sort: q.sort, filters });
  return { data: rows, total, page: q.page, limit: q.limit, sort: q.sort ?? (hasTerms(q.q) && c.ops.search ? null : DEFAULT_SORT), sortable: sortFields(c.name), searchable: Boolean(c.ops.search) };
}

/** GET /manage/v1/records/<collection>.csv: what the list shows, every page of it, as a file. */
export function registerRecordsCsv(app: FastifyInstance, deps: Deps, c: DashboardCollection) {
  const query = browseQuery(c.name, c.ops.search).omit({ page: true, limit: true });
  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: `/records/${c.name}.csv`,
    operationId: `manageExport${c.name.charAt(0).toUpperCase()}${c.name.slice(1)}Csv`,
    scope: 'records:manage',
    summary: `Export ${c.plural} as CSV`,
    description: [
      `The ${c.plural} the dashboard's list shows for the same \`q\`, filters, \`deleted\` and \`sort\`, every page of them, as a CSV file (UTF-8 with a byte order mark, so spreadsheets read accents; comma-separated; a header row of field names).`,
      'Nested fields are dotted columns (`address.city`, `saleOptions.priceAmount`), lists are joined with `; `, `metadata` and lists of objects (lines, jobs, photos) are JSON, amounts are integer minor units, as the CSV import reads them.',
      "A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so a spreadsheet shows it as text instead of running it as a formula (CSV injection); numbers are written as they are.",
      `At most ${capText} rows: \`X-Total-Count\` is the number of records that match, and when it is larger the file holds the first ${capText} in the requested order and nothing more; narrow the filter (or sort and export in parts) to get the rest.`,
    ].join(' '),
    tags: ['Management API'],
    querystring: query,
    produces: 'text/csv',
    responses: { 200: z.string().meta({ description: 'The CSV file (Content-Disposition names it); `X-Total-Count` says how many records matched.' }) },
    handler: async (ctx, { query: raw }) => {
      const q = raw as Omit<BrowseQuery, 'page' | 'limit'>;
      const filters = filterValues(q as unknown as ListQuery, c.ops.search);
      const { rows, total } = await c.ops.listRecent(ctx, { page: 1, limit: CSV_EXPORT_CAP, deleted: q.deleted, q: q.q, sort: q.sort, filters });
      return {
        body: Buffer.from(recordsCsv(c.record, rows as Record<string, unknown>[]), 'utf8'),
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${c.name}${q.deleted ? '-deleted' : ''}.csv"`,
          'x-total-count': String(total),
          'cache-control': 'private, no-store',
        },
      };
    },
  });
}

// Fields whose objects are the integrator's own (any keys): one JSON cell, as the import reads them.
const jsonFields = new Set(['metadata', 'preferences']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** The record's fields in the order its schema declares them (else as the first row has them). */
function fieldsOf(record: z.ZodType, rows: Record<string, unknown>[]): string[] {
  if (record instanceof z.ZodObject) return Object.keys(record.shape);
  return [...new Set(rows.flatMap((r) => Object.keys(r)))];
}

/**
 * The columns: each field, or for a field holding an object of plain values (an address, a
 * vehicle's sale options) one dotted column per key found in the rows.
 */
function columnsOf(fields: string[], rows: Record<string, unknown>[]): { name: string; get: (r: Record<string, unknown>) => unknown }[] {
  return fields.flatMap((field) => {
    const objects = rows.map((r) => r[field]).filter(isPlainObject);
    if (jsonFields.has(field) || !objects.length || !objects.every((o) => Object.values(o).every(isScalar))) return [{ name: field, get: (r: Record<string, unknown>) => r[field] }];
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    return keys.map((key) => ({
      name: `${field}.${key}`,
      get: (r: Record<string, unknown>) => {
        const o = r[field];
        return isPlainObject(o) ? o[key] : undefined;
      },
    }));
  });
}

function cell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number') ? value.join('; ') : typeof value === 'string' ? value : JSON.stringify(value);
  return spreadsheetSafe(text);
}

function recordsCsv(record: z.ZodType, rows: Record<string, unknown>[]): string {
  const columns = columnsOf(fieldsOf(record, rows), rows);
  return stringify([columns.map((c) => c.name), ...rows.map((r) => columns.map((c) => cell(c.get(r))))], {
    bom: true,
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}
