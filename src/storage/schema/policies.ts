import { pgTable, text, integer, date, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

export const policyTypes = ['insurance', 'warranty', 'service_plan'] as const;
export const policyStatuses = ['active', 'expired', 'cancelled'] as const;

export const policies = pgTable(
  'policies',
  {
    ...tenantColumns(),
    type: text('type', { enum: policyTypes }).notNull(),
    provider: text('provider').notNull(),
    policyNumber: text('policy_number'),
    customerId: text('customer_id').notNull(),
    motorId: text('motor_id'),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    premiumAmount: integer('premium_amount'),
    currency: text('currency'),
    coverage: text('coverage'),
    status: text('status', { enum: policyStatuses }).notNull().default('active'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('policies_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    index('policies_customer_idx').on(t.tenantId, t.environment, t.customerId),
  ],
);
