import { z } from 'zod';
import { decodeCursor, encodeCursor, type SyncCursor } from '../../core/listing.ts';
import { AppError } from '../../core/errors.ts';

export const idParams = z.object({ id: z.string().min(1).max(100).meta({ description: 'Record id (UUID)', example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' }) });

// Query of every Records API list. `cursor` is what the sync loop follows; `updatedAfter` and
// `skip` are the documented parameters and keep working.
export const listQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .refine((n) => n <= 200, 'must be at most 200')
    .meta({ description: 'Page size, 1–200.', example: 50 }),
  skip: z.coerce.number().int().min(0).default(0).meta({ description: 'Records to skip (offset paging).', example: 0 }),
  updatedAfter: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Only records whose updatedAt is strictly after this ISO 8601 instant.', example: '2026-01-01T00:00:00.000Z' }),
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
export type ListQuery = z.output<typeof listQuery>;

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
  return {
    limit: q.limit,
    skip: q.skip,
    updatedAfter: q.updatedAfter ? new Date(q.updatedAfter) : undefined,
    cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
    includeDeleted: q.includeDeleted,
    includeTotal: q.includeTotal,
  };
}

export function listBody<V>(q: ListQuery, page: { rows: V[]; total: number | null; hasMore: boolean; last?: { updatedAt: Date; id: string } }) {
  const hasMore = page.hasMore;
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

/** A record's ETag, computed from its updatedAt. */
export const etag = (record: { updatedAt: string }) => `"${new Date(record.updatedAt).getTime().toString(36)}"`;

export const dataEnvelope = <T extends z.ZodType>(item: T) => z.object({ data: item });
