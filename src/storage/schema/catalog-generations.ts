import { pgTable, text, integer, index } from 'drizzle-orm/pg-core';

// Global reference data (no tenant): model generations, curated with their source named.
export const catalogGenerations = pgTable(
  'catalog_generations',
  {
    id: text('id').primaryKey(),
    modelId: text('model_id').notNull(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    startYear: integer('start_year').notNull(),
    endYear: integer('end_year'),
    source: text('source').notNull(),
  },
  (t) => [index('catalog_generations_model_idx').on(t.modelId, t.startYear)],
);
