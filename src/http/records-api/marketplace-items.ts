import { z } from 'zod';
import * as listings from '../../core/marketplace-items.ts';
import { recordCollection } from './collection-routes.ts';
import { currency, metadata, minorAmount, recordTimestamps, reference } from './record-fields.ts';
import { webUrl } from '../platform/fields.ts';

const fields = {
  title: z.string().trim().min(1).max(300).meta({ description: 'Listing title. Required on create.', example: 'OEM alloy wheel 17" — VW Golf Mk7' }),
  description: z.string().max(20_000).nullable().meta({ example: 'Single wheel, light kerb marks, no buckles.' }),
  condition: z.enum(['new', 'used', 'refurbished', 'for_parts']).meta({ description: 'Required on create.', example: 'used' }),
  priceAmount: minorAmount('Asking price. Required on create.', 8500),
  currency: currency.meta({ description: 'ISO 4217 currency of priceAmount. Required on create.', example: 'GBP' }),
  quantity: z.number().int().min(0).max(1_000_000).meta({ description: 'Units available on the listing.', example: 1 }),
  status: z.enum(['draft', 'active', 'sold', 'archived']).meta({ description: 'draft (not listed), active (listed), sold, archived.', example: 'active' }),
  inventoryItemId: reference('inventory item this listing sells').nullable(),
  channel: z.string().trim().max(50).nullable().meta({ description: 'Where it is listed: ebay, website, autotrader …', example: 'ebay' }),
  externalId: z.string().trim().max(200).nullable().meta({ description: "The channel's own listing id.", example: '334455667788' }),
  mediaUrls: z
    .array(webUrl())
    .max(50)
    .meta({ description: 'Photo and video URLs, first is the cover.', example: ['https://cdn.example.com/listings/wheel-1.jpg'] }),
  metadata,
};

export const marketplaceItemInput = z.strictObject(fields).partial();
const marketplaceItemCreate = marketplaceItemInput.meta({
  id: 'MarketplaceItemCreate',
  example: { title: 'OEM alloy wheel 17" — VW Golf Mk7', condition: 'used', priceAmount: 8500, currency: 'GBP', quantity: 1, status: 'active', channel: 'ebay' },
});

export const marketplaceItemRecord = z
  .object({ id: z.string(), ...fields, inventoryItemId: z.string().nullable(), mediaUrls: z.array(z.string()), ...recordTimestamps })
  .meta({ id: 'MarketplaceItem' });

export const marketplaceItemRoutes = recordCollection({
  name: 'marketplaceItems',
  singular: 'marketplace item',
  plural: 'marketplace items',
  description: 'Items listed on marketplaces (eBay, the dealer website …). Marketplace order lines refer to them by `marketplaceItemId`.',
  record: marketplaceItemRecord,
  create: marketplaceItemCreate,
  update: marketplaceItemInput,
  ops: listings.marketplaceItemCollection,
});
