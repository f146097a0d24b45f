import { z } from 'zod';

export const idParams = z.object({ id: z.string().min(1).max(100).meta({ description: 'Resource id (UUID)' }) });

// Pagination for every CRM API list: page/limit, with the totals beside the data.
export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1).meta({ description: 'Page number, from 1.', example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(25).meta({ description: 'Items per page, 1–100.', example: 25 }),
};

export function pageEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    pagination: z.object({ page: z.number().int(), limit: z.number().int(), total: z.number().int(), total_pages: z.number().int() }),
  });
}

export const pagination = (page: number, limit: number, total: number) => ({ page, limit, total, total_pages: Math.ceil(total / limit) });

export const dataEnvelope = <T extends z.ZodType>(item: T) => z.object({ data: item });
