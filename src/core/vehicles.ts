import { and, count, eq, gte, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { catalogBodyTypes, catalogBrands, motors, vehicleViews } from '../storage/schema/index.ts';
import { owner, scoped, scopedLive } from '../storage/tenant-scope.ts';
import { listingsWithCatalog, type EngineView } from './catalog.ts';
import { tenantCurrency } from './documents.ts';
import { decimalToMinor } from './money.ts';
import { newId } from './ids.ts';
import { activeListingByIdOrSlug, activeListingQuery, activeListingWhere, incrementMotorViews, motorView, pageTotal, type ListingSearch, type MotorView } from './motors.ts';
import { notFound } from './errors.ts';

// Storefront vehicles: the tenant's active listings (motors) with the catalog rows they point at.
// Surface-agnostic: prices stay in minor units here; the surface renders them.

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

export async function searchVehicles(ctx: Ctx, q: VehicleSearch): Promise<{ rows: VehicleListing[]; total: number; currency: string }> {
  const { minPrice, maxPrice, ...rest } = q;
  const currency = await tenantCurrency(ctx);
  const { where, orderBy } = activeListingQuery(ctx, {
    ...rest,
    minPriceAmount: minPrice === undefined ? undefined : decimalToMinor(minPrice, currency, 'minPrice'),
    maxPriceAmount: maxPrice === undefined ? undefined : decimalToMinor(maxPrice, currency, 'maxPrice'),
  });
  const rows = await listingsWithCatalog(ctx, { where, orderBy, limit: q.limit, offset: (q.page - 1) * q.limit });
  return { rows: rows.map(listingOf), total: await pageTotal(ctx, rows, where, q.page), currency };
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
    ctx.db.select({ k: motors.listingType, n: count(), views: sql<string>`sum(${motors.viewsCount})` }).from(motors).where(where).groupBy(motors.listingType),
    ctx.db.select({ n: count() }).from(motors).where(and(where, eq(motors.status, 'in_stock'))),
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
