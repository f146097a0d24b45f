import { pgTable, text, integer, jsonb, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import type { Address } from './customers.ts';

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
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('vendors_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id)],
);
