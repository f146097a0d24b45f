import { asc, count, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { catalogBodyTypes, catalogBrands, catalogEngines, catalogGenerations, catalogModels, catalogTrims, motors } from '../storage/schema/index.ts';
import { globalOrOwn, scopedLive } from '../storage/tenant-scope.ts';
import { notFound } from './errors.ts';
import { activeListingWhere } from './vehicles.ts';

// The vehicle catalog's lookups (the Storefront API's brands, models, body types, engines,
// generations and trims): global reference data (catalog-load.ts) plus each dealer's own brands,
// models and trims (catalog-entries.ts). Reads see the global rows and the caller's own.

// Byte order, so PGlite and PostgreSQL (whatever its collation) page through the same sequence.
const byC = (column: PgColumn) => sql`${column} collate "C"`;

export type Page = { page: number; limit: number };
const offset = (p: Page) => (p.page - 1) * p.limit;

export type VehicleCounts = { rental: number; sale: number; auction: number; total: number };

/** The caller's active listings by catalog brand (motors.make_id) and listing type: brands' vehicleCounts. */
export async function countListingsByBrand(ctx: Ctx): Promise<Map<string, VehicleCounts>> {
  const rows = await ctx.db
    .select({ makeId: motors.makeId, listingType: motors.listingType, n: count() })
    .from(motors)
    .where(scopedLive(ctx, motors, isNotNull(motors.makeId), activeListingWhere()))
    .groupBy(motors.makeId, motors.listingType);
  const counts = new Map<string, VehicleCounts>();
  for (const r of rows) {
    const c = counts.get(r.makeId!) ?? { rental: 0, sale: 0, auction: 0, total: 0 };
    c[r.listingType!] += Number(r.n);
    c.total += Number(r.n);
    counts.set(r.makeId!, c);
  }
  return counts;
}
const noVehicles: VehicleCounts = { rental: 0, sale: 0, auction: 0, total: 0 };

export type BodyTypeView = { id: string; code: string; name: string; description: string; iconUrl: string | null };
export type BrandView = {
  id: string;
  name: string;
  slug: string;
  countryOfOrigin: string | null;
  logoUrl: string | null;
  source: string;
  models: { id: string; name: string; slug: string }[];
  vehicleCounts: VehicleCounts;
};
export type ModelView = {
  id: string;
  name: string;
  slug: string;
  startYear: number | null;
  endYear: number | null;
  source: string;
  brand: { id: string; name: string };
  bodyType: { id: string; name: string; code: string } | null;
};
export type EngineView = typeof catalogEngines.$inferSelect;
export type GenerationView = { id: string; name: string; slug: string; startYear: number; endYear: number | null; source: string; model: { id: string; name: string } };
export type TrimView = {
  id: string;
  name: string;
  slug: string;
  source: string;
  model: { id: string; name: string };
  generation: { id: string; name: string } | null;
  engines: { id: string; name: string }[];
  drivetrains: string[];
};

export async function brandViews(ctx: Ctx, rows: (typeof catalogBrands.$inferSelect)[]): Promise<BrandView[]> {
  if (!rows.length) return [];
  const [models, counts] = await Promise.all([
    ctx.db
      .select({ id: catalogModels.id, name: catalogModels.name, slug: catalogModels.slug, brandId: catalogModels.brandId })
      .from(catalogModels)
      .where(
        globalOrOwn(
          ctx,
          catalogModels,
          inArray(
            catalogModels.brandId,
            rows.map((r) => r.id),
          ),
        ),
      )
      .orderBy(byC(catalogModels.slug), asc(catalogModels.id)),
    countListingsByBrand(ctx),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    countryOfOrigin: r.countryOfOrigin,
    logoUrl: r.logoUrl,
    source: r.source,
    models: models.filter((m) => m.brandId === r.id).map(({ id, name, slug }) => ({ id, name, slug })),
    vehicleCounts: counts.get(r.id) ?? noVehicles,
  }));
}

export async function listBrands(ctx: Ctx, p: Page): Promise<{ rows: BrandView[]; total: number }> {
  const where = globalOrOwn(ctx, catalogBrands);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.select().from(catalogBrands).where(where).orderBy(byC(catalogBrands.slug), asc(catalogBrands.id)).limit(p.limit).offset(offset(p)),
    ctx.db.select({ total: count() }).from(catalogBrands).where(where),
  ]);
  return { rows: await brandViews(ctx, rows), total: Number(total) };
}

export async function findBrand(ctx: Ctx, id: string) {
  const [row] = await ctx.db
    .select()
    .from(catalogBrands)
    .where(globalOrOwn(ctx, catalogBrands, eq(catalogBrands.id, id)))
    .limit(1);
  return row;
}

