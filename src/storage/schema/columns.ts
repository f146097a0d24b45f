import { text, timestamp, jsonb } from 'drizzle-orm/pg-core';

// Columns every tenant-owned table carries. tenant_id leads every primary key and index so the
// schema can later be distributed by tenant (Citus) without redesign.
export const tenantColumns = () => ({
  tenantId: text('tenant_id').notNull(),
  environment: text('environment', { enum: ['live', 'test'] }).notNull(),
  id: text('id').notNull(),
});

// The vehicle catalog's brands, models and trims: a row with no tenant (and no environment) is the
// global catalog's, shared by every dealer; one with both is that dealer's own addition.
export const catalogOwnerColumns = () => ({
  tenantId: text('tenant_id'),
  environment: text('environment', { enum: ['live', 'test'] }),
});

// Timestamps are set from TypeScript (millisecond precision) so that a value read back and sent
// as `updatedAfter` compares exactly.
export const writeTimestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export const recordTimestamps = () => ({
  ...writeTimestamps(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
});

export const metadataColumn = () => jsonb('metadata').$type<Record<string, unknown>>().notNull().default({});
