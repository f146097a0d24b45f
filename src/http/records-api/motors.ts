import { z } from 'zod';
import { motorOps } from '../../core/motors.ts';
import { drivetrains, fuelTypes, listingStatuses, listingTypes, motorStatuses, transmissions } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { minorAmount, currency, metadata, recordId, reference, recordTimestamps } from './record-fields.ts';
import { plausibleInstant, webUrl } from '../platform/fields.ts';

const catalogId = (what: string, example: string) =>
  z
    .string()
    .max(100)
    .nullable()
    .meta({
      description: `Id of the ${what} in the vehicle catalog (GET /external/…). Checked: an id the catalog doesn't have is a 400 naming this field. Omitted, it is filled from the make, model, trim and body type text (matched case- and accent-insensitively), or null when the catalog has no match.`,
      example,
    });

const engineObject = z.strictObject({
  description: z.string().trim().max(200).nullable().optional().meta({ example: '2.5L 4-cylinder' }),
  fuelType: z.enum(fuelTypes).nullable().optional().meta({ example: 'HYBRID' }),
  displacement: z.number().positive().max(20).nullable().optional().meta({ description: 'Litres.', example: 2.5 }),
  horsepower: z.number().int().min(1).max(3000).nullable().optional().meta({ example: 208 }),
});

const saleOptions = z
  .strictObject({
    priceAmount: minorAmount('Asking price.', 2899000),
    currency,
    isNegotiable: z.boolean().default(false).meta({ example: true }),
    financingAvailable: z.boolean().default(false).meta({ example: true }),
  })
  .meta({ description: 'Price data of a sale listing.', example: { priceAmount: 2899000, currency: 'USD', isNegotiable: true, financingAvailable: true } });

const rentalOptions = z
  .strictObject({
    dailyRateAmount: minorAmount('Price per day.', 6500),
    weeklyRateAmount: minorAmount('Price per week; at most seven daily rates.', 39000).nullable().optional(),
    depositAmount: minorAmount('Refundable deposit.', 50000).nullable().optional(),
    currency,
    minDays: z.number().int().min(1).max(365).nullable().optional().meta({ example: 2 }),
  })
  .meta({ description: 'Price data of a rental listing.', example: { dailyRateAmount: 6500, weeklyRateAmount: 39000, depositAmount: 50000, currency: 'USD', minDays: 2 } });

const auctionOptions = z
  .strictObject({
    startingBidAmount: minorAmount('Opening bid.', 1500000),
    reserveAmount: minorAmount('Lowest price the seller accepts.', 2100000).nullable().optional(),
    currency,
    startsAt: plausibleInstant().nullable().optional().meta({ example: '2026-04-01T15:00:00.000Z' }),
    endsAt: plausibleInstant().nullable().optional().meta({ description: 'After startsAt.', example: '2026-04-08T15:00:00.000Z' }),
  })
  .meta({
    description: 'Price data of an auction listing.',
    example: { startingBidAmount: 1500000, reserveAmount: 2100000, currency: 'USD', startsAt: '2026-04-01T15:00:00.000Z', endsAt: '2026-04-08T15:00:00.000Z' },
  });

const media = z
  .array(
    z.strictObject({
      url: webUrl().meta({ example: 'https://images.example.com/motors/camry-front.jpg' }),
      type: z.enum(['photo', 'video']).default('photo'),
      category: z.enum(['exterior', 'interior', 'engine', 'other']).default('exterior'),
      isFeatured: z.boolean().default(false),
      sortOrder: z.number().int().min(0).max(1000).default(0),
    }),
  )
  .max(100)
  .meta({
    description: 'Photos and videos, shown by sortOrder; the featured one first in lists.',
    example: [{ url: 'https://images.example.com/motors/camry-front.jpg', type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 1 }],
  });

const featureList = z.array(z.string().trim().min(1).max(100)).max(100).default([]);
const features = z
  .strictObject({ safety: featureList, exterior: featureList, interior: featureList, entertainment: featureList })
  .meta({ description: 'Equipment by group.', example: { safety: ['ABS', 'Lane assist'], exterior: ['Alloy wheels'], interior: ['Heated seats'], entertainment: ['Apple CarPlay'] } });

const pickupDetails = z
  .strictObject({
    address: z.string().trim().max(500).nullable().optional(),
    locationName: z.string().trim().max(200).nullable().optional(),
  })
  .meta({ description: 'Where a buyer or renter collects the vehicle.', example: { address: '2200 Auto Mall Dr, Fremont, CA', locationName: 'Fremont showroom' } });

