import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as catalog from '../../core/catalog.ts';
import { drivetrainTypes, engineTypes, transmissionTypes } from '../../catalog-data/catalog-types.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope, idParams, list, listEnvelope, pageQuery } from './common.ts';

// The document's "Vehicle Metadata" section: global reference data (NHTSA vPIC plus curated
// tables, see scripts/import-catalog.ts) and the calling dealer's own additions.

const ref = z.object({ id: z.string(), name: z.string() });
const ids = {
  toyota: 'cd4eda32-d242-5d95-8b11-c6d74b0c21cf',
  camry: 'de8ba339-5a69-5ce6-b34b-95ff7bd5b921',
  sedan: 'b977f6cb-bc09-58d5-b0da-9220820e0502',
  engine: '9ba40af1-f7cd-53ed-93b8-a1e2d4f9a3f2',
  xv70: 'fbb13b28-0422-5e85-8f3a-43e4090c1aeb',
  xle: '26179e87-7b68-5dc0-8d61-6bde64b4409e',
};

const bodyType = z.object({ id: z.string(), name: z.string(), code: z.string(), description: z.string(), iconUrl: z.string().nullable() }).meta({
  id: 'StorefrontBodyType',
  example: { id: ids.sedan, name: 'Sedan', code: 'SEDAN', description: 'Passenger car with a separate, closed boot (saloon); four doors, three-box shape.', iconUrl: null },
});

const vehicleCounts = z.object({ rental: z.number().int(), sale: z.number().int(), auction: z.number().int(), total: z.number().int() });

const brand = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    logoUrl: z.string().nullable(),
    countryOfOrigin: z.string().nullable(),
    models: z.array(z.object({ id: z.string(), name: z.string(), slug: z.string() })),
    vehicleCounts: vehicleCounts.meta({ description: "The calling dealer's active listings of this brand, by listing type" }),
  })
  .meta({
    id: 'StorefrontBrand',
    example: {
      id: ids.toyota,
      name: 'Toyota',
      slug: 'toyota',
      logoUrl: null,
      countryOfOrigin: 'Japan',
      models: [{ id: ids.camry, name: 'Camry', slug: 'camry' }],
      vehicleCounts: { rental: 0, sale: 0, auction: 0, total: 0 },
    },
  });

const model = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    brand: ref,
    bodyType: z.object({ id: z.string(), name: z.string(), code: z.string() }).nullable(),
    startYear: z.number().int().nullable().meta({ description: 'First model year seen in the source data' }),
    endYear: z.number().int().nullable().meta({ description: 'Last model year, null while still produced' }),
  })
  .meta({
    id: 'StorefrontModel',
    example: { id: ids.camry, name: 'Camry', slug: 'camry', brand: { id: ids.toyota, name: 'Toyota' }, bodyType: { id: ids.sedan, name: 'Sedan', code: 'SEDAN' }, startYear: 1983, endYear: null },
  });

const engine = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string(),
    type: z.string().meta({ description: 'petrol, diesel, electric, hybrid or plugin_hybrid' }),
    displacement: z.string().nullable().meta({ description: 'Litres' }),
    cylinders: z.number().int().nullable(),
    horsepower: z.number().int(),
    torqueNm: z.number().int().nullable(),
    transmission: z.string().meta({ description: 'manual, automatic, cvt, dct or semi_automatic' }),
  })
  .meta({
    id: 'StorefrontEngine',
    example: {
      id: ids.engine,
      name: '2.5L 4-Cylinder Dynamic Force (A25A-FKS)',
      code: 'A25A-FKS',
      type: 'petrol',
      displacement: '2.5',
      cylinders: 4,
      horsepower: 203,
      torqueNm: 249,
      transmission: 'automatic',
    },
  });

const generation = z
  .object({ id: z.string(), name: z.string(), slug: z.string(), model: ref, startYear: z.number().int(), endYear: z.number().int().nullable() })
  .meta({ id: 'StorefrontGeneration', example: { id: ids.xv70, name: 'XV70', slug: 'xv70', model: { id: ids.camry, name: 'Camry' }, startYear: 2018, endYear: 2024 } });

