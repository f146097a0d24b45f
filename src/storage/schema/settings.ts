import { pgTable, text } from 'drizzle-orm/pg-core';

// Instance-wide settings such as the generated signing secret.
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
