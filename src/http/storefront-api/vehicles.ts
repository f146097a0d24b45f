import crypto from 'node:crypto';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as vehicles from '../../core/vehicles.ts';
import { minorToDecimal } from '../../core/money.ts';
import { fuelTypes, listingTypes, transmissions } from '../../storage/schema/index.ts';
import type { ListingSort } from '../../core/vehicles.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope, idParams, list, listEnvelope, pageQuery } from './common.ts';
import { slugify } from '../../core/slug.ts';

// The document's "Vehicle Listings": the dealer's motors with an active listing, in its shape.
// Prices are decimal major units (35000 = USD 35,000.00) with the currency beside them.

const money = z.number().meta({ description: 'Major units of `currency` (35000 = 35,000.00)' });
const ref = { id: z.string().nullable().meta({ description: 'Catalog id; null when the motor is not linked to the catalog' }), name: z.string() };

const vehicle = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    year: z.number().int().nullable(),
    trim: z.string().nullable(),
    condition: z.enum(['new', 'used']),
    mileage: z.number().int().nullable(),
    mileageUnit: z.enum(['km', 'mi']),
    exteriorColor: z.string().nullable(),
    interiorColor: z.string().nullable(),
    drivetrain: z.string().nullable(),
    listingType: z.enum(listingTypes),
    status: z.enum(['available', 'reserved', 'sold', 'unavailable']).meta({ description: "From the motor's status: in_stock → available, reserved, sold; anything else → unavailable" }),
    model: z.object({
      ...ref,
      slug: z.string(),
      brand: z.object({ ...ref, logoUrl: z.string().nullable() }),
      bodyType: z.object({ ...ref, code: z.string().nullable() }).nullable(),
    }),
    engine: z.object({ ...ref, type: z.string().nullable(), horsepower: z.number().int().nullable(), transmission: z.string().nullable() }).nullable(),
    media: z.array(z.object({ id: z.string(), url: z.string(), type: z.enum(['photo', 'video']), category: z.string(), isFeatured: z.boolean(), sortOrder: z.number().int() })),
    saleOptions: z.object({ price: money, currency: z.string(), isNegotiable: z.boolean(), financingAvailable: z.boolean() }).nullable(),
    rentalOptions: z.object({ dailyRate: money, weeklyRate: money.nullable(), deposit: money.nullable(), minDays: z.number().int().nullable(), currency: z.string() }).nullable(),
    auctionOptions: z.object({ startingBid: money, reservePrice: money.nullable(), startsAt: z.string().nullable(), endsAt: z.string().nullable(), currency: z.string() }).nullable(),
    features: z.object({ safety: z.array(z.string()), exterior: z.array(z.string()), interior: z.array(z.string()), entertainment: z.array(z.string()) }),
    pickupDetails: z.object({ address: z.string().nullable(), locationName: z.string().nullable() }).nullable(),
    impressionsCount: z.number().int().meta({ description: 'Storefront views (GET /external/vehicles/:id)' }),
    createdDate: z.string(),
    updatedDate: z.string(),
  })
  .meta({
    id: 'StorefrontVehicle',
    example: {
      id: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f70',
      name: '2023 Toyota Camry XLE',
      slug: 'toyota-camry-2023-abc123',
      description: 'Well-maintained sedan...',
      year: 2023,
      trim: 'XLE',
      condition: 'used',
      mileage: 15000,
      mileageUnit: 'mi',
      exteriorColor: 'Silver',
      interiorColor: 'Black',
      drivetrain: 'FWD',
      listingType: 'sale',
      status: 'available',
      model: {
        id: 'de8ba339-5a69-5ce6-b34b-95ff7bd5b921',
        name: 'Camry',
        slug: 'camry',
        brand: { id: 'cd4eda32-d242-5d95-8b11-c6d74b0c21cf', name: 'Toyota', logoUrl: null },
        bodyType: { id: 'b977f6cb-bc09-58d5-b0da-9220820e0502', name: 'Sedan', code: 'SEDAN' },
      },
      engine: { id: '9ba40af1-f7cd-53ed-93b8-a1e2d4f9a3f2', name: '2.5L 4-Cylinder', type: 'petrol', horsepower: 203, transmission: 'automatic' },
      media: [{ id: '6f1c0a52-3d7e-5b8a-9c41-0e2f3a4b5c6d', url: 'https://dealer.example/photos/camry-front.jpg', type: 'photo', category: 'exterior', isFeatured: true, sortOrder: 1 }],
      saleOptions: { price: 35000, currency: 'USD', isNegotiable: true, financingAvailable: true },
      rentalOptions: null,
      auctionOptions: null,
      features: { safety: ['ABS', 'Airbags'], exterior: ['Alloy Wheels'], interior: ['Leather Seats'], entertainment: ['Bluetooth', 'CarPlay'] },
      pickupDetails: { address: '123 Main St, Nairobi', locationName: 'Nairobi' },
      impressionsCount: 42,
      createdDate: '2024-01-15T10:30:00.000Z',
      updatedDate: '2024-01-20T14:15:00.000Z',
    },
  });
type Vehicle = z.output<typeof vehicle>;

