import { pgTable, text, date, bigint, timestamp, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns } from './document-columns.ts';

export const invoices = pgTable(
  'invoices',
  {
    ...tenantColumns(),
    ...documentColumns(),
    customerId: text('customer_id').notNull(),
    quoteId: text('quote_id'),
    dueDate: date('due_date', { mode: 'string' }),
    // Kept here so payments (another aggregate) can settle an invoice without recomputing history.
    amountPaid: bigint('amount_paid', { mode: 'number' }).notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }),
    voidedAt: timestamp('voided_at', { withTimezone: true, mode: 'date' }),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('invoices_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    uniqueIndex('invoices_number_idx').on(t.tenantId, t.environment, t.number),
    index('invoices_customer_idx').on(t.tenantId, t.environment, t.customerId),
    index('invoices_quote_idx').on(t.tenantId, t.environment, t.quoteId),
  ],
);
