import { pgTable, text, timestamp, integer, primaryKey, index } from 'drizzle-orm/pg-core';

// One row per API request made with a key: what the dashboard's request log and charts show.
export const requestLogs = pgTable(
  'request_logs',
  {
    tenantId: text('tenant_id').notNull(),
    environment: text('environment', { enum: ['live', 'test'] }).notNull(),
    id: text('id').notNull(),
    keyId: text('key_id').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    durationMs: integer('duration_ms').notNull(),
    requestId: text('request_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('request_logs_key_time_idx').on(t.tenantId, t.keyId, t.createdAt)],
);