const fields = {
  vin: z.string().trim().max(30).nullable().meta({
    description:
      'Vehicle Identification Number: 17 characters of 0-9 and A-Z without I, O, Q (spaces and dashes are removed, letters upper-cased). The ISO 3779 check digit (position 9) is enforced for North-American VINs (first character 1–5): a wrong one is a 400 naming vin unless vinCheckOverride is sent; elsewhere it is only reported in vinCheckDigitValid. Unique per dealership and environment (a duplicate is a 409). On create, make, model and year that are omitted are filled from the decoded VIN (see GET /vin/{vin}); a make or model the VIN does not tell stays required (400 naming it).',
    example: '1HGCM82633A004352',
  }),
  vinCheckOverride: z
    .strictObject({ reason: z.string().trim().min(3).max(500).meta({ example: 'Grey import, VIN as stamped on the chassis' }) })
    .nullable()
    .meta({ description: 'Send with vin to keep a VIN whose check digit fails, with the reason (stored and returned; cleared when the VIN changes to a valid one).' }),
  stockNumber: z.string().trim().max(50).nullable().meta({ description: "The dealer's own stock number.", example: 'STK-2291' }),
  make: z.string().trim().min(1).max(100).meta({ description: 'Required, unless a vin sent on create decodes to one (GET /vin/{vin}): then an omitted make is filled from it.', example: 'Toyota' }),
  model: z.string().trim().min(1).max(100).meta({ description: 'Required, unless a vin sent on create decodes to one (GET /vin/{vin}): then an omitted model is filled from it.', example: 'Camry' }),
  year: z
    .number()
    .int()
    .min(1886)
    .max(2100)
    .nullable()
    .meta({ description: 'Model year. Omitted on create with a vin, it is the decoded model year (null when the VIN does not tell it).', example: 2023 }),
  trim: z.string().trim().max(100).nullable().meta({ example: 'XLE' }),
  bodyType: z.string().trim().max(50).nullable().meta({ example: 'Sedan' }),
  engine: z
    .union([z.string().trim().max(200), engineObject])
    .nullable()
    .meta({
      description: 'Free text, or structured (fuelType, displacement in litres, horsepower). Returned as an object; text lands in description.',
      example: { description: '2.5L 4-cylinder hybrid', fuelType: 'HYBRID', displacement: 2.5, horsepower: 208 },
    }),
  transmission: z.enum(transmissions).nullable().meta({ example: 'AUTOMATIC' }),
  drivetrain: z.enum(drivetrains).nullable().meta({ example: 'FWD' }),
  exteriorColor: z.string().trim().max(50).nullable().meta({ example: 'Celestial Silver' }),
  interiorColor: z.string().trim().max(50).nullable().meta({ example: 'Black' }),
  mileage: z.number().int().min(0).max(5_000_000).nullable().meta({ description: 'Odometer reading in mileageUnit.', example: 15000 }),
  mileageUnit: z.enum(['km', 'mi']).meta({ description: 'Defaults to km.', example: 'mi' }),
  plate: z.string().trim().max(20).nullable().meta({ description: 'Registration plate.', example: '8ABC123' }),
  ownerCustomerId: reference('customers', 'The owner, for customer vehicles (service, trade-in).').nullable(),
  status: z.enum(motorStatuses).meta({ description: 'Where the vehicle stands in the business; defaults to in_stock.', example: 'in_stock' }),
  condition: z.enum(['new', 'used']).meta({ description: 'Defaults to used.', example: 'used' }),
  makeId: catalogId('make (brand)', 'cd4eda32-d242-5d95-8b11-c6d74b0c21cf'),
  modelId: catalogId('model', 'de8ba339-5a69-5ce6-b34b-95ff7bd5b921'),
  trimId: catalogId('trim', '26179e87-7b68-5dc0-8d61-6bde64b4409e'),
  bodyTypeId: catalogId('body type', 'b977f6cb-bc09-58d5-b0da-9220820e0502'),
  description: z.string().max(20_000).nullable().meta({ example: 'One owner, full Toyota service history, new tyres.' }),
  listingType: z.enum(listingTypes).nullable().meta({ description: 'How the vehicle is offered; null when not listed.', example: 'sale' }),
  listingStatus: z.enum(listingStatuses).meta({
    description: 'Defaults to draft. An active listing (listingType set and listingStatus active) is a vehicle of the Storefront API; it needs the options of its type.',
    example: 'active',
  }),
  saleOptions: saleOptions.nullable(),
  rentalOptions: rentalOptions.nullable(),
  auctionOptions: auctionOptions.nullable(),
  media,
  features,
  pickupDetails: pickupDetails.nullable(),
  metadata,
};

