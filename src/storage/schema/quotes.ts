import { pgTable, text, date, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns } from './document-columns.ts';
import { type SearchColumns, type SearchField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

/** What the Records API's `q` searches in a quote (core/search.ts): its document number. */
export const quoteSearchFields = (t: SearchColumns<'number'>) => [textField(t.number)];

export const quotes = pgTable(
  'quotes',
  {
    ...tenantColumns(),
    ...documentColumns(),
    customerId: text('customer_id').notNull(),
    validUntil: date('valid_until', { mode: 'string' }),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => quoteSearchFields(quotes)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('quotes_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    searchIndex('quotes_search_grams_idx', t),
    uniqueIndex('quotes_number_idx').on(t.tenantId, t.environment, t.number),
    index('quotes_customer_idx').on(t.tenantId, t.environment, t.customerId),
  ],
);
