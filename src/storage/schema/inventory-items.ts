import { pgTable, text, boolean, bigint, numeric, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { type SearchColumns, type SearchField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

/** What the Records API's `q` searches in an inventory item (core/search.ts): name and SKU. */
export const inventoryItemSearchFields = (t: SearchColumns<'name' | 'sku'>) => [textField(t.name), textField(t.sku)];

// One catalogue of products, services and parts: the Records API's inventoryItems and the CRM
// API's products.
export const inventoryItems = pgTable(
  'inventory_items',
  {
    ...tenantColumns(),
    kind: text('kind', { enum: ['product', 'service', 'part'] }).notNull(),
    name: text('name').notNull(),
    sku: text('sku'),
    description: text('description'),
    unitAmount: bigint('unit_amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    costAmount: bigint('cost_amount', { mode: 'number' }),
    taxRate: numeric('tax_rate', { precision: 6, scale: 3 }).notNull().default('0'),
    trackStock: boolean('track_stock').notNull().default(false),
    stockOnHand: numeric('stock_on_hand', { precision: 14, scale: 3 }).notNull().default('0'),
    reorderLevel: numeric('reorder_level', { precision: 14, scale: 3 }),
    unit: text('unit').notNull().default('each'),
    vendorId: text('vendor_id'),
    active: boolean('active').notNull().default(true),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => inventoryItemSearchFields(inventoryItems)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('inventory_items_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    searchIndex('inventory_items_search_grams_idx', t),
    uniqueIndex('inventory_items_sku_idx').on(t.tenantId, t.environment, t.sku).where(sql`sku is not null and deleted_at is null`),
  ],
);