const trim = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    model: ref,
    generation: ref.nullable(),
    engines: z.array(ref),
    drivetrains: z.array(z.string()),
  })
  .meta({
    id: 'StorefrontTrim',
    example: {
      id: ids.xle,
      name: 'XLE',
      slug: 'xle',
      model: { id: ids.camry, name: 'Camry' },
      generation: { id: ids.xv70, name: 'XV70' },
      engines: [{ id: ids.engine, name: '2.5L 4-Cylinder Dynamic Force (A25A-FKS)' }],
      drivetrains: ['FWD', 'AWD'],
    },
  });

const bareList = <T extends z.ZodType>(item: T) => z.object({ statusCode: z.number().int(), message: z.string().optional(), data: z.array(item), total: z.number().int() });

const toBrand = (b: catalog.BrandView): z.output<typeof brand> => ({
  id: b.id,
  name: b.name,
  slug: b.slug,
  logoUrl: b.logoUrl,
  countryOfOrigin: b.countryOfOrigin,
  models: b.models,
  vehicleCounts: b.vehicleCounts,
});
const toModel = (m: catalog.ModelView): z.output<typeof model> => ({ id: m.id, name: m.name, slug: m.slug, brand: m.brand, bodyType: m.bodyType, startYear: m.startYear, endYear: m.endYear });
const toEngine = (e: catalog.EngineView): z.output<typeof engine> => ({
  id: e.id,
  name: e.name,
  code: e.code,
  type: e.type,
  displacement: e.displacement,
  cylinders: e.cylinders,
  horsepower: e.horsepower,
  torqueNm: e.torqueNm,
  transmission: e.transmission,
});
const toGeneration = (g: catalog.GenerationView): z.output<typeof generation> => ({ id: g.id, name: g.name, slug: g.slug, model: g.model, startYear: g.startYear, endYear: g.endYear });
const toTrim = (t: catalog.TrimView): z.output<typeof trim> => ({ id: t.id, name: t.name, slug: t.slug, model: t.model, generation: t.generation, engines: t.engines, drivetrains: t.drivetrains });

const received = 'data has been received';

