import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

// Global reference data (no tenant): the compact body-type set of the vehicle catalog.
export const catalogBodyTypes = pgTable(
  'catalog_body_types',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    iconUrl: text('icon_url'),
  },
  (t) => [uniqueIndex('catalog_body_types_code_uq').on(t.code)],
);
