import { pgTable, text, timestamp, jsonb, primaryKey, index } from 'drizzle-orm/pg-core';

// Transactional outbox: one row per change, written in the same transaction as the change.
export const events = pgTable(
  'events',
  {
    tenantId: text('tenant_id').notNull(),
    environment: text('environment', { enum: ['live', 'test'] }).notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('events_undispatched_idx').on(t.id).where(sql`dispatched_at IS NULL`),
    // The event log (GET /events): its total (the CRM API's pagination.total) counts one tenant
    // and environment, by type, from this index alone; pages read it newest first by id.
    index('events_log_idx').on(t.tenantId, t.environment, t.type, t.id),
  ],
);
import { sql } from 'drizzle-orm';
