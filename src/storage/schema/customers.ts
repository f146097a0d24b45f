import { pgTable, text, boolean, integer, jsonb, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { type SearchColumns, type SearchField, digitsField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

export type Address = {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
};

/** What the Records API's `q` searches in a customer (core/search.ts): names, email, phone digits. */
export const customerSearchFields = (t: SearchColumns<'firstName' | 'lastName' | 'companyName' | 'email' | 'phone' | 'mobile' | 'whatsapp'>) => [
  textField(t.firstName),
  textField(t.lastName),
  textField(t.companyName),
  textField(t.email),
  digitsField(t.phone),
  digitsField(t.mobile),
  digitsField(t.whatsapp),
];

// One record for Records API customers, CRM API clients and Storefront customers.
export const customers = pgTable(
  'customers',
  {
    ...tenantColumns(),
    type: text('type', { enum: ['person', 'company'] }).notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    companyName: text('company_name'),
    email: text('email'),
    phone: text('phone'),
    mobile: text('mobile'),
    whatsapp: text('whatsapp'),
    address: jsonb('address').$type<Address>(),
    tags: text('tags').array().notNull().default([]),
    notes: text('notes'),
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    isVip: boolean('is_vip').notNull().default(false),
    leadScore: integer('lead_score').notNull().default(0),
    lifecycleStage: text('lifecycle_stage').notNull().default('PROSPECT'),
    source: text('source'),
    /** The shopper account that signed up on the dealer's storefront, if any. */
    accountId: text('account_id'),
    preferences: jsonb('preferences').$type<Record<string, unknown>>().notNull().default({}),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => customerSearchFields(customers)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('customers_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    index('customers_email_idx').on(t.tenantId, t.environment, t.email),
    searchIndex('customers_search_grams_idx', t),
    uniqueIndex('customers_account_uq').on(t.tenantId, t.environment, t.accountId),
  ],
);
