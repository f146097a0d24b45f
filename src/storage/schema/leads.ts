import { pgTable, text, jsonb, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

export const leadSources = ['website', 'phone', 'walk-in', 'marketplace', 'adf', 'contact_form', 'test_drive', 'other'] as const;
export const leadStatuses = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;
export const leadInterests = ['buy', 'lease', 'sell', 'trade-in', 'test-drive', 'service'] as const;

export type VehicleOfInterest = { year?: number | null; make?: string | null; model?: string | null };

export const leads = pgTable(
  'leads',
  {
    ...tenantColumns(),
    source: text('source', { enum: leadSources }).notNull().default('other'),
    status: text('status', { enum: leadStatuses }).notNull().default('new'),
    customerId: text('customer_id'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    interest: text('interest', { enum: leadInterests }),
    motorId: text('motor_id'),
    vehicleOfInterest: jsonb('vehicle_of_interest').$type<VehicleOfInterest>(),
    message: text('message'),
    assignedEmployeeId: text('assigned_employee_id'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('leads_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    index('leads_status_idx').on(t.tenantId, t.environment, t.status),
  ],
);
