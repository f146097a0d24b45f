import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, asc, count, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import type { Queryable } from '../storage/db.ts';
import { catalogBodyTypes, catalogBrands, catalogEngines, catalogGenerations, catalogModels, catalogTrims, motors, settings } from '../storage/schema/index.ts';
import { owner, scoped, scopedLive } from '../storage/tenant-scope.ts';
import { AppError, invalidField, notFound } from './errors.ts';
import { newId, now } from './ids.ts';
import { drivetrainTypes, type CatalogData, type DrivetrainType } from '../catalog-data/catalog-types.ts';
import { slugify } from './slug.ts';

// The vehicle catalog: global reference data (brands, models, body types, generations, trims,
// engines) loaded from src/catalog-data/catalog.json, plus each dealer's own brands, models and
// trims (rows with a tenant and environment). Reads see the global rows and the caller's own.

export const catalogFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../catalog-data/catalog.json');
const VERSION_KEY = 'catalog_version';
// Any number, as long as it stays the same: serialises loaders of several processes starting at once.
const LOAD_LOCK = 727275;

let cached: CatalogData | undefined;
export function readCatalogFile(): CatalogData {
  cached ??= JSON.parse(fs.readFileSync(catalogFile, 'utf8')) as CatalogData;
  return cached;
}

/**
 * Loads the catalog file into the global tables when they are empty or the file's version changed;
 * otherwise does nothing. Global rows are replaced wholesale (ids are stable across imports, so
 * dealers' rows that point at them stay valid); dealers' own rows are never touched.
 */
