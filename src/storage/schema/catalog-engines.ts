import { pgTable, text, integer, uniqueIndex } from 'drizzle-orm/pg-core';

// Global reference data (no tenant): engine configurations, curated with their source named.
export const catalogEngines = pgTable(
  'catalog_engines',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    displacement: text('displacement'),
    cylinders: integer('cylinders'),
    horsepower: integer('horsepower').notNull(),
    torqueNm: integer('torque_nm'),
    transmission: text('transmission').notNull(),
    source: text('source').notNull(),
  },
  (t) => [uniqueIndex('catalog_engines_code_uq').on(t.code)],
);