const input = z.strictObject(fields).partial();
// make and model are required after the VIN has been decoded (core), not by the schema: a VIN alone
// is a complete create when it decodes.
export const motorCreate = input.meta({
  id: 'MotorCreate',
  example: {
    vin: '4T1B11HK5KU000001',
    stockNumber: 'STK-2291',
    make: 'Toyota',
    model: 'Camry',
    year: 2019,
    trim: 'XLE',
    bodyType: 'Sedan',
    engine: { description: '2.5L 4-cylinder', fuelType: 'PETROL', displacement: 2.5, horsepower: 203 },
    transmission: 'AUTOMATIC',
    mileage: 41000,
    mileageUnit: 'mi',
    listingType: 'sale',
    listingStatus: 'active',
    saleOptions: { priceAmount: 2150000, currency: 'USD', isNegotiable: true, financingAvailable: true },
  },
});
const update = input.meta({ id: 'MotorUpdate', example: { mileage: 41250, status: 'reserved' } });

const outEngine = z.object({ description: z.string().nullable(), fuelType: z.enum(fuelTypes).nullable(), displacement: z.number().nullable(), horsepower: z.number().nullable() });

export const motorRecord = z
  .object({
    id: recordId,
    ...fields,
    vinCheckDigitValid: z.boolean().nullable().meta({ description: 'Whether position 9 matches the ISO 3779 check digit; null without a VIN.', example: true }),
    vinCheckOverride: z.object({ reason: z.string() }).nullable(),
    name: z.string().meta({ description: 'Year, make, model and trim.', example: '2019 Toyota Camry XLE' }),
    engine: outEngine.nullable().meta({ example: { description: '2.5L 4-cylinder', fuelType: 'PETROL', displacement: 2.5, horsepower: 203 } }),
    isListed: z.boolean().meta({ description: 'True when listingType is set and listingStatus is active (shown by the Storefront API).', example: true }),
    saleOptions: z
      .object({ priceAmount: z.number(), currency: z.string(), isNegotiable: z.boolean().optional(), financingAvailable: z.boolean().optional() })
      .nullable()
      .meta({ description: 'Sale price (minor units) and terms.', example: { priceAmount: 2150000, currency: 'USD', isNegotiable: true, financingAvailable: true } }),
    rentalOptions: z
      .object({
        dailyRateAmount: z.number(),
        weeklyRateAmount: z.number().nullable().optional(),
        depositAmount: z.number().nullable().optional(),
        currency: z.string(),
        minDays: z.number().nullable().optional(),
      })
      .nullable()
      .meta({ description: 'Rental rates and deposit (minor units).', example: null }),
    auctionOptions: z
      .object({
        startingBidAmount: z.number(),
        reserveAmount: z.number().nullable().optional(),
        currency: z.string(),
        startsAt: z.string().nullable().optional(),
        endsAt: z.string().nullable().optional(),
      })
      .nullable()
      .meta({ description: 'Opening bid, reserve (minor units) and auction window.', example: null }),
    media: z
      .array(z.object({ url: z.string(), type: z.enum(['photo', 'video']), category: z.enum(['exterior', 'interior', 'engine', 'other']), isFeatured: z.boolean(), sortOrder: z.number() }))
      .meta({ description: 'Photos and videos.', example: [{ url: 'https://images.example.com/motors/camry-front.jpg', type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 1 }] }),
    features: z
      .object({ safety: z.array(z.string()), exterior: z.array(z.string()), interior: z.array(z.string()), entertainment: z.array(z.string()) })
      .meta({ description: 'Equipment by group.', example: { safety: ['ABS'], exterior: ['Alloy wheels'], interior: ['Heated seats'], entertainment: ['Apple CarPlay'] } }),
    pickupDetails: z
      .object({ address: z.string().nullable().optional(), locationName: z.string().nullable().optional() })
      .nullable()
      .meta({ description: 'Where the vehicle is collected.', example: { address: '2200 Auto Mall Dr, Fremont, CA', locationName: 'Fremont showroom' } }),
    slug: z.string().meta({ description: 'make-model-year-shortid, generated; follows make, model and year.', example: 'toyota-camry-2019-3f9a1c' }),
    viewsCount: z.number().int().meta({ description: 'Storefront views; read-only.', example: 0 }),
    ...recordTimestamps,
  })
  .meta({ id: 'Motor' });

export const motorRoutes = recordCollection({
  name: 'motors',
  singular: 'motor',
  plural: 'motors',
  description:
    "Vehicles: stock for sale, rental or auction and customers' cars in for service. Money is in integer minor units with an ISO 4217 currency. Motors with an active listing are the Storefront API's vehicles.",
  record: motorRecord,
  create: motorCreate,
  update,
  ops: motorOps,
});
