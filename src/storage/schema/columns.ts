import { text, timestamp, jsonb } from 'drizzle-orm/pg-core';

// Columns every tenant-owned table carries. tenant_id leads every primary key and index so the
// schema can later be distributed by tenant (Citus) without redesign.
export const tenantColumns = () => ({
  tenantId: text('tenant_id').notNull(),
  environment: text('environment', { enum: ['live', 'test'] }).notNull(),
  id: text('id').notNull(),
});

// Timestamps are set from TypeScript (millisecond precision) so that a value read back and sent
// as `updatedAfter` compares exactly.
export const recordTimestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
});

export const metadataColumn = () => jsonb('metadata').$type<Record<string, unknown>>().notNull().default({});
