import crypto from 'node:crypto';
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { catalogBodyTypes, motors, type MotorMedia } from '../storage/schema/index.ts';
import { scoped, scopedLive } from '../storage/tenant-scope.ts';
import { motorName, type MotorRow } from './motors.ts';
import { activeListingWhere } from './vehicles.ts';
import { getDealership, type DealershipView } from './dealership.ts';
import { formatMoney, withThousands } from './money.ts';
import { hasValidCheckDigit, hasVinShape, isNorthAmericanVin, normaliseVin } from './vin.ts';
import { withArticle, type FieldError } from './errors.ts';

// Inventory feeds for marketplaces: the tenant's listed vehicles (active listings, what the
// Storefront shows) as Google Vehicle Listings TSV and Meta automotive catalog CSV. Each fetch is
// a full snapshot (Google takes no incremental feeds), read in keyset pages so a feed of 20,000
// vehicles never sits in memory. A vehicle that lacks a field a feed requires is left out of that
// feed and named in the report with the field; docs/feeds.md has the field lists and sources.

export const feedNames = ['google-vehicle-listings', 'meta-automotive'] as const;
export type FeedName = (typeof feedNames)[number];

/** Bump when a feed's columns or formatting change, so marketplaces' cached copies (ETags) go stale. */
const FORMAT_VERSION = 1;
const PAGE_SIZE = 500;
const META_IMAGES = 5;
const GOOGLE_EXTRA_IMAGES = 10;

type FeedVehicle = Pick<
  MotorRow,
  | 'id'
  | 'vin'
  | 'stockNumber'
  | 'make'
  | 'model'
  | 'year'
  | 'trim'
  | 'bodyType'
  | 'exteriorColor'
  | 'interiorColor'
  | 'mileage'
  | 'mileageUnit'
  | 'status'
  | 'condition'
  | 'description'
  | 'listingType'
  | 'saleOptions'
  | 'media'
  | 'slug'
  | 'transmission'
  | 'fuelType'
  | 'drivetrain'
  | 'updatedAt'
>;

const vehicleColumns = {
  id: motors.id,
  vin: motors.vin,
  stockNumber: motors.stockNumber,
  make: motors.make,
  model: motors.model,
  year: motors.year,
  trim: motors.trim,
  // The dealer's own words first, else the catalog's body type of the linked model.
  bodyType: sql<string | null>`coalesce(${motors.bodyType}, ${catalogBodyTypes.name})`,
  exteriorColor: motors.exteriorColor,
  interiorColor: motors.interiorColor,
  mileage: motors.mileage,
  mileageUnit: motors.mileageUnit,
  status: motors.status,
  condition: motors.condition,
  description: motors.description,
  listingType: motors.listingType,
  saleOptions: motors.saleOptions,
  media: motors.media,
  slug: motors.slug,
  transmission: motors.transmission,
  fuelType: motors.fuelType,
  drivetrain: motors.drivetrain,
  updatedAt: motors.updatedAt,
};

// VINs are compared as normaliseVin() writes them, so one typed with a space or in lower case
// (an import written straight to the database) still counts as the same VIN.
const normalisedVin = sql`upper(regexp_replace(${motors.vin}, '[[:space:]-]', '', 'g'))`;

// ---- the columns of each feed -----------------------------------------------------------

type Cell = string | number | null | undefined;
type Column = { name: string; value: (v: FeedVehicle, d: DealershipView) => Cell };

const text = (s: string | null | undefined) => s?.replace(/\s+/g, ' ').trim() || null;
const photos = (v: FeedVehicle): MotorMedia[] => v.media.filter((m) => m.type === 'photo').sort((a, b) => Number(b.isFeatured) - Number(a.isFeatured) || a.sortOrder - b.sortOrder);
const price = (v: FeedVehicle) => (v.saleOptions ? formatMoney(v.saleOptions.priceAmount, v.saleOptions.currency) : null);
const vehicleUrl = (v: FeedVehicle, d: DealershipView) =>
  d.vehicleUrlTemplate
    ?.replaceAll('{slug}', encodeURIComponent(v.slug))
    .replaceAll('{id}', encodeURIComponent(v.id))
    .replaceAll('{vin}', encodeURIComponent(v.vin ?? ''))
    .replaceAll('{stockNumber}', encodeURIComponent(v.stockNumber ?? '')) ?? null;
