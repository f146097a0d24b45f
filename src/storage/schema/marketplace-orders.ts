import { pgTable, text, jsonb, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { documentColumns } from './document-columns.ts';
import type { Address } from './customers.ts';

export const marketplaceOrders = pgTable(
  'marketplace_orders',
  {
    ...tenantColumns(),
    ...documentColumns(),
    customerId: text('customer_id'),
    channel: text('channel'),
    externalOrderId: text('external_order_id'),
    buyerName: text('buyer_name'),
    buyerEmail: text('buyer_email'),
    shippingAddress: jsonb('shipping_address').$type<Address>(),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('marketplace_orders_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    uniqueIndex('marketplace_orders_number_idx').on(t.tenantId, t.environment, t.number),
  ],
);
