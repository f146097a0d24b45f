import { and, eq, inArray } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { catalogBodyTypes, catalogBrands, catalogEngines, catalogGenerations, catalogModels, catalogTrims } from '../storage/schema/index.ts';
import { globalOrOwn, owner } from '../storage/tenant-scope.ts';
import { AppError, invalidField } from './errors.ts';
import { newId, now } from './ids.ts';
import { drivetrainTypes, type DrivetrainType } from '../catalog-data/catalog-types.ts';
import { catalogSlug } from './slug.ts';
import { brandViews, findBrand, getModel, getTrim, type BrandView, type ModelView, type TrimView } from './catalog.ts';

// A dealer's own brands, models and trims: catalog rows with a tenant and environment, beside the
// global ones and never touched by a catalog load.

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
  const existing = await ctx.db.select({ name: catalogBrands.name, slug: catalogBrands.slug }).from(catalogBrands).where(globalOrOwn(ctx, catalogBrands));
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
    .where(globalOrOwn(ctx, catalogModels, eq(catalogModels.brandId, input.brandId)));
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
  const [model] = await ctx.db
    .select({ id: catalogModels.id })
    .from(catalogModels)
    .where(globalOrOwn(ctx, catalogModels, eq(catalogModels.id, input.modelId ?? '')));
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
  const siblings = await ctx.db
    .select({ slug: catalogTrims.slug })
    .from(catalogTrims)
    .where(globalOrOwn(ctx, catalogTrims, eq(catalogTrims.modelId, model.id)));
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
