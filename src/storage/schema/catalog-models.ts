import { pgTable, text, integer, timestamp, index } from 'drizzle-orm/pg-core';

// Vehicle models; tenant_id null = global catalog, otherwise a dealer's own addition.
export const catalogModels = pgTable(
  'catalog_models',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    environment: text('environment', { enum: ['live', 'test'] }),
    brandId: text('brand_id').notNull(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    bodyTypeId: text('body_type_id'),
    startYear: integer('start_year'),
    endYear: integer('end_year'),
    source: text('source', { enum: ['vpic', 'curated', 'tenant'] }).notNull(),
    vpicId: integer('vpic_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('catalog_models_brand_idx').on(t.tenantId, t.environment, t.brandId, t.slug, t.id),
    index('catalog_models_slug_idx').on(t.tenantId, t.environment, t.slug, t.id),
  ],
);