export async function loadCatalog(db: Queryable, data: CatalogData = readCatalogFile()): Promise<{ loaded: boolean; version: string; ms: number }> {
  const started = performance.now();
  const loaded = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOAD_LOCK})`);
    const [current] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.key, VERSION_KEY));
    const [anyRow] = await tx.select({ id: catalogBodyTypes.id }).from(catalogBodyTypes).limit(1);
    if (current?.value === data.version && anyRow) return false;
    const at = now().toISOString();
    await tx.delete(catalogBodyTypes);
    await tx.delete(catalogEngines);
    await tx.delete(catalogGenerations);
    await tx.delete(catalogBrands).where(isNull(catalogBrands.tenantId));
    await tx.delete(catalogModels).where(isNull(catalogModels.tenantId));
    await tx.delete(catalogTrims).where(isNull(catalogTrims.tenantId));
    // One statement per table with the rows as one JSON parameter: a few thousand rows load in
    // milliseconds on PGlite, where per-row parameters would cost a round of parsing each.
    const put = (table: PgTable, rows: Record<string, unknown>[]) =>
      tx.execute(sql`insert into ${table} select * from json_populate_recordset(null::${table}, ${JSON.stringify(rows)}::json)`);
    await put(catalogBodyTypes, data.bodyTypes.map((b) => ({ id: b.id, code: b.code, name: b.name, description: b.description, icon_url: null })));
    await put(
      catalogBrands,
      data.brands.map((b) => ({ id: b.id, name: b.name, slug: b.slug, country_of_origin: b.countryOfOrigin, logo_url: b.logoUrl, source: b.source, vpic_id: b.vpicId, created_at: at, updated_at: at })),
    );
    await put(
      catalogModels,
      data.models.map((m) => ({
        id: m.id,
        brand_id: m.brandId,
        name: m.name,
        slug: m.slug,
        body_type_id: m.bodyTypeId,
        start_year: m.startYear,
        end_year: m.endYear,
        source: m.source,
        vpic_id: m.vpicId,
        created_at: at,
        updated_at: at,
      })),
    );
    await put(
      catalogEngines,
      data.engines.map((e) => ({ id: e.id, code: e.code, name: e.name, type: e.type, displacement: e.displacement, cylinders: e.cylinders, horsepower: e.horsepower, torque_nm: e.torqueNm, transmission: e.transmission, source: e.source })),
    );
    await put(catalogGenerations, data.generations.map((g) => ({ id: g.id, model_id: g.modelId, name: g.name, slug: g.slug, start_year: g.startYear, end_year: g.endYear, source: g.source })));
    await put(
      catalogTrims,
      data.trims.map((t) => ({ id: t.id, model_id: t.modelId, generation_id: t.generationId, name: t.name, slug: t.slug, engine_ids: t.engineIds, drivetrains: t.drivetrains, source: t.source, created_at: at, updated_at: at })),
    );
    await tx
      .insert(settings)
      .values({ key: VERSION_KEY, value: data.version })
      .onConflictDoUpdate({ target: settings.key, set: { value: data.version } });
    return true;
  });
  // Motors written while the catalog was missing (`motors seed demo` on a database no server had
  // loaded it into yet) carry no catalog ids, so brand/model/body-type filters never found them.
  if (loaded) await linkUnlinkedMotors(db);
  return { loaded, version: data.version, ms: Math.round(performance.now() - started) };
}

/**
 * Links every motor that has no catalog id at all to the catalog by its text, as a write would
 * have: one lookup per distinct (dealer, environment, make, model, year, trim, body type). Their
 * updatedAt moves, so sync clients read the new ids. Returns the motors linked.
 */
export async function linkUnlinkedMotors(db: Queryable): Promise<number> {
  const unlinked = and(isNull(motors.makeId), isNull(motors.modelId), isNull(motors.bodyTypeId), isNull(motors.trimId));
  const groups = await db
    .selectDistinct({ tenantId: motors.tenantId, environment: motors.environment, make: motors.make, model: motors.model, year: motors.year, trim: motors.trim, bodyType: motors.bodyType })
    .from(motors)
    .where(unlinked);
  let linked = 0;
  for (const g of groups) {
    const ctx: Ctx = { tenantId: g.tenantId, environment: g.environment, scopes: ['*'], actor: { type: 'system', id: 'catalog' }, requestId: 'catalog-load', db: db as Ctx['db'] };
    const link = await linkMotorToCatalog(ctx, { make: g.make, model: g.model, year: g.year, trim: g.trim, bodyType: g.bodyType }, undefined);
    if (!link.makeId && !link.modelId && !link.bodyTypeId && !link.trimId) continue;
    const same = (column: PgColumn, value: string | number | null) => (value === null ? isNull(column) : eq(column, value));
    const rows = await db
      .update(motors)
      .set({ ...link, updatedAt: now() })
      .where(scoped(ctx, motors, unlinked, eq(motors.make, g.make), eq(motors.model, g.model), same(motors.year, g.year), same(motors.trim, g.trim), same(motors.bodyType, g.bodyType)))
      .returning({ id: motors.id });
    linked += rows.length;
  }
  return linked;
}

// ---------- reading ----------

type Shared = PgTable & { tenantId: PgColumn; environment: PgColumn; id: PgColumn };

/** The global rows (no tenant) and the caller's own; tenancy still enters only through scoped(). */
const visible = (ctx: Ctx, table: Shared, ...where: (SQL | undefined)[]): SQL => and(or(isNull(table.tenantId), scoped(ctx, table)), ...where)!;

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
    .where(scopedLive(ctx, motors, isNotNull(motors.makeId), isNotNull(motors.listingType), eq(motors.listingStatus, 'active')))
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

async function brandViews(ctx: Ctx, rows: (typeof catalogBrands.$inferSelect)[]): Promise<BrandView[]> {
  if (!rows.length) return [];
  const [models, counts] = await Promise.all([
    ctx.db
      .select({ id: catalogModels.id, name: catalogModels.name, slug: catalogModels.slug, brandId: catalogModels.brandId })
      .from(catalogModels)
      .where(visible(ctx, catalogModels, inArray(catalogModels.brandId, rows.map((r) => r.id))))
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
  const where = visible(ctx, catalogBrands);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.select().from(catalogBrands).where(where).orderBy(byC(catalogBrands.slug), asc(catalogBrands.id)).limit(p.limit).offset(offset(p)),
    ctx.db.select({ total: count() }).from(catalogBrands).where(where),
  ]);
  return { rows: await brandViews(ctx, rows), total: Number(total) };
}

async function findBrand(ctx: Ctx, id: string) {
  const [row] = await ctx.db.select().from(catalogBrands).where(visible(ctx, catalogBrands, eq(catalogBrands.id, id))).limit(1);
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
  const where = visible(
    ctx,
    catalogModels,
    q.brandId ? eq(catalogModels.brandId, q.brandId) : undefined,
    q.bodyTypeId ? eq(catalogModels.bodyTypeId, q.bodyTypeId) : undefined,
  );
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
  const [row] = await modelsQuery(ctx, visible(ctx, catalogModels, eq(catalogModels.id, id))).limit(1);
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
  const where = visible(ctx, catalogModels, q.modelId ? eq(catalogGenerations.modelId, q.modelId) : undefined);
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
    .where(visible(ctx, catalogModels, eq(catalogGenerations.id, id)))
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
  const engines = engineIds.length
    ? await ctx.db.select({ id: catalogEngines.id, name: catalogEngines.name }).from(catalogEngines).where(inArray(catalogEngines.id, engineIds))
    : [];
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
  ctx.db
    .select(trimColumns)
    .from(catalogTrims)
    .innerJoin(catalogModels, eq(catalogModels.id, catalogTrims.modelId))
    .leftJoin(catalogGenerations, eq(catalogGenerations.id, catalogTrims.generationId));

export async function listTrims(ctx: Ctx, q: Page & { modelId?: string; generationId?: string }): Promise<{ rows: TrimView[]; total: number }> {
  const where = visible(
    ctx,
    catalogTrims,
    q.modelId ? eq(catalogTrims.modelId, q.modelId) : undefined,
    q.generationId ? eq(catalogTrims.generationId, q.generationId) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    trimsFrom(ctx)
      .where(where)
      .orderBy(byC(catalogModels.slug), asc(catalogGenerations.startYear), byC(catalogTrims.slug), asc(catalogTrims.id))
      .limit(q.limit)
      .offset(offset(q)),
    ctx.db.select({ total: count() }).from(catalogTrims).where(where),
  ]);
  return { rows: await trimViews(ctx, rows), total: Number(total) };
}

export async function getTrim(ctx: Ctx, id: string): Promise<TrimView> {
  const [row] = await trimsFrom(ctx).where(visible(ctx, catalogTrims, eq(catalogTrims.id, id))).limit(1);
  if (!row) throw notFound('Trim', id);
  return (await trimViews(ctx, [row]))[0];
}

// ---------- a dealer's own brands, models and trims ----------

/** A catalog name's slug: `&` and `+` spelled out (`A&B` → `a-and-b`), never empty. */
export const catalogSlug = (s: string) => slugify(s.replace(/&/g, ' and ').replace(/\+/g, ' plus ')) || 'x';

function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  return slug;
}

function requiredName(value: string | undefined, field = 'name'): string {
  const name = value?.trim();
  if (!name) throw invalidField(field, 'required');
  if (name.length > 100) throw invalidField(field, 'at most 100 characters');
  return name;
}

export type BrandInput = { name: string; countryOfOrigin?: string | null; logoUrl?: string | null };

export async function addBrand(ctx: Ctx, input: BrandInput): Promise<BrandView> {
  const name = requiredName(input.name);
  const existing = await ctx.db.select({ name: catalogBrands.name, slug: catalogBrands.slug }).from(catalogBrands).where(visible(ctx, catalogBrands));
  if (existing.some((b) => b.name.toLowerCase() === name.toLowerCase())) throw new AppError('conflict', `A brand named ${name} already exists`);
  const at = now();
  const [row] = await ctx.db
    .insert(catalogBrands)
    .values({
      ...owner(ctx),
      id: newId(),
      name,
      slug: uniqueSlug(catalogSlug(name), new Set(existing.map((b) => b.slug))),
      countryOfOrigin: input.countryOfOrigin ?? null,
      logoUrl: input.logoUrl ?? null,
      source: 'tenant',
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return (await brandViews(ctx, [row]))[0];
}

export type ModelInput = { brandId: string; name: string; bodyTypeId?: string | null; startYear?: number | null; endYear?: number | null };

export async function addModel(ctx: Ctx, input: ModelInput): Promise<ModelView> {
  const name = requiredName(input.name);
  if (!input.brandId || !(await findBrand(ctx, input.brandId))) throw invalidField('brandId', `no brand with id ${input.brandId}`);
  if (input.bodyTypeId) {
    const [bt] = await ctx.db.select({ id: catalogBodyTypes.id }).from(catalogBodyTypes).where(eq(catalogBodyTypes.id, input.bodyTypeId));
    if (!bt) throw invalidField('bodyTypeId', `no body type with id ${input.bodyTypeId}`);
  }
  if (input.startYear != null && input.endYear != null && input.endYear < input.startYear) throw invalidField('endYear', 'must not be before startYear');
  const siblings = await ctx.db
    .select({ name: catalogModels.name, slug: catalogModels.slug })
    .from(catalogModels)
    .where(visible(ctx, catalogModels, eq(catalogModels.brandId, input.brandId)));
  if (siblings.some((m) => m.name.toLowerCase() === name.toLowerCase())) throw new AppError('conflict', `This brand already has a model named ${name}`);
  const at = now();
  const id = newId();
  await ctx.db.insert(catalogModels).values({
    ...owner(ctx),
    id,
    brandId: input.brandId,
    name,
    slug: uniqueSlug(catalogSlug(name), new Set(siblings.map((m) => m.slug))),
    bodyTypeId: input.bodyTypeId ?? null,
    startYear: input.startYear ?? null,
    endYear: input.endYear ?? null,
    source: 'tenant',
    createdAt: at,
    updatedAt: at,
  });
  return getModel(ctx, id);
}

export type TrimInput = { modelId: string; generationId?: string | null; name: string; engineIds?: string[]; drivetrains?: DrivetrainType[] };

export async function addTrim(ctx: Ctx, input: TrimInput): Promise<TrimView> {
  const name = requiredName(input.name);
  const [model] = await ctx.db.select({ id: catalogModels.id }).from(catalogModels).where(visible(ctx, catalogModels, eq(catalogModels.id, input.modelId ?? '')));
  if (!model) throw invalidField('modelId', `no model with id ${input.modelId}`);
  if (input.generationId) {
    const [g] = await ctx.db
      .select({ id: catalogGenerations.id })
      .from(catalogGenerations)
      .where(and(eq(catalogGenerations.id, input.generationId), eq(catalogGenerations.modelId, model.id)));
    if (!g) throw invalidField('generationId', `no generation with id ${input.generationId} for this model`);
  }
  const engineIds = [...new Set(input.engineIds ?? [])];
  if (engineIds.length) {
    const found = await ctx.db.select({ id: catalogEngines.id }).from(catalogEngines).where(inArray(catalogEngines.id, engineIds));
    const missing = engineIds.find((e) => !found.some((f) => f.id === e));
    if (missing) throw invalidField('engineIds', `no engine with id ${missing}`);
  }
  const bad = (input.drivetrains ?? []).find((d) => !(drivetrainTypes as readonly string[]).includes(d));
  if (bad) throw invalidField('drivetrains', `${bad} is not one of ${drivetrainTypes.join(', ')}`);
  const siblings = await ctx.db.select({ slug: catalogTrims.slug }).from(catalogTrims).where(visible(ctx, catalogTrims, eq(catalogTrims.modelId, model.id)));
  const at = now();
  const id = newId();
  await ctx.db.insert(catalogTrims).values({
    ...owner(ctx),
    id,
    modelId: model.id,
    generationId: input.generationId ?? null,
    name,
    slug: uniqueSlug(catalogSlug(name), new Set(siblings.map((s) => s.slug))),
    engineIds,
    drivetrains: input.drivetrains ?? [],
    source: 'tenant',
    createdAt: at,
    updatedAt: at,
  });
  return getTrim(ctx, id);
}

// ---------- linking motors to the catalog ----------

export type CatalogLink = { makeId?: string | null; modelId?: string | null; bodyTypeId?: string | null; trimId?: string | null };
type MotorCatalogFields = { make: string; model: string; year: number | null; trim: string | null; bodyType: string | null } & { [K in keyof CatalogLink]-?: string | null };

const bodyTypeCode = (text: string) => catalogSlug(text).replace(/-/g, '_').toUpperCase();

/**
 * The catalog ids of a motor being written (the columns to set; omitted ones stay as they are).
 * Ids that are sent are checked: one the catalog doesn't have (or that is another dealer's own
 * row) is a 400 naming the field. Make and model text sent without ids is matched by slug, so
 * "mercedes benz" finds Mercedes-Benz and "Skoda" finds Škoda; body type by its name or code,
 * else the model's; trim by name among the model's trims, preferring the generation of the year.
 */
export async function linkMotorToCatalog(
  ctx: Ctx,
  input: Partial<Omit<MotorCatalogFields, keyof CatalogLink>> & CatalogLink,
  current: MotorCatalogFields | undefined,
): Promise<CatalogLink> {
  const out: CatalogLink = {};
  const textChanged = !current || input.make !== undefined || input.model !== undefined;
  const make = input.make ?? current?.make;
  const modelName = input.model ?? current?.model;

  let brandId: string | null | undefined;
  if (input.makeId !== undefined) {
    if (input.makeId !== null && !(await findBrand(ctx, input.makeId))) throw invalidField('makeId', `no brand with id ${input.makeId} in the catalog`);
    brandId = out.makeId = input.makeId;
  }

  let model: { id: string; brandId: string; bodyTypeId: string | null } | undefined;
  const findModel = async (...where: SQL[]) =>
    (
      await ctx.db
        .select({ id: catalogModels.id, brandId: catalogModels.brandId, bodyTypeId: catalogModels.bodyTypeId })
        .from(catalogModels)
        .where(visible(ctx, catalogModels, ...where))
        .orderBy(asc(catalogModels.id))
        .limit(1)
    )[0];
  if (input.modelId !== undefined) {
    if (input.modelId !== null) {
      model = await findModel(eq(catalogModels.id, input.modelId));
      if (!model) throw invalidField('modelId', `no model with id ${input.modelId} in the catalog`);
      const expectedBrand = brandId !== undefined ? brandId : textChanged ? undefined : current?.makeId;
      if (expectedBrand && model.brandId !== expectedBrand) throw invalidField('modelId', `model ${input.modelId} is not a model of brand ${expectedBrand}`);
      if (brandId === undefined) brandId = out.makeId = model.brandId;
    }
    out.modelId = input.modelId;
  }
  if (brandId === undefined && textChanged) {
    const [b] = make
      ? await ctx.db.select({ id: catalogBrands.id }).from(catalogBrands).where(visible(ctx, catalogBrands, eq(catalogBrands.slug, catalogSlug(make)))).orderBy(asc(catalogBrands.id)).limit(1)
      : [];
    brandId = out.makeId = b?.id ?? null;
  }
  if (input.modelId === undefined && textChanged) {
    model = brandId && modelName ? await findModel(eq(catalogModels.brandId, brandId), eq(catalogModels.slug, catalogSlug(modelName))) : undefined;
    out.modelId = model?.id ?? null;
  }

  if (input.bodyTypeId !== undefined) {
    if (input.bodyTypeId !== null) {
      const [bt] = await ctx.db.select({ id: catalogBodyTypes.id }).from(catalogBodyTypes).where(eq(catalogBodyTypes.id, input.bodyTypeId)).limit(1);
      if (!bt) throw invalidField('bodyTypeId', `no body type with id ${input.bodyTypeId} in the catalog`);
    }
    out.bodyTypeId = input.bodyTypeId;
  } else if (textChanged || input.bodyType !== undefined) {
    const text = input.bodyType !== undefined ? input.bodyType : current?.bodyType;
    const [bt] = text
      ? await ctx.db
          .select({ id: catalogBodyTypes.id })
          .from(catalogBodyTypes)
          .where(or(eq(catalogBodyTypes.code, bodyTypeCode(text)), eq(sql`lower(${catalogBodyTypes.name})`, text.trim().toLowerCase())))
          .limit(1)
      : [];
    const modelBodyType = model?.bodyTypeId ?? (textChanged ? null : current?.bodyTypeId);
    out.bodyTypeId = bt?.id ?? modelBodyType ?? null;
  }

  const modelId = out.modelId !== undefined ? out.modelId : current?.modelId;
  if (input.trimId !== undefined) {
    if (input.trimId !== null) {
      const [t] = await ctx.db.select({ id: catalogTrims.id, modelId: catalogTrims.modelId }).from(catalogTrims).where(visible(ctx, catalogTrims, eq(catalogTrims.id, input.trimId))).limit(1);
      if (!t) throw invalidField('trimId', `no trim with id ${input.trimId} in the catalog`);
      if (modelId && t.modelId !== modelId) throw invalidField('trimId', `trim ${input.trimId} is not a trim of model ${modelId}`);
    }
    out.trimId = input.trimId;
  } else if (textChanged || input.trim !== undefined || input.year !== undefined) {
    const trimName = input.trim !== undefined ? input.trim : current?.trim;
    const year = input.year !== undefined ? input.year : current?.year;
    if (modelId && trimName) {
      const candidates = await ctx.db
        .select({ id: catalogTrims.id, startYear: catalogGenerations.startYear, endYear: catalogGenerations.endYear })
        .from(catalogTrims)
        .leftJoin(catalogGenerations, eq(catalogGenerations.id, catalogTrims.generationId))
        .where(visible(ctx, catalogTrims, eq(catalogTrims.modelId, modelId), eq(catalogTrims.slug, catalogSlug(trimName))))
        .orderBy(asc(catalogGenerations.startYear), asc(catalogTrims.id));
      const covers = (c: (typeof candidates)[number]) => year != null && c.startYear != null && c.startYear <= year && (c.endYear == null || year <= c.endYear);
      out.trimId = (candidates.find(covers) ?? candidates.at(-1))?.id ?? null;
    } else {
      out.trimId = null;
    }
  }
  return out;
}

/**
 * A page of motors with the catalog rows they point at (brand, model, body type, the trim's
 * first engine) and the number of all matches, in one query. The page is chosen first (a CTE
 * over the motors alone, `count(*) over ()` for the total), then only its rows are joined: joining
 * every match before the LIMIT made a 10,000-listing search four times slower than the floor.
 */
export function listingsWithCatalog(ctx: Ctx, q: { where: SQL; orderBy: SQL[]; limit: number; offset: number }) {
  const page = ctx.db
    .$with('page')
    .as(ctx.db.select({ id: motors.id, total: sql<number>`count(*) over ()`.as('total') }).from(motors).where(q.where).orderBy(...q.orderBy).limit(q.limit).offset(q.offset));
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
    .leftJoin(catalogBrands, visible(ctx, catalogBrands, eq(catalogBrands.id, motors.makeId)))
    .leftJoin(catalogModels, visible(ctx, catalogModels, eq(catalogModels.id, motors.modelId)))
    .leftJoin(catalogBodyTypes, eq(catalogBodyTypes.id, motors.bodyTypeId))
    .leftJoin(catalogTrims, visible(ctx, catalogTrims, eq(catalogTrims.id, motors.trimId)))
    .leftJoin(catalogEngines, sql`${catalogEngines.id} = ${catalogTrims.engineIds}[1]`)
    .orderBy(...q.orderBy);
}
