import { and, asc, count, desc, eq, gte, ilike, isNotNull, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { catalogBodyTypes, catalogBrands, catalogEngines, catalogModels, catalogTrims, motors, vehicleViews } from '../storage/schema/index.ts';
import { globalOrOwn, owner, placeholderOwner, scoped, scopedLive } from '../storage/tenant-scope.ts';
import { runPrepared } from '../storage/prepared.ts';
import { containing, escapeLike } from '../storage/like.ts';
import type { EngineView } from './catalog.ts';
import { tenantCurrency } from './documents.ts';
import { decimalToMinor } from './money.ts';
import { newId } from './ids.ts';
import { motorView, type FuelType, type ListingType, type MotorView, type Transmission } from './motors.ts';
import { notFound } from './errors.ts';

// Storefront vehicles: the tenant's active listings (motors) with the catalog rows they point at —
// what an active listing is, the search's filters and sorts, the page joined to the catalog, views.
// Surface-agnostic: prices stay in minor units here; the surface renders them.

export type ListingSort = 'createdAt' | 'year' | 'mileage' | 'price' | 'name' | 'views';

// Newest, most viewed and newest model years first; cheapest, lowest mileage and A–Z first.
const defaultOrder: Record<ListingSort, 'asc' | 'desc'> = { createdAt: 'desc', views: 'desc', year: 'desc', mileage: 'asc', price: 'asc', name: 'asc' };

export type ListingSearch = {
  page: number;
  limit: number;
  listingType?: ListingType;
  makeId?: string;
  modelId?: string;
  bodyTypeId?: string;
  /** Make name, case-insensitive exact (for motors not yet linked to the catalog). */
  make?: string;
  model?: string;
  minYear?: number;
  maxYear?: number;
  /** Minor units of the listing's own currency (sale price, daily rental rate or starting bid). */
  minPriceAmount?: number;
  maxPriceAmount?: number;
  /** In each motor's own mileageUnit. */
  minMileage?: number;
  maxMileage?: number;
  fuelType?: FuelType;
  transmission?: Transmission;
  /** Words matched case-insensitively against make, model, trim, body type, colour and description. */
  search?: string;
  sortBy?: ListingSort;
  /** Without one, the sort's own default (defaultOrder). */
  sortOrder?: 'asc' | 'desc';
};

/**
 * How activeListingQuery puts a filter's value into the SQL: as it is (inline), or as a named
 * placeholder of a prepared statement (searchVehicles), recording the value to fill it with.
 */
type Bind = <V>(name: string, value: V) => V | Placeholder;
const inline: Bind = (_name, value) => value;

/** The condition "listingType set and listingStatus active": the one SQL form of isActiveListing (motors.ts). */
export const activeListingWhere = (): SQL => and(isNotNull(motors.listingType), eq(motors.listingStatus, 'active'))!;

/**
 * The filter and order of a search of the tenant's active listings, surface-agnostic (the
 * Storefront API maps ids, prices and names to its own shape). Served by motors_active_listing_idx.
 */
export function activeListingQuery(ctx: Ctx, q: ListingSearch, bind: Bind = inline): { where: SQL; orderBy: SQL[] } {
  const conditions: (SQL | undefined)[] = [activeListingWhere()];
  if (q.listingType) conditions.push(eq(motors.listingType, bind('listingType', q.listingType)));
  if (q.makeId) conditions.push(eq(motors.makeId, bind('makeId', q.makeId)));
  if (q.modelId) conditions.push(eq(motors.modelId, bind('modelId', q.modelId)));
  if (q.bodyTypeId) conditions.push(eq(motors.bodyTypeId, bind('bodyTypeId', q.bodyTypeId)));
  if (q.make) conditions.push(ilike(motors.make, bind('make', escapeLike(q.make))));
  if (q.model) conditions.push(ilike(motors.model, bind('model', escapeLike(q.model))));
  if (q.minYear !== undefined) conditions.push(gte(motors.year, bind('minYear', q.minYear)));
  if (q.maxYear !== undefined) conditions.push(lte(motors.year, bind('maxYear', q.maxYear)));
  if (q.minPriceAmount !== undefined) conditions.push(gte(motors.listingPriceAmount, bind('minPriceAmount', q.minPriceAmount)));
  if (q.maxPriceAmount !== undefined) conditions.push(lte(motors.listingPriceAmount, bind('maxPriceAmount', q.maxPriceAmount)));
  if (q.minMileage !== undefined) conditions.push(gte(motors.mileage, bind('minMileage', q.minMileage)));
  if (q.maxMileage !== undefined) conditions.push(lte(motors.mileage, bind('maxMileage', q.maxMileage)));
  if (q.fuelType) conditions.push(eq(motors.fuelType, bind('fuelType', q.fuelType)));
  if (q.transmission) conditions.push(eq(motors.transmission, bind('transmission', q.transmission)));
  for (const [i, word] of (q.search ?? '').trim().split(/\s+/).filter(Boolean).entries()) {
    const pattern = bind(`word${i}`, containing(word));
    conditions.push(
      or(
        ilike(motors.make, pattern),
        ilike(motors.model, pattern),
        ilike(motors.trim, pattern),
        ilike(motors.bodyType, pattern),
        ilike(motors.exteriorColor, pattern),
        ilike(motors.description, pattern),
        sql`cast(${motors.year} as text) = ${bind(`year${i}`, word)}`,
      ),
    );
  }
  const dir = (q.sortOrder ?? defaultOrder[q.sortBy ?? 'createdAt']) === 'asc' ? asc : desc;
  const order: SQL[] =
    q.sortBy === 'year'
      ? [dir(motors.year)]
      : q.sortBy === 'mileage'
        ? [dir(motors.mileage)]
        : q.sortBy === 'price'
          ? [dir(motors.listingPriceAmount)]
          : q.sortBy === 'name'
            ? [dir(sql`${motors.make} collate "C"`), dir(sql`${motors.model} collate "C"`), dir(motors.year)]
            : q.sortBy === 'views'
              ? [dir(motors.viewsCount)]
              : [dir(motors.createdAt)];
  // id last: a total order, so pages never overlap when sort values tie.
  return { where: scopedLive(ctx, motors, ...conditions), orderBy: [...order, dir(motors.id)] };
}

/** The total of a page whose rows carry `count(*) over ()`; counted apart only for a page past the end. */
export async function pageTotal(ctx: Ctx, rows: { total: number }[], where: SQL, page: number): Promise<number> {
  if (rows.length) return Number(rows[0].total);
  if (page === 1) return 0;
  const [{ total }] = await ctx.db.select({ total: count() }).from(motors).where(where);
  return Number(total);
}

/** The condition "this active listing, by id or slug". */
export const activeListingByIdOrSlug = (ctx: Ctx, idOrSlug: string): SQL => scopedLive(ctx, motors, activeListingWhere(), or(eq(motors.id, idOrSlug), eq(motors.slug, idOrSlug)));

/**
 * Counts a storefront view. It leaves updatedAt alone on purpose: a view is not a change a sync
 * client should download the record again for.
 */
export async function incrementMotorViews(ctx: Ctx, id: string): Promise<void> {
  await ctx.db
    .update(motors)
    .set({ viewsCount: sql`${motors.viewsCount} + 1` })
    .where(scoped(ctx, motors, eq(motors.id, id)));
}

/**
 * A page of motors with the catalog rows they point at (brand, model, body type, the trim's
 * first engine) and the number of all matches, in one query. The page is chosen first (a CTE
 * over the motors alone, `count(*) over ()` for the total), then only its rows are joined: joining
 * every match before the LIMIT made a 10,000-listing search four times slower than the floor.
 */
export function listingsWithCatalog(ctx: Ctx, q: { where: SQL; orderBy: SQL[]; limit: number | Placeholder; offset: number | Placeholder }) {
  const page = ctx.db.$with('page').as(
    ctx.db
      .select({ id: motors.id, total: sql<number>`count(*) over ()`.as('total') })
      .from(motors)
      .where(q.where)
      .orderBy(...q.orderBy)
      .limit(q.limit)
      .offset(q.offset),
  );
  return ctx.db
    .with(page)
    .select({
      motor: motors,
      brand: { id: catalogBrands.id, name: catalogBrands.name, logoUrl: catalogBrands.logoUrl },
      model: { id: catalogModels.id, name: catalogModels.name, slug: catalogModels.slug },
      bodyType: { id: catalogBodyTypes.id, name: catalogBodyTypes.name, code: catalogBodyTypes.code },
      engine: catalogEngines,
      total: page.total,
    })
    .from(page)
    .innerJoin(motors, scoped(ctx, motors, eq(motors.id, page.id)))
    .leftJoin(catalogBrands, globalOrOwn(ctx, catalogBrands, eq(catalogBrands.id, motors.makeId)))
    .leftJoin(catalogModels, globalOrOwn(ctx, catalogModels, eq(catalogModels.id, motors.modelId)))
    .leftJoin(catalogBodyTypes, eq(catalogBodyTypes.id, motors.bodyTypeId))
    .leftJoin(catalogTrims, globalOrOwn(ctx, catalogTrims, eq(catalogTrims.id, motors.trimId)))
    .leftJoin(catalogEngines, sql`${catalogEngines.id} = ${catalogTrims.engineIds}[1]`)
    .orderBy(...q.orderBy);
}

export type VehicleListing = {
  motor: MotorView;
  brand: { id: string; name: string; logoUrl: string | null } | null;
  model: { id: string; name: string; slug: string } | null;
  bodyType: { id: string; name: string; code: string } | null;
  /** The catalog engine of the motor's trim, when the motor is linked to one. */
  catalogEngine: EngineView | null;
};

type ListingRow = Awaited<ReturnType<typeof listingsWithCatalog>>[number];

const listingOf = (row: ListingRow): VehicleListing => ({
  motor: motorView(row.motor),
  brand: row.brand,
  model: row.model,
  bodyType: row.bodyType,
  catalogEngine: row.engine,
});

export type VehicleSearch = Omit<ListingSearch, 'minPriceAmount' | 'maxPriceAmount'> & {
  /** Major units of the dealer's currency (settings.currency, else USD), as shoppers type them. */
  minPrice?: number;
  maxPrice?: number;
};

// The statement name of each search shape prepared so far in this process (short: PostgreSQL
// cuts a statement's name at 63 bytes). Past the cap, a search of a new shape runs unprepared,
// so odd combinations of filters cannot fill every connection with statements.
const searchShapes = new Map<string, string>();
const SEARCH_SHAPES_MAX = 200;

/**
 * A search is a prepared statement per shape (storage/prepared.ts): its filters are placeholders,
 * so the SQL text depends only on which filters are present, the number of search words and the
 * sort, and each shape is built and planned once; building the query was 13.5 % of a search's
 * CPU (docs/benchmarks.md). The filters themselves are activeListingQuery's, written once.
 */
export async function searchVehicles(ctx: Ctx, q: VehicleSearch): Promise<{ rows: VehicleListing[]; total: number; currency: string }> {
  const { minPrice, maxPrice, ...rest } = q;
  const currency = await tenantCurrency(ctx);
  const search = {
    ...rest,
    minPriceAmount: minPrice === undefined ? undefined : decimalToMinor(minPrice, currency, 'minPrice'),
    maxPriceAmount: maxPrice === undefined ? undefined : decimalToMinor(maxPrice, currency, 'maxPrice'),
  };
  const page = { limit: q.limit, offset: (q.page - 1) * q.limit };
  const values: Record<string, unknown> = { ...owner(ctx), ...page };
  const { where, orderBy } = activeListingQuery({ ...ctx, ...placeholderOwner }, search, (name, value) => ((values[name] = value), sql.placeholder(name)));
  const shape = `${Object.keys(values).join(',')} ${q.sortBy ?? 'createdAt'} ${q.sortOrder ?? ''}`;
  let name = searchShapes.get(shape);
  if (!name && searchShapes.size < SEARCH_SHAPES_MAX) searchShapes.set(shape, (name = `motors_search_${searchShapes.size + 1}`));
  const placeholders = { where, orderBy, limit: sql.placeholder('limit'), offset: sql.placeholder('offset') };
  // The filters with their values in place: for a search past the cap, and to count a page past the end.
  let inlined: ReturnType<typeof activeListingQuery> | undefined;
  const inline = () => (inlined ??= activeListingQuery(ctx, search));
  const rows = name
    ? await runPrepared(ctx.db, name, (db) => listingsWithCatalog({ ...ctx, ...placeholderOwner, db }, placeholders), values)
    : await listingsWithCatalog(ctx, { ...inline(), ...page });
  const total = rows.length ? Number(rows[0].total) : await pageTotal(ctx, rows, inline().where, q.page);
  return { rows: rows.map(listingOf), total, currency };
}

/** One active listing by id or slug with its catalog rows, without counting a view; anything else is not found. */
export async function getVehicle(ctx: Ctx, idOrSlug: string): Promise<VehicleListing> {
  const [row] = await listingsWithCatalog(ctx, { where: activeListingByIdOrSlug(ctx, idOrSlug), orderBy: [], limit: 1, offset: 0 });
  if (!row) throw notFound('Vehicle', idOrSlug);
  return listingOf(row);
}

const utcDay = (d = new Date()) => d.toISOString().slice(0, 10);

/**
 * Counts a storefront view of a listed motor: one row per motor and UTC day (vehicle_views) plus
 * the motor's running viewsCount (the impressionsCount sort), in one transaction.
 */
export async function recordVehicleView(ctx: Ctx, motorId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const t = { ...ctx, db: tx };
    await tx
      .insert(vehicleViews)
      .values({ ...owner(ctx), id: newId(), motorId, day: utcDay(), count: 1 })
      .onConflictDoUpdate({
        target: [vehicleViews.tenantId, vehicleViews.environment, vehicleViews.motorId, vehicleViews.day],
        set: { count: sql`${vehicleViews.count} + 1` },
      });
    await incrementMotorViews(t, motorId);
  });
}

