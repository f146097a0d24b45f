import type { Ctx } from './context.ts';
import { vendors, vendorSearchFields, type Address } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { createdFilter } from './search.ts';

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
  search: { fields: vendorSearchFields(vendors), text: vendors.searchText, filters: { created: createdFilter(vendors.createdAt) } },
  label: 'Vendor',
  table: vendors,
  view: vendorView,
  pure: true,
  prepare: async (_ctx, input: VendorInput, current) => {
    const patch = defined({ ...input, email: input.email?.trim().toLowerCase() ?? input.email });
    if (!current && !patch.name) {
      throw invalidField('name', 'required');
    }
    return patch;
  },
});

export const createVendor = (ctx: Ctx, input: VendorInput) => vendorCollection.create(ctx, input);
