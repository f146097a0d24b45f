import { pgTable, text, integer, index } from 'drizzle-orm/pg-core';
import { catalogOwnerColumns, writeTimestamps } from './columns.ts';

// Vehicle models; tenant_id null = global catalog, otherwise a dealer's own addition.
export const catalogModels = pgTable(
  'catalog_models',
  {
    id: text('id').primaryKey(),
    ...catalogOwnerColumns(),
    brandId: text('brand_id').notNull(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    bodyTypeId: text('body_type_id'),
    startYear: integer('start_year'),
    endYear: integer('end_year'),
    source: text('source', { enum: ['vpic', 'curated', 'tenant'] }).notNull(),
    vpicId: integer('vpic_id'),
    ...writeTimestamps(),
  },
  (t) => [index('catalog_models_brand_idx').on(t.tenantId, t.environment, t.brandId, t.slug, t.id), index('catalog_models_slug_idx').on(t.tenantId, t.environment, t.slug, t.id)],
);
