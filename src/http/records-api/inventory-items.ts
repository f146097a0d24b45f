import { z } from 'zod';
import * as items from '../../core/inventory-items.ts';
import { recordCollection } from './collection-routes.ts';
import { currency, decimal3, metadata, minorAmount, recordTimestamps, reference } from './record-fields.ts';

const fields = {
  kind: z.enum(['product', 'service', 'part']).meta({ description: 'What the item is: a product sold, a service (labour) or a workshop part.', example: 'part' }),
  name: z.string().trim().min(1).max(200).meta({ description: 'Required on create.', example: 'Brake pads, front (set)' }),
  sku: z.string().trim().max(100).nullable().meta({ description: 'Stock-keeping unit, unique within the tenant and environment when given.', example: 'BP-F-2231' }),
  description: z.string().max(10_000).nullable().meta({ example: 'Ceramic front brake pad set, fits Golf Mk7/Mk8.' }),
  unitAmount: minorAmount('Selling price per unit, before tax. Required on create.', 4999),
  currency: currency.meta({ description: 'ISO 4217 currency of unitAmount and costAmount. Required on create.', example: 'GBP' }),
  costAmount: minorAmount('What the item costs you, for margins.', 2750).nullable(),
  taxRate: decimal3('Tax rate in percent (20 = 20%), used as the default on document lines.', 20),
  trackStock: z.boolean().meta({ description: 'Whether stockOnHand is kept for this item.', example: true }),
  stockOnHand: decimal3('Units in stock.', 12),
  reorderLevel: decimal3('Reorder when stockOnHand falls to this level.', 4).nullable(),
  unit: z.string().trim().min(1).max(20).meta({ description: 'Unit of measure: each, hour, litre, metre …', example: 'each' }),
  vendorId: reference('vendor (the usual supplier)').nullable(),
  active: z.boolean().meta({ description: 'Inactive items stay on old documents but are hidden from pickers.', example: true }),
  metadata,
};

export const inventoryItemInput = z.strictObject(fields).partial();
export const inventoryItemCreate = inventoryItemInput.meta({
  id: 'InventoryItemCreate',
  example: { kind: 'part', name: 'Brake pads, front (set)', sku: 'BP-F-2231', unitAmount: 4999, currency: 'GBP', costAmount: 2750, taxRate: 20, trackStock: true, stockOnHand: 12, reorderLevel: 4 },
});

export const inventoryItemRecord = z
  .object({
    id: z.string(),
    ...fields,
    taxRate: z.number().meta({ description: 'Percent.', example: 20 }),
    stockOnHand: z.number().meta({ example: 12 }),
    reorderLevel: z.number().nullable().meta({ example: 4 }),
    needsReorder: z.boolean().meta({ description: 'trackStock and stockOnHand at or below reorderLevel.', example: false }),
    vendorId: z.string().nullable(),
    ...recordTimestamps,
  })
  .meta({ id: 'InventoryItem' });

export const inventoryItemRoutes = recordCollection({
  name: 'inventoryItems',
  singular: 'inventory item',
  plural: 'inventory items',
  description:
    'One catalogue of products, services and parts — the same records the CRM API calls products. Document lines can reference an item by `inventoryItemId` to take its description, price and tax rate.',
  record: inventoryItemRecord,
  create: inventoryItemCreate,
  update: inventoryItemInput,
  ops: items.inventoryItemCollection,
});
