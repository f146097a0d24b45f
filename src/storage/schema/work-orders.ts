import { pgTable, text, integer, jsonb, timestamp, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns, type StoredLine } from './document-columns.ts';
import { type SearchColumns, type SearchField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

/** A job on a repair order: the customer's concern, the technician's findings and its lines. */
export type StoredJob = {
  id: string;
  title: string;
  concern: string | null;
  findings: string | null;
  authorized: boolean;
  technicianEmployeeId: string | null;
  lines: StoredLine[];
  subtotalAmount: number;
  taxAmount: number;
  totalAmount: number;
};

// Repair orders. `lines` holds every job's lines flattened, so totals, numbering and conversion
// to an invoice reuse the document machinery.
/** What the Records API's `q` searches in a work order (core/search.ts): its document number. */
export const workOrderSearchFields = (t: SearchColumns<'number'>) => [textField(t.number)];

export const workOrders = pgTable(
  'work_orders',
  {
    ...tenantColumns(),
    ...documentColumns(),
    customerId: text('customer_id').notNull(),
    motorId: text('motor_id').notNull(),
    jobs: jsonb('jobs').$type<StoredJob[]>().notNull().default([]),
    assignedEmployeeIds: text('assigned_employee_ids').array().notNull().default([]),
    mileageIn: integer('mileage_in'),
    mileageOut: integer('mileage_out'),
    promisedAt: timestamp('promised_at', { withTimezone: true, mode: 'date' }),
    quoteId: text('quote_id'),
    invoiceId: text('invoice_id'),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => workOrderSearchFields(workOrders)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('work_orders_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    searchIndex('work_orders_search_grams_idx', t),
    uniqueIndex('work_orders_number_idx').on(t.tenantId, t.environment, t.number),
    index('work_orders_motor_idx').on(t.tenantId, t.environment, t.motorId),
    index('work_orders_customer_idx').on(t.tenantId, t.environment, t.customerId),
  ],
);
