import { pgTable, text, integer, index } from 'drizzle-orm/pg-core';
import { catalogOwnerColumns, writeTimestamps } from './columns.ts';

// Vehicle brands. Rows with tenant_id null are the global catalog (loaded from
// src/catalog-data/catalog.json); rows with a tenant and environment are that dealer's additions.
export const catalogBrands = pgTable(
  'catalog_brands',
  {
    id: text('id').primaryKey(),
    ...catalogOwnerColumns(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    countryOfOrigin: text('country_of_origin'),
    logoUrl: text('logo_url'),
    source: text('source', { enum: ['vpic', 'curated', 'tenant'] }).notNull(),
    vpicId: integer('vpic_id'),
    ...writeTimestamps(),
  },
  (t) => [index('catalog_brands_slug_idx').on(t.tenantId, t.environment, t.slug, t.id)],
);
