import { pgTable, text, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

export const directories = ['google', 'yelp', 'facebook', 'autotrader', 'other'] as const;
export const directoryListingStatuses = ['active', 'pending', 'suspended'] as const;

export const directoryListings = pgTable(
  'directory_listings',
  {
    ...tenantColumns(),
    directory: text('directory', { enum: directories }).notNull(),
    name: text('name').notNull(),
    url: text('url'),
    address: text('address'),
    phone: text('phone'),
    categories: text('categories').array().notNull().default([]),
    status: text('status', { enum: directoryListingStatuses }).notNull().default('pending'),
    externalId: text('external_id'),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('directory_listings_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id)],
);
