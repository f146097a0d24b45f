import { pgTable, text, timestamp, integer, json, primaryKey } from 'drizzle-orm/pg-core';

// The first response to a POST with an Idempotency-Key, kept 24 hours. Written in the same
// transaction as the write it describes, so a stored response always has its record.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: text('tenant_id').notNull(),
    environment: text('environment', { enum: ['live', 'test'] }).notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    statusCode: integer('status_code').notNull(),
    // json, not jsonb: a replay must be byte-for-byte the first response, key order included.
    response: json('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.environment, t.key] })],
);
