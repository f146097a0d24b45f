import { pgTable, text, integer, timestamp, index } from 'drizzle-orm/pg-core';

// Vehicle brands. Rows with tenant_id null are the global catalog (loaded from
// src/catalog-data/catalog.json); rows with a tenant and environment are that dealer's additions.
export const catalogBrands = pgTable(
  'catalog_brands',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id'),
    environment: text('environment', { enum: ['live', 'test'] }),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    countryOfOrigin: text('country_of_origin'),
    logoUrl: text('logo_url'),
    source: text('source', { enum: ['vpic', 'curated', 'tenant'] }).notNull(),
    vpicId: integer('vpic_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('catalog_brands_slug_idx').on(t.tenantId, t.environment, t.slug, t.id)],
);
