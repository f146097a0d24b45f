import { pgTable, text, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

export const appointmentStatuses = ['pending', 'confirmed', 'cancelled', 'completed'] as const;
export const appointmentKinds = ['test_drive'] as const;

// A shopper's request to see a motor (test drives from the storefront), tied to the lead it opened.
export const appointments = pgTable(
  'appointments',
  {
    ...tenantColumns(),
    kind: text('kind', { enum: appointmentKinds }).notNull().default('test_drive'),
    motorId: text('motor_id').notNull(),
    leadId: text('lead_id').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    preferredDate: timestamp('preferred_date', { withTimezone: true, mode: 'date' }),
    status: text('status', { enum: appointmentStatuses }).notNull().default('pending'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('appointments_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    index('appointments_motor_idx').on(t.tenantId, t.environment, t.motorId),
  ],
);
