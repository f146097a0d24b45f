import { and, asc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import type { Queryable } from '../storage/db.ts';
import { catalogBodyTypes, catalogBrands, catalogGenerations, catalogModels, catalogTrims, motors } from '../storage/schema/index.ts';
import { globalOrOwn, scoped } from '../storage/tenant-scope.ts';
import { invalidField } from './errors.ts';
import { now } from './ids.ts';
import { catalogSlug } from './slug.ts';

// Motors linked to the catalog: the catalog ids a motor write sets (from ids sent, or matched
// from its make, model, trim and body type text), and the motors written before the catalog loaded.

export type CatalogLink = { makeId?: string | null; modelId?: string | null; bodyTypeId?: string | null; trimId?: string | null };
type MotorCatalogFields = { make: string; model: string; year: number | null; trim: string | null; bodyType: string | null } & { [K in keyof CatalogLink]-?: string | null };

const brandExists = async (ctx: Ctx, id: string) =>
  (
    await ctx.db
      .select({ id: catalogBrands.id })
      .from(catalogBrands)
      .where(globalOrOwn(ctx, catalogBrands, eq(catalogBrands.id, id)))
      .limit(1)
  ).length > 0;

const bodyTypeCode = (text: string) => catalogSlug(text).replace(/-/g, '_').toUpperCase();

/**
 * The catalog ids of a motor being written (the columns to set; omitted ones stay as they are).
 * Ids that are sent are checked: one the catalog doesn't have (or that is another dealer's own
 * row) is a 400 naming the field. Make and model text sent without ids is matched by slug, so
 * "mercedes benz" finds Mercedes-Benz and "Skoda" finds Škoda; body type by its name or code,
 * else the model's; trim by name among the model's trims, preferring the generation of the year.
 */
export async function linkMotorToCatalog(ctx: Ctx, input: Partial<Omit<MotorCatalogFields, keyof CatalogLink>> & CatalogLink, current: MotorCatalogFields | undefined): Promise<CatalogLink> {
  const out: CatalogLink = {};
  const textChanged = !current || input.make !== undefined || input.model !== undefined;
  const make = input.make ?? current?.make;
  const modelName = input.model ?? current?.model;

  let brandId: string | null | undefined;
  if (input.makeId !== undefined) {
    if (input.makeId !== null && !(await brandExists(ctx, input.makeId))) throw invalidField('makeId', `no brand with id ${input.makeId} in the catalog`);
    brandId = out.makeId = input.makeId;
  }

  let model: { id: string; brandId: string; bodyTypeId: string | null } | undefined;
  const findModel = async (...where: SQL[]) =>
    (
      await ctx.db
        .select({ id: catalogModels.id, brandId: catalogModels.brandId, bodyTypeId: catalogModels.bodyTypeId })
        .from(catalogModels)
        .where(globalOrOwn(ctx, catalogModels, ...where))
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
      ? await ctx.db
          .select({ id: catalogBrands.id })
          .from(catalogBrands)
          .where(globalOrOwn(ctx, catalogBrands, eq(catalogBrands.slug, catalogSlug(make))))
          .orderBy(asc(catalogBrands.id))
          .limit(1)
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
      const [t] = await ctx.db
        .select({ id: catalogTrims.id, modelId: catalogTrims.modelId })
        .from(catalogTrims)
        .where(globalOrOwn(ctx, catalogTrims, eq(catalogTrims.id, input.trimId)))
        .limit(1);
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
        .where(globalOrOwn(ctx, catalogTrims, eq(catalogTrims.modelId, modelId), eq(catalogTrims.slug, catalogSlug(trimName))))
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
