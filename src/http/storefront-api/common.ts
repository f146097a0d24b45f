import { z } from 'zod';
import { idParam } from '../platform/fields.ts';

// The Storefront document's envelopes: {statusCode, message?, data} and, for lists,
// {statusCode, data, total, page, limit, totalPages}.
export const pageQuery = (defaultLimit: number, maxLimit: number) => ({
  // Capped so the offset it implies always fits PostgreSQL's bigint (as on the CRM API).
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).meta({ description: 'Page number (default: 1, at most 1,000,000)' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxLimit)
    .default(defaultLimit)
    .meta({ description: `Items per page (default: ${defaultLimit}, max: ${maxLimit})` }),
});

export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    statusCode: z.number().int(),
    message: z.string().optional(),
    data: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    totalPages: z.number().int(),
  });
}

export const dataEnvelope = <T extends z.ZodType>(item: T) => z.object({ statusCode: z.number().int(), message: z.string().optional(), data: item });

export const list = <T>(data: T[], total: number, page: number, limit: number) => ({
  statusCode: 200,
  message: 'data has been received',
  data,
  total,
  page,
  limit,
  totalPages: Math.ceil(total / limit),
});

export const idParams = idParam();