// Media items have no ids of their own; a name-based UUID keeps each photo's id stable across reads.
function mediaId(motorId: string, index: number): string {
  const h = crypto.createHash('sha1').update(`${motorId}/media/${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const statusOf = (s: string): Vehicle['status'] => (s === 'in_stock' ? 'available' : s === 'reserved' || s === 'sold' ? s : 'unavailable');

function toVehicle(v: vehicles.VehicleListing): Vehicle {
  const m = v.motor;
  const dec = (amount: number | null | undefined, currency: string) => (amount == null ? null : minorToDecimal(amount, currency));
  const sale = m.listingType === 'sale' ? m.saleOptions : null;
  const rental = m.listingType === 'rental' ? m.rentalOptions : null;
  const auction = m.listingType === 'auction' ? m.auctionOptions : null;
  const hasEngine = m.engine !== null;
  const e = v.catalogEngine;
  return {
    id: m.id,
    name: m.name,
    slug: m.slug,
    description: m.description,
    year: m.year,
    trim: m.trim,
    condition: m.condition,
    mileage: m.mileage,
    mileageUnit: m.mileageUnit,
    exteriorColor: m.exteriorColor,
    interiorColor: m.interiorColor,
    drivetrain: m.drivetrain,
    listingType: m.listingType!,
    status: statusOf(m.status),
    model: {
      id: v.model?.id ?? null,
      name: v.model?.name ?? m.model,
      slug: v.model?.slug ?? slugify(m.model),
      brand: { id: v.brand?.id ?? null, name: v.brand?.name ?? m.make, logoUrl: v.brand?.logoUrl ?? null },
      bodyType: v.bodyType ? { id: v.bodyType.id, name: v.bodyType.name, code: v.bodyType.code } : m.bodyType ? { id: null, name: m.bodyType, code: null } : null,
    },
    // The motor's own engine fields win: they describe this car; the catalog engine fills gaps.
    engine:
      hasEngine || e
        ? {
            id: e?.id ?? null,
            name: m.engine?.description ?? e?.name ?? (m.engine?.displacement ? `${m.engine.displacement}L` : 'Engine'),
            type: m.engine?.fuelType?.toLowerCase() ?? e?.type ?? null,
            horsepower: m.engine?.horsepower ?? e?.horsepower ?? null,
            transmission: m.transmission?.toLowerCase() ?? e?.transmission ?? null,
          }
        : null,
    media: [...m.media]
      .sort((a, b) => a.sortOrder - b.sortOrder)
      .map((x, i) => ({ id: mediaId(m.id, i), url: x.url, type: x.type, category: x.category, isFeatured: x.isFeatured, sortOrder: x.sortOrder })),
    saleOptions: sale
      ? { price: dec(sale.priceAmount, sale.currency)!, currency: sale.currency, isNegotiable: sale.isNegotiable ?? false, financingAvailable: sale.financingAvailable ?? false }
      : null,
    rentalOptions: rental
      ? {
          dailyRate: dec(rental.dailyRateAmount, rental.currency)!,
          weeklyRate: dec(rental.weeklyRateAmount, rental.currency),
          deposit: dec(rental.depositAmount, rental.currency),
          minDays: rental.minDays ?? null,
          currency: rental.currency,
        }
      : null,
    auctionOptions: auction
      ? {
          startingBid: dec(auction.startingBidAmount, auction.currency)!,
          reservePrice: dec(auction.reserveAmount, auction.currency),
          startsAt: auction.startsAt ?? null,
          endsAt: auction.endsAt ?? null,
          currency: auction.currency,
        }
      : null,
    features: m.features,
    pickupDetails: m.pickupDetails ? { address: m.pickupDetails.address ?? null, locationName: m.pickupDetails.locationName ?? null } : null,
    impressionsCount: m.viewsCount,
    createdDate: m.createdAt,
    updatedDate: m.updatedAt,
  };
}

const sortFields = ['createdDate', 'impressionsCount', 'year', 'mileage', 'price', 'name'] as const;
const coreSort: Record<(typeof sortFields)[number], ListingSort> = {
  createdDate: 'createdAt',
  impressionsCount: 'views',
  year: 'year',
  mileage: 'mileage',
  price: 'price',
  name: 'name',
};

const upperEnum = <T extends readonly [string, ...string[]]>(values: T) => z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(values));
const order = z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['asc', 'desc']));
const int = z.coerce.number().int();
const id = z.string().min(1).max(100);

const vehicleQuery = z
  .strictObject({
    ...pageQuery(20, 100),
    brandId: id.optional().meta({ description: 'Filter by brand ID' }),
    modelId: id.optional().meta({ description: 'Filter by model ID' }),
    bodyTypeId: id.optional().meta({ description: 'Filter by body type ID' }),
    minYear: int.min(1886).max(2100).optional().meta({ description: 'Minimum year' }),
    maxYear: int.min(1886).max(2100).optional().meta({ description: 'Maximum year' }),
    minPrice: z.coerce.number().min(0).optional().meta({ description: "Minimum price, major units of the dealer's currency (the sale price, daily rental rate or starting bid)" }),
    maxPrice: z.coerce.number().min(0).optional().meta({ description: 'Maximum price, as minPrice' }),
    minMileage: int.min(0).optional().meta({ description: "Minimum mileage, in each vehicle's own mileageUnit" }),
    maxMileage: int.min(0).optional().meta({ description: 'Maximum mileage' }),
    listingType: z.enum(listingTypes).optional().meta({ description: 'sale | rental | auction' }),
    engineType: upperEnum(fuelTypes).optional().meta({ description: 'PETROL | DIESEL | ELECTRIC | HYBRID | PLUGIN_HYBRID (any case; see /external/engine-types)' }),
    transmission: upperEnum(transmissions).optional().meta({ description: 'MANUAL | AUTOMATIC | CVT | DCT | SEMI_AUTOMATIC (any case)' }),
    search: z.string().max(200).optional().meta({ description: 'Words matched (all of them, case-insensitive) in make, model, trim, body type, colour, description or year' }),
    sort: z.enum(sortFields).optional().meta({ description: 'Sort field: createdDate (latest), impressionsCount (popularity/views), year, mileage, price, name' }),
    order: order.optional().meta({ description: 'Sort order: asc | desc. Default desc for createdDate, impressionsCount and year; asc for mileage, price and name' }),
    sortBy: z.enum(sortFields).optional().meta({ description: 'Alias of sort' }),
    sortOrder: order.optional().meta({ description: 'Alias of order' }),
  })
  .meta({ example: { listingType: 'sale', limit: 10 } });

export function registerVehicles(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API: Vehicle Listings'];
  const scope = 'vehicles:read';

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/vehicles',
    scope,
    summary: "Get your organization's available vehicles",
    description:
      'Your motors with an active listing (sale, rental or auction), 20 a page (max 100). Filters combine (AND). `minPrice`/`maxPrice` are in major units of your currency and compare with the sale price, daily rental rate or starting bid. `sort`/`order` (or their aliases `sortBy`/`sortOrder`) choose the order; ties are broken by id so pages never overlap.',
    tags,
    querystring: vehicleQuery,
    responses: { 200: listEnvelope(vehicle) },
    handler: async (ctx, { query }) => {
      const sort = query.sort ?? query.sortBy ?? 'createdDate';
      const { rows, total } = await vehicles.searchVehicles(ctx, {
        page: query.page,
        limit: query.limit,
        listingType: query.listingType,
        makeId: query.brandId,
        modelId: query.modelId,
        bodyTypeId: query.bodyTypeId,
        minYear: query.minYear,
        maxYear: query.maxYear,
        minPrice: query.minPrice,
        maxPrice: query.maxPrice,
        minMileage: query.minMileage,
        maxMileage: query.maxMileage,
        fuelType: query.engineType,
        transmission: query.transmission,
        search: query.search,
        sortBy: coreSort[sort],
        sortOrder: query.order ?? query.sortOrder,
      });
      return { body: list(rows.map(toVehicle), total, query.page, query.limit) };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/vehicles/stats/summary',
    operationId: 'storefrontGetVehicleStats',
    scope,
    summary: 'Get statistics about your vehicle inventory',
    description:
      "Counts of your active listings: in total, available (motor in stock, not reserved or sold), by listing type, by body type (catalog name, else the motor's own body type) by brand (catalog name, else the motor's make), and their storefront views (ever and in the last 30 days, counted per vehicle and day).",
    tags,
    responses: {
      200: dataEnvelope(
        z.object({
          totalVehicles: z.number().int(),
          availableVehicles: z.number().int(),
          byListingType: z.object({ sale: z.number().int(), rental: z.number().int(), auction: z.number().int() }),
          byBodyType: z.record(z.string(), z.number().int()),
          byBrand: z.record(z.string(), z.number().int()),
          totalViews: z.number().int().meta({ description: 'Views of these listings (GET /external/vehicles/:id), ever' }),
          viewsLast30Days: z.number().int().meta({ description: 'Views in the last 30 days (UTC, today included)' }),
        }),
      ).meta({
        example: {
          statusCode: 200,
          data: {
            totalVehicles: 25,
            availableVehicles: 20,
            byListingType: { sale: 15, rental: 8, auction: 2 },
            byBodyType: { Sedan: 10, SUV: 8, Hatchback: 5, Truck: 2 },
            byBrand: { Toyota: 8, Honda: 6, 'Mercedes-Benz': 4, BMW: 3 },
            totalViews: 1240,
            viewsLast30Days: 310,
          },
        },
      }),
    },
    handler: async (ctx) => ({ body: { statusCode: 200, data: await vehicles.vehicleStats(ctx) } }),
  });

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/vehicles/:id',
    scope,
    summary: 'Get a specific vehicle by ID',
    description:
      "One of your active listings, by id or slug. Views/impressions are recorded automatically when this endpoint is called (counted per vehicle and day, and in `impressionsCount`); no separate view-count call is required. A motor that is not an active listing, or is another dealer's, is a 404.",
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(vehicle) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toVehicle(await vehicles.viewVehicle(ctx, params.id)) } }),
  });
}
