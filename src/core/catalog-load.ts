import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, isNull, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../storage/db.ts';
import { catalogBodyTypes, catalogBrands, catalogEngines, catalogGenerations, catalogModels, catalogTrims, settings } from '../storage/schema/index.ts';
import { now } from './ids.ts';
import type { CatalogData } from '../catalog-data/catalog-types.ts';
import { linkUnlinkedMotors } from './catalog-link.ts';

// The global vehicle catalog (brands, models, body types, generations, trims, engines from NHTSA
// vPIC) loaded from src/catalog-data/catalog.json into the tables with no tenant.

export const catalogFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../catalog-data/catalog.json');
const VERSION_KEY = 'catalog_version';
// Any number, as long as it stays the same: serialises loaders of several processes starting at once.
const LOAD_LOCK = 727275;

/**
 * The catalog file's version without parsing the file: scripts/import-catalog.ts writes it on the
 * second line. A server's restart only compares it with the loaded one (catalogIsLoaded), and the
 * whole file parsed would be 700 KB of text and ~2 MB of objects left in the heap until V8's next
 * full collection.
 */
export function catalogFileVersion(): string | undefined {
  const fd = fs.openSync(catalogFile, 'r');
  try {
    const head = Buffer.alloc(200);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    return /^\{\s*"version":\s*"([^"\\]+)"/.exec(head.toString('utf8', 0, read))?.[1];
  } finally {
    fs.closeSync(fd);
  }
}

/** True when the global tables hold this catalog version (the version row and some rows). */
export async function catalogIsLoaded(db: Queryable, version: string): Promise<boolean> {
  const [current] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, VERSION_KEY));
  if (current?.value !== version) return false;
  const [anyRow] = await db.select({ id: catalogBodyTypes.id }).from(catalogBodyTypes).limit(1);
  return anyRow !== undefined;
}

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
    if (await catalogIsLoaded(tx, data.version)) return false;
    const at = now().toISOString();
    await tx.delete(catalogBodyTypes);
    await tx.delete(catalogEngines);
    await tx.delete(catalogGenerations);
    await tx.delete(catalogBrands).where(isNull(catalogBrands.tenantId));
    await tx.delete(catalogModels).where(isNull(catalogModels.tenantId));
    await tx.delete(catalogTrims).where(isNull(catalogTrims.tenantId));
    // One statement per table with the rows as one JSON parameter: a few thousand rows load in
    // milliseconds on PGlite, where per-row parameters would cost a round of parsing each.
    const put = (table: PgTable, rows: Record<string, unknown>[]) => tx.execute(sql`insert into ${table} select * from json_populate_recordset(null::${table}, ${JSON.stringify(rows)}::json)`);
    await put(
      catalogBodyTypes,
      data.bodyTypes.map((b) => ({ id: b.id, code: b.code, name: b.name, description: b.description, icon_url: null })),
    );
    await put(
      catalogBrands,
      data.brands.map((b) => ({
        id: b.id,
        name: b.name,
        slug: b.slug,
        country_of_origin: b.countryOfOrigin,
        logo_url: b.logoUrl,
        source: b.source,
        vpic_id: b.vpicId,
        created_at: at,
        updated_at: at,
      })),
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
      data.engines.map((e) => ({
        id: e.id,
        code: e.code,
        name: e.name,
        type: e.type,
        displacement: e.displacement,
        cylinders: e.cylinders,
        horsepower: e.horsepower,
        torque_nm: e.torqueNm,
        transmission: e.transmission,
        source: e.source,
      })),
    );
    await put(
      catalogGenerations,
      data.generations.map((g) => ({ id: g.id, model_id: g.modelId, name: g.name, slug: g.slug, start_year: g.startYear, end_year: g.endYear, source: g.source })),
    );
    await put(
      catalogTrims,
      data.trims.map((t) => ({
        id: t.id,
        model_id: t.modelId,
        generation_id: t.generationId,
        name: t.name,
        slug: t.slug,
        engine_ids: t.engineIds,
        drivetrains: t.drivetrains,
        source: t.source,
        created_at: at,
        updated_at: at,
      })),
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