/** "1800 Amphibious Blvd., Mountain View, CA 94045, US", as Google's example writes it. */
const oneLineAddress = (d: DealershipView) => (d.address ? [d.address.street, d.address.city, [d.address.region, d.address.postalCode].filter(Boolean).join(' '), d.address.country].join(', ') : null);
// A new vehicle with no odometer reading has done (next to) no miles; Meta requires the field.
const mileage = (v: FeedVehicle) => v.mileage ?? (v.condition === 'new' ? 0 : null);

// Meta's body_style enum, from the body type the dealer typed or the catalog's.
const META_BODY: [RegExp, string][] = [
  [/convertible|cabrio|roadster|spider|spyder/i, 'CONVERTIBLE'],
  [/coupe|coupé/i, 'COUPE'],
  [/hatch/i, 'HATCHBACK'],
  [/minivan|mpv|people carrier/i, 'MINIVAN'],
  [/pickup|pick-up|truck|ute/i, 'TRUCK'],
  [/crossover|cuv/i, 'CROSSOVER'],
  [/suv|sport utility|4x4|off-road/i, 'SUV'],
  [/van|bus/i, 'VAN'],
  [/wagon|estate|touring|shooting brake/i, 'WAGON'],
  [/sedan|saloon|notchback/i, 'SEDAN'],
];
const metaBodyStyle = (bodyType: string | null) => (bodyType ? (META_BODY.find(([re]) => re.test(bodyType))?.[1] ?? 'OTHER') : null);

const META_FUEL: Record<string, string> = { PETROL: 'GASOLINE', DIESEL: 'DIESEL', ELECTRIC: 'ELECTRIC', HYBRID: 'HYBRID', PLUGIN_HYBRID: 'PLUGIN_HYBRID' };
const META_DRIVETRAIN: Record<string, string> = { FWD: 'FWD', RWD: 'RWD', AWD: 'AWD', '4WD': '4X4' };
// Meta knows only automatic and manual; a CVT or dual-clutch box shifts itself.
const metaTransmission = (t: string | null) => (t ? (t === 'MANUAL' ? 'MANUAL' : 'AUTOMATIC') : null);
const metaAvailability = (status: string) => (status === 'reserved' ? 'PENDING' : 'AVAILABLE');

const googleColumns: Column[] = [
  { name: 'vin', value: (v) => v.vin && normaliseVin(v.vin) },
  { name: 'id', value: (v) => text(v.stockNumber) ?? v.id },
  { name: 'store_code', value: (_v, d) => d.storeCode },
  { name: 'dealership_name', value: (_v, d) => text(d.name) },
  { name: 'dealership_address', value: (_v, d) => oneLineAddress(d) },
  { name: 'tracking_phone_number', value: (_v, d) => d.phone },
  { name: 'price', value: price },
  { name: 'condition', value: (v) => v.condition },
  { name: 'make', value: (v) => text(v.make) },
  { name: 'model', value: (v) => text(v.model) },
  { name: 'trim', value: (v) => text(v.trim) },
  { name: 'year', value: (v) => v.year },
  // Google wants the mileage of used vehicles; of a new one it is noise.
  { name: 'mileage', value: (v) => (v.condition === 'used' && v.mileage !== null ? `${v.mileage} ${v.mileageUnit === 'mi' ? 'miles' : 'km'}` : null) },
  { name: 'exterior_color', value: (v) => text(v.exteriorColor) },
  { name: 'interior_color', value: (v) => text(v.interiorColor) },
  { name: 'body_style', value: (v) => text(v.bodyType) },
  { name: 'image_link', value: (v) => photos(v)[0]?.url },
  {
    name: 'additional_image_link',
    value: (v) =>
      photos(v)
        .slice(1, 1 + GOOGLE_EXTRA_IMAGES)
        .map((m) => m.url)
        .join(',') || null,
  },
  { name: 'link', value: vehicleUrl },
];

