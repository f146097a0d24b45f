import { pgTable, text, date, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns } from './document-columns.ts';

export const purchaseOrders = pgTable(
  'purchase_orders',
  {
    ...tenantColumns(),
    ...documentColumns(),
    vendorId: text('vendor_id').notNull(),
    expectedDate: date('expected_date', { mode: 'string' }),
    reference: text('reference'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('purchase_orders_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    uniqueIndex('purchase_orders_number_idx').on(t.tenantId, t.environment, t.number),
  ],
);
