import { pgTable, text, boolean, integer, doublePrecision, jsonb, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { type SearchColumns, type SearchField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

export const fuelTypes = ['PETROL', 'DIESEL', 'ELECTRIC', 'HYBRID', 'PLUGIN_HYBRID'] as const;
export const transmissions = ['MANUAL', 'AUTOMATIC', 'CVT', 'DCT', 'SEMI_AUTOMATIC'] as const;
export const drivetrains = ['FWD', 'RWD', 'AWD', '4WD'] as const;
export const motorStatuses = ['in_stock', 'reserved', 'sold', 'in_service', 'archived'] as const;
export const listingTypes = ['sale', 'rental', 'auction'] as const;
export const listingStatuses = ['draft', 'active', 'paused', 'closed'] as const;

export type SaleOptions = { priceAmount: number; currency: string; isNegotiable?: boolean; financingAvailable?: boolean };
export type RentalOptions = { dailyRateAmount: number; weeklyRateAmount?: number | null; depositAmount?: number | null; currency: string; minDays?: number | null };
export type AuctionOptions = { startingBidAmount: number; reserveAmount?: number | null; currency: string; startsAt?: string | null; endsAt?: string | null };
export type MotorMedia = { url: string; type: 'photo' | 'video'; category: 'exterior' | 'interior' | 'engine' | 'other'; isFeatured: boolean; sortOrder: number };
export type MotorFeatures = { safety: string[]; exterior: string[]; interior: string[]; entertainment: string[] };
export type PickupDetails = { address?: string | null; locationName?: string | null };

/** What the Records API's `q` searches in a motor (core/search.ts): VIN, stock number, plate, make, model, trim. */
export const motorSearchFields = (t: SearchColumns<'vin' | 'stockNumber' | 'plate' | 'make' | 'model' | 'trim'>) => [
  textField(t.vin),
  textField(t.stockNumber),
  textField(t.plate),
  textField(t.make),
  textField(t.model),
  textField(t.trim),
];

// A vehicle the business holds, services or lists. Listing columns live on the same row because a
// Storefront vehicle is exactly a motor with an active listing.
export const motors = pgTable(
  'motors',
  {
    ...tenantColumns(),
    vin: text('vin'),
    vinCheckDigitValid: boolean('vin_check_digit_valid'),
    vinCheckOverrideReason: text('vin_check_override_reason'),
    stockNumber: text('stock_number'),
    make: text('make').notNull(),
    model: text('model').notNull(),
    year: integer('year'),
    trim: text('trim'),
    bodyType: text('body_type'),
    engineDescription: text('engine_description'),
    fuelType: text('fuel_type', { enum: fuelTypes }),
    displacement: doublePrecision('displacement'),
    horsepower: integer('horsepower'),
    transmission: text('transmission', { enum: transmissions }),
    drivetrain: text('drivetrain', { enum: drivetrains }),
    exteriorColor: text('exterior_color'),
    interiorColor: text('interior_color'),
    mileage: integer('mileage'),
    mileageUnit: text('mileage_unit', { enum: ['km', 'mi'] })
      .notNull()
      .default('km'),
    plate: text('plate'),
    ownerCustomerId: text('owner_customer_id'),
    status: text('status', { enum: motorStatuses }).notNull().default('in_stock'),
    condition: text('condition', { enum: ['new', 'used'] })
      .notNull()
      .default('used'),
    makeId: text('make_id'),
    modelId: text('model_id'),
    trimId: text('trim_id'),
    bodyTypeId: text('body_type_id'),
    description: text('description'),
    listingType: text('listing_type', { enum: listingTypes }),
    listingStatus: text('listing_status', { enum: listingStatuses }).notNull().default('draft'),
    // The price of the current listing type, in minor units, kept in one column so listings can be
    // filtered and sorted by price with an index instead of by reaching into JSON.
    listingPriceAmount: integer('listing_price_amount'),
    listingCurrency: text('listing_currency'),
    saleOptions: jsonb('sale_options').$type<SaleOptions>(),
    rentalOptions: jsonb('rental_options').$type<RentalOptions>(),
    auctionOptions: jsonb('auction_options').$type<AuctionOptions>(),
    media: jsonb('media').$type<MotorMedia[]>().notNull().default([]),
    features: jsonb('features').$type<MotorFeatures>().notNull().default({ safety: [], exterior: [], interior: [], entertainment: [] }),
    pickupDetails: jsonb('pickup_details').$type<PickupDetails>(),
    slug: text('slug').notNull(),
    viewsCount: integer('views_count').notNull().default(0),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => motorSearchFields(motors)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('motors_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    searchIndex('motors_search_grams_idx', t),
    uniqueIndex('motors_vin_uq').on(t.tenantId, t.environment, t.vin).where(sql`${t.vin} is not null and ${t.deletedAt} is null`),
    index('motors_owner_idx').on(t.tenantId, t.environment, t.ownerCustomerId),
    // The storefront's vehicle list: only active listings, narrowed by type, newest first by default.
    index('motors_active_listing_idx').on(t.tenantId, t.environment, t.listingType, t.createdAt).where(sql`${t.listingStatus} = 'active' and ${t.listingType} is not null and ${t.deletedAt} is null`),
    index('motors_slug_idx').on(t.tenantId, t.environment, t.slug),
  ],
);
