import { pgTable, text, integer, jsonb, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import type { Address } from './customers.ts';
import { type SearchColumns, type SearchField, digitsField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

/** What the Records API's `q` searches in a vendor (core/search.ts): names, email, phone digits, tax id. */
export const vendorSearchFields = (t: SearchColumns<'name' | 'contactName' | 'email' | 'phone' | 'taxId'>) => [
  textField(t.name),
  textField(t.contactName),
  textField(t.email),
  digitsField(t.phone),
  textField(t.taxId),
];

// Suppliers of parts and services; purchase orders and inventory items point at them.
export const vendors = pgTable(
  'vendors',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    contactName: text('contact_name'),
    email: text('email'),
    phone: text('phone'),
    address: jsonb('address').$type<Address>(),
    taxId: text('tax_id'),
    paymentTermsDays: integer('payment_terms_days'),
    notes: text('notes'),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => vendorSearchFields(vendors)),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('vendors_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id), searchIndex('vendors_search_grams_idx', t)],
);
