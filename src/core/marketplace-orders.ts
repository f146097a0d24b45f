import type { Ctx } from './context.ts';
import { customers, marketplaceOrders, type Address } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { assertReferences } from './references.ts';
import { documentBaseView, prepareDocument, type DocumentInputBase, type Lifecycle } from './documents.ts';

export type MarketplaceOrderRow = typeof marketplaceOrders.$inferSelect;
export const marketplaceOrderStatuses = ['pending', 'paid', 'shipped', 'completed', 'cancelled'] as const;
export type MarketplaceOrderStatus = (typeof marketplaceOrderStatuses)[number];

export const marketplaceOrderLifecycle: Lifecycle<MarketplaceOrderStatus> = {
  initial: 'pending',
  next: { pending: ['paid', 'cancelled'], paid: ['shipped', 'cancelled'], shipped: ['completed'], completed: [], cancelled: [] },
  locked: ['paid', 'shipped', 'completed', 'cancelled'],
};

export type MarketplaceOrderInput = DocumentInputBase<MarketplaceOrderStatus> & {
  customerId?: string | null;
  channel?: string | null;
  externalOrderId?: string | null;
  buyerName?: string | null;
  buyerEmail?: string | null;
  shippingAddress?: Address | null;
  carrier?: string | null;
  trackingNumber?: string | null;
};

export function marketplaceOrderView(row: MarketplaceOrderRow) {
  return {
    ...documentBaseView(row),
    status: row.status as MarketplaceOrderStatus,
    customerId: row.customerId,
    channel: row.channel,
    externalOrderId: row.externalOrderId,
    buyerName: row.buyerName,
    buyerEmail: row.buyerEmail,
    shippingAddress: row.shippingAddress ?? null,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type MarketplaceOrderView = ReturnType<typeof marketplaceOrderView>;

export const marketplaceOrderCollection = defineCollection({
  name: 'marketplaceOrders',
  label: 'Marketplace order',
  table: marketplaceOrders,
  view: marketplaceOrderView,
  prepare: async (ctx, input: MarketplaceOrderInput, current) => {
    await assertReferences(ctx, { customerId: [customers, input.customerId] });
    const doc = await prepareDocument(ctx, { type: 'marketplaceOrder', label: 'marketplace order', lifecycle: marketplaceOrderLifecycle, allowMarketplaceItems: true }, input, current);
    const { lines: _lines, status: _status, currency: _currency, ...rest } = input;
    return defined({ ...rest, buyerEmail: rest.buyerEmail?.trim().toLowerCase() ?? rest.buyerEmail, ...doc });
  },
});

export const createMarketplaceOrder = (ctx: Ctx, input: MarketplaceOrderInput) => marketplaceOrderCollection.create(ctx, input);
export const updateMarketplaceOrder = (ctx: Ctx, id: string, patch: MarketplaceOrderInput, opts: { ifMatch?: string } = {}) => marketplaceOrderCollection.update(ctx, id, patch, opts);
