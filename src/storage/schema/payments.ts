import { pgTable, text, bigint, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

// Money received against an invoice (CRM API payments). The invoice keeps the running
// amount_paid; these rows are the history behind it.
export const payments = pgTable(
  'payments',
  {
    ...tenantColumns(),
    invoiceId: text('invoice_id').notNull(),
    // Copied from the invoice so "payments of a client" needs no join.
    customerId: text('customer_id').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    method: text('method').notNull(),
    reference: text('reference'),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }).notNull(),
    notes: text('notes'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('payments_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    index('payments_invoice_idx').on(t.tenantId, t.environment, t.invoiceId),
    index('payments_customer_idx').on(t.tenantId, t.environment, t.customerId),
  ],
);