export function registerCatalog(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API: Vehicle Metadata'];
  const scope = 'catalog:read';

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/brands',
    scope,
    summary: 'Get all vehicle brands',
    description: 'Brands of cars, MPVs and light trucks (NHTSA vPIC plus curated brands it lacks) and your own, ordered by slug, each with its models and your active listings by type.',
    tags,
    querystring: z.strictObject(pageQuery(50, 500)),
    responses: { 200: listEnvelope(brand) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await catalog.listBrands(ctx, query);
      return { body: list(rows.map(toBrand), total, query.page, query.limit) };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/brands/:id',
    scope,
    summary: 'Get a specific brand by ID',
    description: "One brand with its models and your active listings by type; 404 for an id that is not in the catalog or is another dealer's own brand.",
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(brand) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toBrand(await catalog.getBrand(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/brands/:brandId/models',
    scope,
    summary: 'Get all models for a specific brand',
    description: 'Every model of the brand, ordered by slug.',
    tags,
    params: z.object({ brandId: z.string().min(1).max(100) }),
    responses: { 200: bareList(model) },
    handler: async (ctx, { params }) => {
      const rows = await catalog.listBrandModels(ctx, params.brandId);
      return { body: { statusCode: 200, message: received, data: rows.map(toModel), total: rows.length } };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/models',
    scope,
    summary: 'Get all vehicle models',
    description: 'Ordered by brand and model slug, 50 a page unless `limit` says otherwise.',
    tags,
    querystring: z.strictObject({
      ...pageQuery(50, 500),
      brandId: z.string().max(100).optional().meta({ description: 'Filter by brand ID' }),
      bodyTypeId: z.string().max(100).optional().meta({ description: 'Filter by body type ID' }),
    }),
    responses: { 200: listEnvelope(model) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await catalog.listModels(ctx, query);
      return { body: list(rows.map(toModel), total, query.page, query.limit) };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/models/:id',
    scope,
    summary: 'Get a specific vehicle model by ID',
    description: 'One model with its brand and body type.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(model) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toModel(await catalog.getModel(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/body-types',
    scope,
    summary: 'Get all body types (Sedan, SUV, Hatchback, etc.)',
    description: 'The compact body-type set every model is mapped to (from the majority Body Class of its vPIC VIN patterns).',
    tags,
    responses: { 200: bareList(bodyType) },
    handler: async (ctx) => {
      const rows = await catalog.listBodyTypes(ctx);
      return { body: { statusCode: 200, message: received, data: rows, total: rows.length } };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/body-types/:id',
    scope,
    summary: 'Get a specific body type by ID',
    description: 'One body type.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(bodyType) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: await catalog.getBodyType(ctx, params.id) } }),
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/engines',
    scope,
    summary: 'Get all engine configurations',
    description: 'Curated engine configurations of the best-selling models, ordered by engine code.',
    tags,
    querystring: z.strictObject({ type: z.enum(['petrol', 'diesel', 'electric', 'hybrid', 'plugin_hybrid']).optional().meta({ description: 'Filter by engine type' }) }),
    responses: { 200: bareList(engine) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await catalog.listEngines(ctx, { type: query.type });
      return { body: { statusCode: 200, message: received, data: rows.map(toEngine), total } };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/engines/:id',
    scope,
    summary: 'Get a specific engine configuration by ID',
    description: 'One engine configuration with its source.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(engine) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toEngine(await catalog.getEngine(ctx, params.id)) } }),
  });

  const enumRoute = (path: string, summary: string, values: readonly string[]) =>
    defineRoute(app, deps, 'storefront', {
      method: 'GET',
      path,
      scope,
      summary,
      description: 'Exactly the values the document lists, in its order.',
      tags,
      responses: { 200: z.object({ statusCode: z.number().int(), data: z.array(z.string()) }).meta({ example: { statusCode: 200, data: [...values] } }) },
      handler: async () => ({ body: { statusCode: 200, data: [...values] } }),
    });
  enumRoute('/engine-types', 'Get engine type enum values', engineTypes);
  enumRoute('/transmission-types', 'Get transmission type enum values', transmissionTypes);
  enumRoute('/drivetrain-types', 'Get drivetrain type enum values', drivetrainTypes);

  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/generations',
    scope,
    summary: 'Get all vehicle generations',
    description: 'Generations of the best-selling models (curated, source named), ordered by model and start year, 50 a page.',
    tags,
    querystring: z.strictObject({ ...pageQuery(50, 500), modelId: z.string().max(100).optional().meta({ description: 'Filter by model ID' }) }),
    responses: { 200: listEnvelope(generation) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await catalog.listGenerations(ctx, query);
      return { body: list(rows.map(toGeneration), total, query.page, query.limit) };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/generations/:id',
    scope,
    summary: 'Get a specific generation by ID',
    description: 'One generation with its model.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(generation) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toGeneration(await catalog.getGeneration(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/trims',
    scope,
    summary: 'Get all vehicle trims',
    description: 'Trims of the curated generations and your own trims, ordered by model, generation and name, 50 a page.',
    tags,
    querystring: z.strictObject({
      ...pageQuery(50, 500),
      modelId: z.string().max(100).optional().meta({ description: 'Filter by model ID' }),
      generationId: z.string().max(100).optional().meta({ description: 'Filter by generation ID' }),
    }),
    responses: { 200: listEnvelope(trim) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await catalog.listTrims(ctx, query);
      return { body: list(rows.map(toTrim), total, query.page, query.limit) };
    },
  });
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/trims/:id',
    scope,
    summary: 'Get a specific trim by ID',
    description: 'One trim with its model, generation, engines and drivetrains.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(trim) },
    handler: async (ctx, { params }) => ({ body: { statusCode: 200, data: toTrim(await catalog.getTrim(ctx, params.id)) } }),
  });
}