/** Shows a vehicle to a shopper: reads it (404 unless an active listing) and records the view. */
export async function viewVehicle(ctx: Ctx, idOrSlug: string): Promise<VehicleListing> {
  const vehicle = await getVehicle(ctx, idOrSlug);
  await recordVehicleView(ctx, vehicle.motor.id);
  return { ...vehicle, motor: { ...vehicle.motor, viewsCount: vehicle.motor.viewsCount + 1 } };
}

export type VehicleStats = {
  totalVehicles: number;
  /** Active listings whose motor is in stock (not reserved or sold). */
  availableVehicles: number;
  byListingType: { sale: number; rental: number; auction: number };
  /** By catalog body type name, else the motor's own body type text; "Other" when neither. */
  byBodyType: Record<string, number>;
  /** By catalog brand name, else the motor's make text. */
  byBrand: Record<string, number>;
  /** Storefront views of the active listings: ever, and in the last 30 UTC days (today included). */
  totalViews: number;
  viewsLast30Days: number;
};

/** The vehicle stats summary, as SQL aggregates over the active listings. */
export async function vehicleStats(ctx: Ctx): Promise<VehicleStats> {
  const where = scopedLive(ctx, motors, activeListingWhere());
  const bodyName = sql<string>`coalesce(${catalogBodyTypes.name}, ${motors.bodyType}, 'Other')`;
  const brandName = sql<string>`coalesce(${catalogBrands.name}, ${motors.make})`;
  const since = utcDay(new Date(Date.now() - 29 * 86400_000));
  const [byType, byStatus, byBody, byBrand, [recent]] = await Promise.all([
    ctx.db
      .select({ k: motors.listingType, n: count(), views: sql<string>`sum(${motors.viewsCount})` })
      .from(motors)
      .where(where)
      .groupBy(motors.listingType),
    ctx.db
      .select({ n: count() })
      .from(motors)
      .where(and(where, eq(motors.status, 'in_stock'))),
    ctx.db.select({ k: bodyName, n: count() }).from(motors).leftJoin(catalogBodyTypes, eq(catalogBodyTypes.id, motors.bodyTypeId)).where(where).groupBy(bodyName),
    // Brands are global or the tenant's own; an id match is enough, the id being the motor's.
    ctx.db.select({ k: brandName, n: count() }).from(motors).leftJoin(catalogBrands, eq(catalogBrands.id, motors.makeId)).where(where).groupBy(brandName),
    ctx.db
      .select({ views: sql<string | null>`sum(${vehicleViews.count})` })
      .from(vehicleViews)
      .innerJoin(motors, eq(motors.id, vehicleViews.motorId))
      .where(and(where, scoped(ctx, vehicleViews, gte(vehicleViews.day, since)))),
  ]);
  const byListingType = { sale: 0, rental: 0, auction: 0 };
  for (const r of byType) if (r.k) byListingType[r.k] = Number(r.n);
  const record = (rows: { k: string; n: number }[]) => Object.fromEntries([...rows].sort((a, b) => Number(b.n) - Number(a.n) || (a.k < b.k ? -1 : 1)).map((r) => [r.k, Number(r.n)]));
  return {
    totalVehicles: byListingType.sale + byListingType.rental + byListingType.auction,
    availableVehicles: Number(byStatus[0]?.n ?? 0),
    byListingType,
    byBodyType: record(byBody),
    byBrand: record(byBrand),
    totalViews: byType.reduce((sum, r) => sum + Number(r.views ?? 0), 0),
    viewsLast30Days: Number(recent?.views ?? 0),
  };
}
