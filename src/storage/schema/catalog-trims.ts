import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { catalogOwnerColumns, writeTimestamps } from './columns.ts';

// Trims; tenant_id null = global catalog (curated), otherwise a dealer's own addition.
export const catalogTrims = pgTable(
  'catalog_trims',
  {
    id: text('id').primaryKey(),
    ...catalogOwnerColumns(),
    modelId: text('model_id').notNull(),
    generationId: text('generation_id'),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    engineIds: text('engine_ids').array().notNull().default([]),
    drivetrains: text('drivetrains').array().notNull().default([]),
    source: text('source').notNull(),
    ...writeTimestamps(),
  },
  (t) => [index('catalog_trims_model_idx').on(t.tenantId, t.environment, t.modelId, t.id)],
);