export async function getBrand(ctx: Ctx, id: string): Promise<BrandView> {
  const row = await findBrand(ctx, id);
  if (!row) throw notFound('Brand', id);
  return (await brandViews(ctx, [row]))[0];
}

const modelColumns = {
  id: catalogModels.id,
  name: catalogModels.name,
  slug: catalogModels.slug,
  startYear: catalogModels.startYear,
  endYear: catalogModels.endYear,
  source: catalogModels.source,
  brandId: catalogBrands.id,
  brandName: catalogBrands.name,
  bodyTypeId: catalogBodyTypes.id,
  bodyTypeName: catalogBodyTypes.name,
  bodyTypeCode: catalogBodyTypes.code,
};
type ModelRow = { [K in keyof typeof modelColumns]: (typeof modelColumns)[K]['_']['data'] | null };

function modelView(r: ModelRow): ModelView {
  return {
    id: r.id!,
    name: r.name!,
    slug: r.slug!,
    startYear: r.startYear,
    endYear: r.endYear,
    source: r.source!,
    brand: { id: r.brandId!, name: r.brandName! },
    bodyType: r.bodyTypeId ? { id: r.bodyTypeId, name: r.bodyTypeName!, code: r.bodyTypeCode! } : null,
  };
}

const modelsQuery = (ctx: Ctx, where: SQL) =>
  ctx.db
    .select(modelColumns)
    .from(catalogModels)
    .innerJoin(catalogBrands, eq(catalogBrands.id, catalogModels.brandId))
    .leftJoin(catalogBodyTypes, eq(catalogBodyTypes.id, catalogModels.bodyTypeId))
    .where(where);

export type ModelSearch = Partial<Page> & { brandId?: string; bodyTypeId?: string };

/** Models ordered by brand then model slug; without a page, all of them. */
export async function listModels(ctx: Ctx, q: ModelSearch): Promise<{ rows: ModelView[]; total: number }> {
  const where = globalOrOwn(ctx, catalogModels, q.brandId ? eq(catalogModels.brandId, q.brandId) : undefined, q.bodyTypeId ? eq(catalogModels.bodyTypeId, q.bodyTypeId) : undefined);
  const ordered = modelsQuery(ctx, where).orderBy(byC(catalogBrands.slug), byC(catalogModels.slug), asc(catalogModels.id));
  const [rows, [{ total }]] = await Promise.all([
    q.page && q.limit ? ordered.limit(q.limit).offset(offset({ page: q.page, limit: q.limit })) : ordered,
    ctx.db.select({ total: count() }).from(catalogModels).where(where),
  ]);
  return { rows: rows.map(modelView), total: Number(total) };
}

export async function listBrandModels(ctx: Ctx, brandId: string): Promise<ModelView[]> {
  if (!(await findBrand(ctx, brandId))) throw notFound('Brand', brandId);
  return (await listModels(ctx, { brandId })).rows;
}

export async function getModel(ctx: Ctx, id: string): Promise<ModelView> {
  const [row] = await modelsQuery(ctx, globalOrOwn(ctx, catalogModels, eq(catalogModels.id, id))).limit(1);
  if (!row) throw notFound('Model', id);
  return modelView(row);
}

export async function listBodyTypes(ctx: Ctx): Promise<BodyTypeView[]> {
  return ctx.db.select().from(catalogBodyTypes).orderBy(byC(catalogBodyTypes.code));
}

export async function getBodyType(ctx: Ctx, id: string): Promise<BodyTypeView> {
  const [row] = await ctx.db.select().from(catalogBodyTypes).where(eq(catalogBodyTypes.id, id)).limit(1);
  if (!row) throw notFound('Body type', id);
  return row;
}

export async function listEngines(ctx: Ctx, q: Partial<Page> & { type?: string } = {}): Promise<{ rows: EngineView[]; total: number }> {
  const where = q.type ? eq(catalogEngines.type, q.type) : undefined;
  const ordered = ctx.db.select().from(catalogEngines).where(where).orderBy(byC(catalogEngines.code));
  const [rows, [{ total }]] = await Promise.all([
    q.page && q.limit ? ordered.limit(q.limit).offset(offset({ page: q.page, limit: q.limit })) : ordered,
    ctx.db.select({ total: count() }).from(catalogEngines).where(where),
  ]);
  return { rows, total: Number(total) };
}

export async function getEngine(ctx: Ctx, id: string): Promise<EngineView> {
  const [row] = await ctx.db.select().from(catalogEngines).where(eq(catalogEngines.id, id)).limit(1);
  if (!row) throw notFound('Engine', id);
  return row;
}

