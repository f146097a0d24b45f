import { pgTable, text, integer, bigint, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

// An item listed on a marketplace channel (eBay, the dealer's website …).
export const marketplaceItems = pgTable(
  'marketplace_items',
  {
    ...tenantColumns(),
    title: text('title').notNull(),
    description: text('description'),
    condition: text('condition', { enum: ['new', 'used', 'refurbished', 'for_parts'] }).notNull(),
    priceAmount: bigint('price_amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    quantity: integer('quantity').notNull().default(1),
    status: text('status', { enum: ['draft', 'active', 'sold', 'archived'] })
      .notNull()
      .default('draft'),
    inventoryItemId: text('inventory_item_id'),
    channel: text('channel'),
    externalId: text('external_id'),
    mediaUrls: text('media_urls').array().notNull().default([]),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('marketplace_items_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id)],
);
