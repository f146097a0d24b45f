import { pgTable, text, integer, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

export const logisticsKinds = ['delivery', 'pickup', 'transfer', 'transport'] as const;
export const logisticsStatuses = ['scheduled', 'in_transit', 'delivered', 'cancelled'] as const;

export const logisticsEntries = pgTable(
  'logistics_entries',
  {
    ...tenantColumns(),
    motorId: text('motor_id').notNull(),
    kind: text('kind', { enum: logisticsKinds }).notNull(),
    fromLocation: text('from_location'),
    toLocation: text('to_location'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true, mode: 'date' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    costAmount: integer('cost_amount'),
    currency: text('currency'),
    status: text('status', { enum: logisticsStatuses }).notNull().default('scheduled'),
    driverEmployeeId: text('driver_employee_id'),
    notes: text('notes'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('logistics_entries_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    index('logistics_entries_motor_idx').on(t.tenantId, t.environment, t.motorId),
  ],
);