const metaColumns: Column[] = [
  { name: 'vehicle_id', value: (v) => v.id },
  { name: 'vin', value: (v) => v.vin && normaliseVin(v.vin) },
  { name: 'title', value: (v) => text(motorName(v)) },
  {
    name: 'description',
    // Meta requires one (at most 5,000 characters); without the dealer's own, the facts in words.
    value: (v) =>
      text(v.description)?.slice(0, 5000) ??
      `${v.condition === 'new' ? 'New' : 'Used'} ${motorName(v)}${v.mileage !== null && v.condition === 'used' ? `, ${withThousands(v.mileage)} ${v.mileageUnit === 'mi' ? 'miles' : 'km'}` : ''}.`,
  },
  { name: 'url', value: vehicleUrl },
  { name: 'make', value: (v) => text(v.make) },
  { name: 'model', value: (v) => text(v.model) },
  { name: 'year', value: (v) => v.year },
  { name: 'trim', value: (v) => text(v.trim) },
  { name: 'mileage.value', value: mileage },
  { name: 'mileage.unit', value: (v) => (mileage(v) === null ? null : v.mileageUnit === 'mi' ? 'MI' : 'KM') },
  ...Array.from({ length: META_IMAGES }, (_, i): Column[] => [
    { name: `image[${i}].url`, value: (v) => photos(v)[i]?.url },
    {
      name: `image[${i}].tag[0]`,
      value: (v) => {
        const m = photos(v)[i];
        return m && m.category.charAt(0).toUpperCase() + m.category.slice(1);
      },
    },
  ]).flat(),
  { name: 'body_style', value: (v) => metaBodyStyle(v.bodyType) },
  { name: 'exterior_color', value: (v) => text(v.exteriorColor) },
  { name: 'interior_color', value: (v) => text(v.interiorColor) },
  { name: 'transmission', value: (v) => metaTransmission(v.transmission) },
  { name: 'fuel_type', value: (v) => (v.fuelType ? META_FUEL[v.fuelType] : null) },
  { name: 'drivetrain', value: (v) => (v.drivetrain ? META_DRIVETRAIN[v.drivetrain] : null) },
  { name: 'price', value: price },
  { name: 'state_of_vehicle', value: (v) => (v.condition === 'new' ? 'NEW' : 'USED') },
  { name: 'availability', value: (v) => metaAvailability(v.status) },
  { name: 'stock_number', value: (v) => text(v.stockNumber) },
  { name: 'dealer_name', value: (_v, d) => text(d.name) },
  { name: 'dealer_phone', value: (_v, d) => d.phone },
  { name: 'address.addr1', value: (_v, d) => d.address?.street },
  { name: 'address.city', value: (_v, d) => d.address?.city },
  { name: 'address.region', value: (_v, d) => d.address?.region },
  { name: 'address.postal_code', value: (_v, d) => d.address?.postalCode },
  { name: 'address.country', value: (_v, d) => d.address?.country },
];

export const feedColumns: Record<FeedName, string[]> = {
  'google-vehicle-listings': googleColumns.map((c) => c.name),
  'meta-automotive': metaColumns.map((c) => c.name),
};
const columnsOf: Record<FeedName, Column[]> = { 'google-vehicle-listings': googleColumns, 'meta-automotive': metaColumns };

// ---- what keeps a vehicle out --------------------------------------------------------------

type Problem = FieldError;
const missing = (field: string, what: string): Problem => ({ field, message: `missing: ${what}` });

