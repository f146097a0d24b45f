import { pgTable, text, date, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns } from './document-columns.ts';

export const quotes = pgTable(
  'quotes',
  {
    ...tenantColumns(),
    ...documentColumns(),
    customerId: text('customer_id').notNull(),
    validUntil: date('valid_until', { mode: 'string' }),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('quotes_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    uniqueIndex('quotes_number_idx').on(t.tenantId, t.environment, t.number),
    index('quotes_customer_idx').on(t.tenantId, t.environment, t.customerId),
  ],
);