const generationColumns = {
  id: catalogGenerations.id,
  name: catalogGenerations.name,
  slug: catalogGenerations.slug,
  startYear: catalogGenerations.startYear,
  endYear: catalogGenerations.endYear,
  source: catalogGenerations.source,
  modelId: catalogModels.id,
  modelName: catalogModels.name,
};

export async function listGenerations(ctx: Ctx, q: Page & { modelId?: string }): Promise<{ rows: GenerationView[]; total: number }> {
  // Generations are global; the join keeps them to models the caller can see.
  const where = globalOrOwn(ctx, catalogModels, q.modelId ? eq(catalogGenerations.modelId, q.modelId) : undefined);
  const base = () => ctx.db.select(generationColumns).from(catalogGenerations).innerJoin(catalogModels, eq(catalogModels.id, catalogGenerations.modelId));
  const [rows, [{ total }]] = await Promise.all([
    base().where(where).orderBy(byC(catalogModels.slug), asc(catalogGenerations.startYear), asc(catalogGenerations.id)).limit(q.limit).offset(offset(q)),
    ctx.db.select({ total: count() }).from(catalogGenerations).innerJoin(catalogModels, eq(catalogModels.id, catalogGenerations.modelId)).where(where),
  ]);
  return { rows: rows.map(generationView), total: Number(total) };
}

function generationView(r: { id: string; name: string; slug: string; startYear: number; endYear: number | null; source: string; modelId: string; modelName: string }): GenerationView {
  const { modelId, modelName, ...rest } = r;
  return { ...rest, model: { id: modelId, name: modelName } };
}

export async function getGeneration(ctx: Ctx, id: string): Promise<GenerationView> {
  const [row] = await ctx.db
    .select(generationColumns)
    .from(catalogGenerations)
    .innerJoin(catalogModels, eq(catalogModels.id, catalogGenerations.modelId))
    .where(globalOrOwn(ctx, catalogModels, eq(catalogGenerations.id, id)))
    .limit(1);
  if (!row) throw notFound('Generation', id);
  return generationView(row);
}

const trimColumns = {
  trim: catalogTrims,
  modelName: catalogModels.name,
  generationName: catalogGenerations.name,
};

async function trimViews(ctx: Ctx, rows: { trim: typeof catalogTrims.$inferSelect; modelName: string; generationName: string | null }[]): Promise<TrimView[]> {
  const engineIds = [...new Set(rows.flatMap((r) => r.trim.engineIds))];
  const engines = engineIds.length ? await ctx.db.select({ id: catalogEngines.id, name: catalogEngines.name }).from(catalogEngines).where(inArray(catalogEngines.id, engineIds)) : [];
  const engineName = new Map(engines.map((e) => [e.id, e.name]));
  return rows.map(({ trim: t, modelName, generationName }) => ({
    id: t.id,
    name: t.name,
    slug: t.slug,
    source: t.source,
    model: { id: t.modelId, name: modelName },
    generation: t.generationId && generationName ? { id: t.generationId, name: generationName } : null,
    engines: t.engineIds.filter((e) => engineName.has(e)).map((e) => ({ id: e, name: engineName.get(e)! })),
    drivetrains: t.drivetrains,
  }));
}

const trimsFrom = (ctx: Ctx) =>
  ctx.db.select(trimColumns).from(catalogTrims).innerJoin(catalogModels, eq(catalogModels.id, catalogTrims.modelId)).leftJoin(catalogGenerations, eq(catalogGenerations.id, catalogTrims.generationId));

export async function listTrims(ctx: Ctx, q: Page & { modelId?: string; generationId?: string }): Promise<{ rows: TrimView[]; total: number }> {
  const where = globalOrOwn(ctx, catalogTrims, q.modelId ? eq(catalogTrims.modelId, q.modelId) : undefined, q.generationId ? eq(catalogTrims.generationId, q.generationId) : undefined);
  const [rows, [{ total }]] = await Promise.all([
    trimsFrom(ctx).where(where).orderBy(byC(catalogModels.slug), asc(catalogGenerations.startYear), byC(catalogTrims.slug), asc(catalogTrims.id)).limit(q.limit).offset(offset(q)),
    ctx.db.select({ total: count() }).from(catalogTrims).where(where),
  ]);
  return { rows: await trimViews(ctx, rows), total: Number(total) };
}

export async function getTrim(ctx: Ctx, id: string): Promise<TrimView> {
  const [row] = await trimsFrom(ctx)
    .where(globalOrOwn(ctx, catalogTrims, eq(catalogTrims.id, id)))
    .limit(1);
  if (!row) throw notFound('Trim', id);
  return (await trimViews(ctx, [row]))[0];
}
