import type { Ctx } from './context.ts';
import { vendors, type Address } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';

export type VendorRow = typeof vendors.$inferSelect;

export type VendorInput = {
  name?: string;
  contactName?: string | null;
  email?: string | null;
  phone?: string | null;
  address?: Address | null;
  taxId?: string | null;
  paymentTermsDays?: number | null;
  notes?: string | null;
  metadata?: Record<string, unknown>;
};

export function vendorView(row: VendorRow) {
  return {
    id: row.id,
    name: row.name,
    contactName: row.contactName,
    email: row.email,
    phone: row.phone,
    address: row.address ?? null,
    taxId: row.taxId,
    paymentTermsDays: row.paymentTermsDays,
    notes: row.notes,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type VendorView = ReturnType<typeof vendorView>;

export const vendorCollection = defineCollection({
  name: 'vendors',
  label: 'Vendor',
  table: vendors,
  view: vendorView,
  prepare: async (_ctx, input: VendorInput, current) => {
    const patch = defined({ ...input, email: input.email?.trim().toLowerCase() ?? input.email });
    if (!current && !patch.name) {
      throw invalidField('name', 'required');
    }
    return patch;
  },
});

export const createVendor = (ctx: Ctx, input: VendorInput) => vendorCollection.create(ctx, input);
export const getVendor = (ctx: Ctx, id: string) => vendorCollection.get(ctx, id);
export const updateVendor = (ctx: Ctx, id: string, patch: VendorInput, opts: { ifMatch?: string } = {}) => vendorCollection.update(ctx, id, patch, opts);
