import crypto from 'node:crypto';
import { eq, ne } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import {
  customers,
  motors,
  type AuctionOptions,
  type MotorFeatures,
  type MotorMedia,
  type PickupDetails,
  type RentalOptions,
  type SaleOptions,
  fuelTypes,
  transmissions,
  drivetrains,
  motorStatuses,
  listingTypes,
  listingStatuses,
  motorSearchFields,
} from '../storage/schema/index.ts';
import { createdFilter, filter } from './search.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { defineCollection, defined } from './collection.ts';
import { AppError, invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { merged, requireFields } from './record-helpers.ts';
import { checkVin, normaliseVin } from './vin.ts';
import { decodeVin } from './vin-decode.ts';
import { linkMotorToCatalog } from './catalog-link.ts';
import { slugify } from './slug.ts';

export type MotorRow = typeof motors.$inferSelect;
export type FuelType = (typeof fuelTypes)[number];
export type Transmission = (typeof transmissions)[number];
export type ListingType = (typeof listingTypes)[number];

export type EngineInput = { description?: string | null; fuelType?: FuelType | null; displacement?: number | null; horsepower?: number | null };

export type MotorInput = {
  vin?: string | null;
  /** Keeps a VIN whose check digit fails (imported, grey-market or pre-1981 vehicles). */
  vinCheckOverride?: { reason: string } | null;
  stockNumber?: string | null;
  make?: string;
  model?: string;
  year?: number | null;
  trim?: string | null;
  bodyType?: string | null;
  /** Free text ("2.5L 4-cylinder") or structured. */
  engine?: string | EngineInput | null;
  transmission?: Transmission | null;
  drivetrain?: (typeof drivetrains)[number] | null;
  exteriorColor?: string | null;
  interiorColor?: string | null;
  mileage?: number | null;
  mileageUnit?: 'km' | 'mi';
  plate?: string | null;
  ownerCustomerId?: string | null;
  status?: (typeof motorStatuses)[number];
  condition?: 'new' | 'used';
  makeId?: string | null;
  modelId?: string | null;
  trimId?: string | null;
  bodyTypeId?: string | null;
  description?: string | null;
  listingType?: ListingType | null;
  listingStatus?: (typeof listingStatuses)[number];
  saleOptions?: SaleOptions | null;
  rentalOptions?: RentalOptions | null;
  auctionOptions?: AuctionOptions | null;
  media?: MotorMedia[];
  features?: MotorFeatures;
  pickupDetails?: PickupDetails | null;
  metadata?: Record<string, unknown>;
};

/** "Active listing": what the Storefront API shows as a vehicle. */
export const isActiveListing = (row: Pick<MotorRow, 'listingType' | 'listingStatus'>) => row.listingType !== null && row.listingStatus === 'active';

// The Records API representation, also the `data` of motor webhook events.
export function motorView(row: MotorRow) {
  const hasEngine = row.engineDescription !== null || row.fuelType !== null || row.displacement !== null || row.horsepower !== null;
  return {
    id: row.id,
    vin: row.vin,
    vinCheckDigitValid: row.vinCheckDigitValid,
    vinCheckOverride: row.vinCheckOverrideReason ? { reason: row.vinCheckOverrideReason } : null,
    stockNumber: row.stockNumber,
    name: motorName(row),
    make: row.make,
    model: row.model,
    year: row.year,
    trim: row.trim,
    bodyType: row.bodyType,
    engine: hasEngine ? { description: row.engineDescription, fuelType: row.fuelType, displacement: row.displacement, horsepower: row.horsepower } : null,
    transmission: row.transmission,
    drivetrain: row.drivetrain,
    exteriorColor: row.exteriorColor,
    interiorColor: row.interiorColor,
    mileage: row.mileage,
    mileageUnit: row.mileageUnit,
    plate: row.plate,
    ownerCustomerId: row.ownerCustomerId,
    status: row.status,
    condition: row.condition,
    makeId: row.makeId,
    modelId: row.modelId,
    trimId: row.trimId,
    bodyTypeId: row.bodyTypeId,
    description: row.description,
    listingType: row.listingType,
    listingStatus: row.listingStatus,
    isListed: isActiveListing(row),
    saleOptions: row.saleOptions ?? null,
    rentalOptions: row.rentalOptions ?? null,
    auctionOptions: row.auctionOptions ?? null,
    media: row.media,
    features: row.features,
    pickupDetails: row.pickupDetails ?? null,
    slug: row.slug,
    viewsCount: row.viewsCount,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type MotorView = ReturnType<typeof motorView>;

/** "2023 Toyota Camry XLE", the name the storefront shows. */
export const motorName = (row: Pick<MotorRow, 'year' | 'make' | 'model' | 'trim'>) => [row.year, row.make, row.model, row.trim].filter((p) => p !== null && p !== undefined && p !== '').join(' ');

/** make-model-year-shortid; the random suffix keeps two identical cars apart and survives renames. */
export function motorSlug(row: { make: string; model: string; year?: number | null }, suffix = crypto.randomBytes(4).toString('hex').slice(0, 6)): string {
  return [slugify(row.make), slugify(row.model), row.year ?? undefined, suffix].filter((p) => p !== undefined && p !== '').join('-');
}

function engineColumns(engine: MotorInput['engine']) {
  if (engine === undefined) return {};
  if (engine === null) return { engineDescription: null, fuelType: null, displacement: null, horsepower: null };
  if (typeof engine === 'string') return { engineDescription: engine, fuelType: null, displacement: null, horsepower: null };
  return defined({ engineDescription: engine.description, fuelType: engine.fuelType, displacement: engine.displacement, horsepower: engine.horsepower });
}

async function vinColumns(ctx: Ctx, input: MotorInput, current: MotorRow | undefined) {
  // The override is a statement about one VIN, so it only counts when sent with that VIN.
  if (input.vin === undefined) return {};
  if (input.vin === null) return { vin: null, vinCheckDigitValid: null, vinCheckOverrideReason: null };
  const vin = normaliseVin(input.vin);
  const check = checkVin(vin);
  const override = input.vinCheckOverride?.reason?.trim();
  if (!check.ok && (check.reason === 'shape' || !override)) throw invalidField('vin', check.message);
  const [duplicate] = await ctx.db
    .select({ id: motors.id })
    .from(motors)
    .where(scopedLive(ctx, motors, eq(motors.vin, vin), current ? ne(motors.id, current.id) : undefined))
    .limit(1);
  if (duplicate) {
    throw new AppError('conflict', `vin: motor ${duplicate.id} already has VIN ${vin}`, { fields: [{ field: 'vin', message: `already used by motor ${duplicate.id}` }] });
  }
  return {
    vin,
    vinCheckDigitValid: check.ok ? check.checkDigitValid : false,
    vinCheckOverrideReason: check.ok && check.checkDigitValid ? null : (override ?? null),
  };
}

/**
 * What a new motor's VIN says about the make, model and year it was sent without. Decoded only
 * when something is missing (the first decode reads the vPIC data). For a WMI NHTSA does not know,
 * the year is position 10 read as a light vehicle's, on North-American VINs only, where position 10
 * is reliably the model year.
 */
function decodedDefaults(input: MotorInput, vin: string | null | undefined): Pick<MotorInput, 'make' | 'model' | 'year'> {
  if (!vin || (input.make !== undefined && input.model !== undefined && input.year !== undefined)) return {};
  const check = checkVin(vin);
  if (!check.ok && check.reason === 'shape') return {};
  const decoded = decodeVin(vin);
  const year = decoded.wmi ? decoded.modelYear : check.ok && check.northAmerican ? check.modelYear : null;
  return defined({
    make: input.make === undefined ? (decoded.make ?? undefined) : undefined,
    model: input.model === undefined ? (decoded.model ?? undefined) : undefined,
    year: input.year === undefined && year !== null ? year : undefined,
  });
}

// Price filters and sorts read one column, whatever the listing type.
function listingPrice(next: Record<string, unknown>): { listingPriceAmount: number | null; listingCurrency: string | null } {
  const type = next.listingType as ListingType | null;
  if (type === 'sale' && next.saleOptions) {
    const o = next.saleOptions as SaleOptions;
    return { listingPriceAmount: o.priceAmount, listingCurrency: o.currency };
  }
  if (type === 'rental' && next.rentalOptions) {
    const o = next.rentalOptions as RentalOptions;
    return { listingPriceAmount: o.dailyRateAmount, listingCurrency: o.currency };
  }
  if (type === 'auction' && next.auctionOptions) {
    const o = next.auctionOptions as AuctionOptions;
    return { listingPriceAmount: o.startingBidAmount, listingCurrency: o.currency };
  }
  return { listingPriceAmount: null, listingCurrency: null };
}

const optionsField: Record<ListingType, 'saleOptions' | 'rentalOptions' | 'auctionOptions'> = {
  sale: 'saleOptions',
  rental: 'rentalOptions',
  auction: 'auctionOptions',
};

function validateListing(next: Record<string, unknown>): void {
  const type = next.listingType as ListingType | null | undefined;
  if (next.listingStatus === 'active') {
    if (!type) throw invalidField('listingType', 'is required for an active listing (listingStatus active)');
    if (!next[optionsField[type]]) throw invalidField(optionsField[type], `is required for an active ${type} listing (it carries the price)`);
  }
  const auction = next.auctionOptions as AuctionOptions | null | undefined;
  if (auction?.startsAt && auction.endsAt && auction.endsAt <= auction.startsAt) {
    throw invalidField('auctionOptions.endsAt', 'must be after auctionOptions.startsAt');
  }
  const rental = next.rentalOptions as RentalOptions | null | undefined;
  if (rental && rental.weeklyRateAmount != null && rental.weeklyRateAmount > rental.dailyRateAmount * 7) {
    throw invalidField('rentalOptions.weeklyRateAmount', 'cannot be more than seven times dailyRateAmount');
  }
}

export const motorCollection = defineCollection({
  name: 'motors',
  label: 'Motor',
  table: motors,
  view: motorView,
  search: {
    fields: motorSearchFields(motors),
    text: motors.searchText,
    filters: {
      status: filter.equals(motors.status, 'status', motorStatuses),
      listingStatus: filter.equals(motors.listingStatus, 'listing status', listingStatuses),
      ownerCustomerId: filter.equals(motors.ownerCustomerId, "the owning customer's id"),
      year: filter.amount(motors.year, 'model year'),
      created: createdFilter(motors.createdAt),
    },
  },
  prepare: async (ctx, input: MotorInput, current) => {
    const { vin: _vin, vinCheckOverride: _override, engine, ...rest } = input;
    const vin = await vinColumns(ctx, input, current);
    const patch: Partial<typeof motors.$inferInsert> = defined({ ...(current ? {} : decodedDefaults(input, vin.vin)), ...defined(rest), ...vin, ...engineColumns(engine) });
    const next = merged(current, patch);
    requireFields(next, ['make', 'model']);
    validateListing(next);
    Object.assign(patch, listingPrice(next));
    const nameChanged = !current || patch.make !== undefined || patch.model !== undefined || patch.year !== undefined;
    if (nameChanged) {
      const suffix = current?.slug.split('-').at(-1);
      patch.slug = motorSlug(next as { make: string; model: string; year: number | null }, suffix);
    }
    await assertReferences(ctx, { ownerCustomerId: [customers, input.ownerCustomerId] });
    // Storefront filters (brandId, modelId, bodyTypeId) and brands' vehicleCounts read these ids.
    Object.assign(patch, await linkMotorToCatalog(ctx, { ...patch, year: input.year }, current));
    return patch;
  },
});

// Two concurrent writes of one VIN both pass the duplicate check in prepare; the unique index
// stops the second, and it deserves the same 409 as a sequential duplicate, not a 500.
function isVinConflict(err: unknown): boolean {
  for (let e = err as { code?: string; constraint?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === '23505' && (e.constraint === 'motors_vin_uq' || String((e as Error).message).includes('motors_vin_uq'))) return true;
  }
  return false;
}

async function vinSafe<T>(input: MotorInput, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isVinConflict(err)) throw err;
    const vin = input.vin ? normaliseVin(input.vin) : '';
    throw new AppError('conflict', `vin: another motor already has VIN ${vin}`, { fields: [{ field: 'vin', message: 'already used by another motor' }] });
  }
}

/** The collection operations with VIN conflicts answered as 409; the Records API routes use this. */
export const motorOps = {
  ...motorCollection,
  create: (ctx: Ctx, input: MotorInput) => vinSafe(input, () => motorCollection.create(ctx, input)),
  update: (ctx: Ctx, id: string, input: MotorInput, opts: { ifMatch?: string } = {}) => vinSafe(input, () => motorCollection.update(ctx, id, input, opts)),
};

export const createMotor = (ctx: Ctx, input: MotorInput) => motorOps.create(ctx, input);
/** Partial update: omitted fields keep their values; `null` clears a nullable field. */
export const updateMotor = (ctx: Ctx, id: string, patch: MotorInput, opts: { ifMatch?: string } = {}) => motorOps.update(ctx, id, patch, opts);
