import type { Ctx } from './context.ts';
import { purchaseOrders, vendors } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { documentBaseView, prepareDocument, type DocumentInputBase, type Lifecycle } from './documents.ts';

export type PurchaseOrderRow = typeof purchaseOrders.$inferSelect;
export const purchaseOrderStatuses = ['draft', 'ordered', 'received', 'cancelled'] as const;
export type PurchaseOrderStatus = (typeof purchaseOrderStatuses)[number];

export const purchaseOrderLifecycle: Lifecycle<PurchaseOrderStatus> = {
  initial: 'draft',
  next: { draft: ['ordered', 'cancelled'], ordered: ['received', 'cancelled'], received: [], cancelled: [] },
  locked: ['received', 'cancelled'],
};

export type PurchaseOrderInput = DocumentInputBase<PurchaseOrderStatus> & { vendorId?: string; expectedDate?: string | null; reference?: string | null };

export function purchaseOrderView(row: PurchaseOrderRow) {
  return {
    ...documentBaseView(row),
    status: row.status as PurchaseOrderStatus,
    vendorId: row.vendorId,
    expectedDate: row.expectedDate,
    reference: row.reference,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type PurchaseOrderView = ReturnType<typeof purchaseOrderView>;

export const purchaseOrderCollection = defineCollection({
  name: 'purchaseOrders',
  label: 'Purchase order',
  table: purchaseOrders,
  view: purchaseOrderView,
  createInOneStatement: true,
  prepare: async (ctx, input: PurchaseOrderInput, current) => {
    if (!current && !input.vendorId) throw invalidField('vendorId', 'required');
    await assertReferences(ctx, { vendorId: [vendors, input.vendorId] });
    const doc = await prepareDocument(ctx, { type: 'purchaseOrder', label: 'purchase order', lifecycle: purchaseOrderLifecycle }, input, current);
    const { lines: _lines, status: _status, currency: _currency, ...rest } = input;
    return defined({ ...rest, ...doc });
  },
});

export const createPurchaseOrder = (ctx: Ctx, input: PurchaseOrderInput) => purchaseOrderCollection.create(ctx, input);
export const updatePurchaseOrder = (ctx: Ctx, id: string, patch: PurchaseOrderInput, opts: { ifMatch?: string } = {}) => purchaseOrderCollection.update(ctx, id, patch, opts);
