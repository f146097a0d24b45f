import { z } from 'zod';

// Numbered pages (page/limit, the totals beside the data): every CRM API list, and the webhook
// routes the management API shares with it (webhook-routes.ts).
export const pageQuery = {
  // Capped so the offset it implies always fits PostgreSQL's bigint.
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).meta({ description: 'Page number, from 1 (at most 1,000,000).', example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(25).meta({ description: 'Items per page, 1–100.', example: 25 }),
};

export function pageEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    pagination: z.object({ page: z.number().int(), limit: z.number().int(), total: z.number().int(), total_pages: z.number().int() }),
  });
}

export const pagination = (page: number, limit: number, total: number) => ({ page, limit, total, total_pages: Math.ceil(total / limit) });
