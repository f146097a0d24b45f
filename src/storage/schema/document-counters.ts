import { pgTable, text, integer, primaryKey } from 'drizzle-orm/pg-core';

// The last number handed out per tenant, environment and document type. Bumped with a row lock
// inside the creating transaction, so a rolled-back create gives its number back: no gaps,
// unlike a PostgreSQL sequence.
export const documentCounters = pgTable(
  'document_counters',
  {
    tenantId: text('tenant_id').notNull(),
    environment: text('environment', { enum: ['live', 'test'] }).notNull(),
    type: text('type').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.environment, t.type] })],
);
