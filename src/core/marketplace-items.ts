import type { Ctx } from './context.ts';
import { inventoryItems, marketplaceItems } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { assertReferences } from './references.ts';

export type MarketplaceItemRow = typeof marketplaceItems.$inferSelect;

export type MarketplaceItemInput = {
  title?: string;
  description?: string | null;
  condition?: MarketplaceItemRow['condition'];
  priceAmount?: number;
  currency?: string;
  quantity?: number;
  status?: MarketplaceItemRow['status'];
  inventoryItemId?: string | null;
  channel?: string | null;
  externalId?: string | null;
  mediaUrls?: string[];
  metadata?: Record<string, unknown>;
};

export function marketplaceItemView(row: MarketplaceItemRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    condition: row.condition,
    priceAmount: row.priceAmount,
    currency: row.currency,
    quantity: row.quantity,
    status: row.status,
    inventoryItemId: row.inventoryItemId,
    channel: row.channel,
    externalId: row.externalId,
    mediaUrls: row.mediaUrls,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type MarketplaceItemView = ReturnType<typeof marketplaceItemView>;

export const marketplaceItemCollection = defineCollection({
  name: 'marketplaceItems',
  label: 'Marketplace item',
  table: marketplaceItems,
  view: marketplaceItemView,
  prepare: async (ctx, input: MarketplaceItemInput, current) => {
    if (!current) {
      if (!input.title) throw invalidField('title', 'required');
      if (!input.condition) throw invalidField('condition', 'required (new, used, refurbished or for_parts)');
      if (input.priceAmount === undefined) throw invalidField('priceAmount', 'required (integer minor units)');
      if (!input.currency) throw invalidField('currency', 'required (ISO 4217, e.g. GBP)');
    }
    await assertReferences(ctx, { inventoryItemId: [inventoryItems, input.inventoryItemId] });
    return defined({ ...input, currency: input.currency?.toUpperCase() });
  },
});

export const createMarketplaceItem = (ctx: Ctx, input: MarketplaceItemInput) => marketplaceItemCollection.create(ctx, input);