// Google: "must be valid according to the NHTSA standard"; classic vehicles (before 1981) and
// imports older than 25 years are exempt from the check (feed specification, `vin`).
function googleVinProblem(v: FeedVehicle, vin: string): Problem | undefined {
  const exempt = v.year !== null && (v.year < 1981 || (!isNorthAmericanVin(vin) && v.year <= new Date().getUTCFullYear() - 25));
  if (!hasVinShape(vin)) return exempt ? undefined : { field: 'vin', message: `invalid: ${vin} is not 17 characters of 0-9 and A-Z without I, O or Q` };
  if (!exempt && !hasValidCheckDigit(vin)) return { field: 'vin', message: `invalid: ${vin} fails the check digit (position 9)` };
  return undefined;
}

/** Why a listed vehicle is not in the feed; empty when it is in. */
function problemsOf(feed: FeedName, v: FeedVehicle, d: DealershipView, duplicates: Set<string>): Problem[] {
  const out: Problem[] = [];
  // Feeds carry vehicles for sale: a rental or an auction has no sale price to advertise.
  if (v.listingType !== 'sale') out.push({ field: 'listingType', message: `not for sale: ${withArticle(`${v.listingType} listing`)} has no sale price` });
  else if (!v.saleOptions) out.push(missing('saleOptions.priceAmount', 'the price'));
  // A sold unit must leave every feed at the next fetch, whatever its listing still says.
  if (v.status === 'sold' || v.status === 'archived') out.push({ field: 'status', message: `the vehicle is ${v.status}` });
  const vin = v.vin ? normaliseVin(v.vin) : null;
  if (!vin) out.push(missing('vin', 'the VIN'));
  else {
    if (duplicates.has(vin)) out.push({ field: 'vin', message: `duplicate: VIN ${vin} is listed on more than one vehicle (marketplaces disapprove every offer of it)` });
    const invalid =
      feed === 'google-vehicle-listings'
        ? googleVinProblem(v, vin)
        : !hasVinShape(vin)
          ? { field: 'vin', message: `invalid: ${vin} is not 17 characters of 0-9 and A-Z without I, O or Q` }
          : undefined;
    if (invalid) out.push(invalid);
  }
  if (!text(v.make)) out.push(missing('make', 'the make'));
  if (!text(v.model)) out.push(missing('model', 'the model'));
  if (v.year === null) out.push(missing('year', 'the model year'));
  if (v.condition === 'used' && v.mileage === null) out.push(missing('mileage', 'the mileage of a used vehicle'));
  if (!photos(v).length) out.push(missing('media', 'a photo'));
  if (!d.address) out.push(missing('dealership.address', 'the dealership address (dashboard: Inventory feeds → Dealership)'));
  if (!d.vehicleUrlTemplate) out.push(missing('dealership.vehicleUrlTemplate', "the address of each vehicle's page on your website"));
  if (feed === 'meta-automotive') {
    if (!text(v.bodyType)) out.push(missing('bodyType', 'the body style'));
    if (!text(v.exteriorColor)) out.push(missing('exteriorColor', 'the exterior colour'));
  }
  return out;
}

// ---- reading the listed vehicles ----------------------------------------------------------

async function duplicateVins(ctx: Ctx): Promise<Set<string>> {
  const rows = await ctx.db
    .select({ vin: sql<string>`${normalisedVin}` })
    .from(motors)
    .where(scopedLive(ctx, motors, activeListingWhere(), sql`${motors.vin} is not null`))
    .groupBy(normalisedVin)
    .having(sql`count(*) > 1`);
  return new Set(rows.map((r) => r.vin));
}

/** The listed vehicles, a keyset page at a time (by id), so only one page is ever in memory. */
async function* listedVehicles(ctx: Ctx): AsyncGenerator<FeedVehicle[]> {
  let after: string | undefined;
  for (;;) {
    const page = await ctx.db
      .select(vehicleColumns)
      .from(motors)
      .leftJoin(catalogBodyTypes, eq(catalogBodyTypes.id, motors.bodyTypeId))
      .where(scopedLive(ctx, motors, activeListingWhere(), after ? gt(motors.id, after) : undefined))
      .orderBy(asc(motors.id))
      .limit(PAGE_SIZE);
    if (!page.length) return;
    yield page;
    if (page.length < PAGE_SIZE) return;
    after = page[page.length - 1].id;
  }
}

