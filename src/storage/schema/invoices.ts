import { sql } from 'drizzle-orm';
import { pgTable, text, date, bigint, timestamp, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns } from './document-columns.ts';
import { type SearchColumns, type SearchField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

/** What the Records API's `q` searches in an invoice (core/search.ts): its document number. */
export const invoiceSearchFields = (t: SearchColumns<'number'>) => [textField(t.number)];

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
    searchText: searchTextColumn((): SearchField[] => invoiceSearchFields(invoices)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('invoices_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    searchIndex('invoices_search_grams_idx', t),
    uniqueIndex('invoices_number_idx').on(t.tenantId, t.environment, t.number),
    index('invoices_customer_idx').on(t.tenantId, t.environment, t.customerId),
    // A quote has at most one (live) invoice: the last line of defence behind the conversion's lock.
    uniqueIndex('invoices_quote_uq').on(t.tenantId, t.environment, t.quoteId).where(sql`${t.quoteId} is not null and ${t.deletedAt} is null`),
  ],
);