export type FeedVersion = { etag: string; lastModified: Date };

/**
 * What identifies this feed's content without reading it: a hash of every listed vehicle's id and
 * updatedAt, the dealership profile and the format version. Last-Modified is the latest change of
 * any motor (unlisting or deleting one changes the feed too) or of the profile.
 */
export async function feedVersion(ctx: Ctx, feed: FeedName): Promise<FeedVersion> {
  const listed = sql`${motors.deletedAt} is null and ${activeListingWhere()}`;
  const [row] = await ctx.db
    .select({
      digest: sql<string | null>`md5(string_agg(case when ${listed} then ${motors.id} || ':' || (extract(epoch from ${motors.updatedAt}) * 1000)::bigint end, ',' order by ${motors.id}))`,
      lastChange: sql<string | null>`max(greatest(${motors.updatedAt}, ${motors.deletedAt}))`,
    })
    .from(motors)
    .where(scoped(ctx, motors));
  const dealership = await getDealership(ctx.db, ctx.tenantId);
  const etag = crypto
    .createHash('sha256')
    .update(JSON.stringify([FORMAT_VERSION, feed, row?.digest ?? '', dealership]))
    .digest('base64url')
    .slice(0, 27);
  const times = [row?.lastChange ? new Date(row.lastChange).getTime() : 0, dealership.updatedAt ? Date.parse(dealership.updatedAt) : 0];
  return { etag: `"${etag}"`, lastModified: new Date(Math.max(...times)) };
}

/** The feed's rows (cells in feedColumns order), streamed page by page; left-out vehicles are skipped. */
export async function* feedRows(ctx: Ctx, feed: FeedName): AsyncGenerator<Cell[]> {
  const dealership = await getDealership(ctx.db, ctx.tenantId);
  const duplicates = await duplicateVins(ctx);
  const columns = columnsOf[feed];
  for await (const page of listedVehicles(ctx)) {
    for (const v of page) {
      if (problemsOf(feed, v, dealership, duplicates).length) continue;
      // No tab or line break in any value: the TSV feed has no quoting to carry them.
      yield columns.map((c) => {
        const value = c.value(v, dealership);
        return value === null || value === undefined ? '' : typeof value === 'string' ? value.replace(/[\t\r\n]+/g, ' ') : value;
      });
    }
  }
}

export type LeftOutVehicle = { motorId: string; name: string; vin: string | null; stockNumber: string | null; problems: Problem[] };
export type FeedReport = {
  feed: FeedName;
  /** Listed vehicles (active listings of any type) considered. */
  listed: number;
  included: number;
  leftOut: LeftOutVehicle[];
};
export type FeedsReport = { generatedAt: string; dealership: DealershipView; feeds: FeedReport[] };

/** Each listed vehicle left out of each feed, with every field that keeps it out. */
export async function feedsReport(ctx: Ctx): Promise<FeedsReport> {
  const dealership = await getDealership(ctx.db, ctx.tenantId);
  const duplicates = await duplicateVins(ctx);
  const reports: FeedReport[] = feedNames.map((feed) => ({ feed, listed: 0, included: 0, leftOut: [] }));
  for await (const page of listedVehicles(ctx)) {
    for (const v of page) {
      for (const report of reports) {
        report.listed++;
        const problems = problemsOf(report.feed, v, dealership, duplicates);
        if (!problems.length) report.included++;
        else report.leftOut.push({ motorId: v.id, name: motorName(v), vin: v.vin, stockNumber: v.stockNumber, problems });
      }
    }
  }
  return { generatedAt: new Date().toISOString(), dealership, feeds: reports };
}
