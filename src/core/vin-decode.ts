import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { DECODED_ELEMENTS, type DecodedElement, type VinData, type VinDataWmi } from '../catalog-data/vin-data-types.ts';
import { checkVin, hasVinShape, isNorthAmericanVin, normaliseVin, vinCheckDigit, vinSecondCycleYear, vinWmi } from './vin.ts';
import { invalidField } from './errors.ts';

// Offline VIN decoding against NHTSA vPIC data shipped with the project
// (src/catalog-data/vin-decode.json.gz, built by scripts/build-vin-data.ts). The steps follow
// vPIC's own stored procedures (spVinDecode, spVinDecode_Core, fVinModelYear2) so a VIN decodes
// as NHTSA decodes it; docs/vin-decoding.md explains each rule and where this differs.
//
// The file is read at the first decode, not at start: the server's idle memory does not pay for
// a feature until someone uses it. Each schema's patterns stay text until a VIN needs them.

const vinDataFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '../catalog-data/vin-decode.json.gz');

type Pattern = { keys: string; match: RegExp; formula: boolean; element: number; value: number; changed: number; specificity: number; plainKeys: string; order: number };

let data: VinData | undefined;
const parsedSchemas = new Map<number, Pattern[]>();
// Enough for every schema of the busiest WMIs (about 300 for 1FT, all years) without holding all
// 24,000 parsed; the oldest parsed schema is dropped first.
const PARSED_SCHEMA_LIMIT = 2000;

function vinData(): VinData {
  data ??= JSON.parse(zlib.gunzipSync(fs.readFileSync(vinDataFile)).toString('utf8')) as VinData;
  return data;
}

// A pattern key covers positions 4–8, then `|`, then 10–17, and matches as a prefix (vPIC compares
// with `LIKE keys || '%'`): `*` and `_` are any one character, `[A-D7]` one of a set. A formula
// key holds `#`s and is compared with the VIN's keys whose digits are all `#` (so any other digit
// in it never matches); its value is the VIN's characters under the `#`s.
function keyPattern(keys: string): RegExp {
  let source = '^';
  for (let i = 0; i < keys.length; i++) {
    const c = keys[i];
    if (c === '*' || c === '_') source += '.';
    else if (c === '[') {
      const end = keys.indexOf(']', i);
      if (end < 0) return /$^/; // a malformed key matches nothing, as in vPIC
      source += `[${keys.slice(i + 1, end).replace(/[\\^\]]/g, '\\$&')}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(source);
}

function schemaPatterns(id: number): Pattern[] {
  const cached = parsedSchemas.get(id);
  if (cached) {
    parsedSchemas.delete(id);
    parsedSchemas.set(id, cached);
    return cached;
  }
  const text = vinData().schemas[id];
  const patterns: Pattern[] = [];
  if (text) {
    for (const [order, line] of text.split('\n').entries()) {
      const [keys, element, value, changed] = line.split('\t');
      const formula = keys.includes('#');
      patterns.push({
        keys,
        match: keyPattern(keys),
        formula,
        element: parseInt(element, 36),
        value: parseInt(value, 36),
        changed: parseInt(changed, 36),
        specificity: keys.replaceAll('*', '').length,
        plainKeys: keys.replace(/[[\]]/g, ''),
        order,
      });
    }
  }
  parsedSchemas.set(id, patterns);
  if (parsedSchemas.size > PARSED_SCHEMA_LIMIT) parsedSchemas.delete(parsedSchemas.keys().next().value!);
  return patterns;
}

type Item = { element: number; value: string; priority: number; changed: number; specificity: number; plainKeys: string; order: number; fromPattern: boolean };

// vPIC keeps, for each element, the first item in this order (spVinDecode_Core's RANK): the
// schema whose year range starts latest, then the most recently changed pattern, then the key with
// the fewest fixed positions, then the key text, then the pattern's place in the data.
const rankOrder = (a: Item, b: Item) =>
  b.priority - a.priority || b.changed - a.changed || a.specificity - b.specificity || (a.plainKeys < b.plainKeys ? -1 : a.plainKeys > b.plainKeys ? 1 : 0) || a.order - b.order;

type Pass = { modelYear: number | null; items: Map<number, Item>; make: string | null; patterns: number; weight: number };

const schemasFor = (wmi: VinDataWmi, year: number | null) => wmi.schemas.filter(([, from, to]) => year === null || (year >= from && year <= (to ?? 2999)));

/** One decoding pass at one model year (null: every schema of the WMI, as vPIC does without a year). */
function decodePass(vin: string, wmi: VinDataWmi, modelYear: number | null): Pass {
  const d = vinData();
  const keys = `${vin.slice(3, 8)}|${vin.slice(9)}`;
  const formulaKeys = keys.replace(/\d/g, '#');
  const candidates: Item[] = [];
  let order = 0;
  for (const [schemaId, yearFrom] of schemasFor(wmi, modelYear)) {
    for (const p of schemaPatterns(schemaId)) {
      order++;
      if (!p.match.test(p.formula ? formulaKeys : keys)) continue;
      const value = p.formula ? keys.slice(p.keys.indexOf('#'), p.keys.lastIndexOf('#') + 1) : p.element === 28 ? String(p.value) : d.values[p.value];
      // A schema's patterns rank by the first year of the schema's range; formula patterns by 100,
      // below every pattern (spVinDecode_Core inserts them with Priority 100).
      candidates.push({ element: p.element, value, priority: p.formula ? 100 : yearFrom, changed: p.changed, specificity: p.specificity, plainKeys: p.plainKeys, order, fromPattern: true });
    }
  }
  const items = new Map<number, Item>();
  for (const item of candidates.sort(rankOrder)) if (!items.has(item.element)) items.set(item.element, item);

  // An engine model brings the attributes vPIC records for it, below anything a pattern said.
  const engineModel = items.get(18);
  for (const [element, value] of engineModel ? (d.engineModels[engineModel.value.trim().toLowerCase()] ?? []) : []) {
    if (!items.has(element)) items.set(element, { element, value: d.values[value], priority: 50, changed: 0, specificity: 0, plainKeys: '', order: 0, fromPattern: true });
  }
  // vPIC's Conversion table: litres from cubic centimetres and back, only where one is missing.
  const cc = items.get(11);
  const litres = items.get(13);
  if (cc && !litres) items.set(13, { ...cc, element: 13, value: String(Number(cc.value) / 1000), fromPattern: false });
  if (litres && !cc) items.set(11, { ...litres, element: 11, value: String(Number(litres.value) * 1000), fromPattern: false });

  const model = items.get(28);
  const make = model ? (d.models[model.value]?.[1] ?? wmi.make) : wmi.make;
  const patterns = [...items.values()].filter((i) => i.fromPattern && i.value !== '' && i.value !== 'Not Applicable').length;
  // spVinDecode scores a pass by the Element.weight of every element it decoded.
  let weight = 0;
  for (const element of items.keys()) weight += d.weights[element] ?? 0;
  for (const [element, present] of [
    [26, make],
    [27, wmi.manufacturer],
    [29, modelYear],
    [39, wmi.vehicleType],
  ] as const)
    if (present !== null) weight += d.weights[element] ?? 0;
  return { modelYear, items, make, patterns, weight };
}

// GVWR classes 1 and 2: 10,000 lb or less, where 49 CFR 565.15 makes position 7 tell the cycle.
const isLightGvwr = (gvwr: string | undefined) => gvwr !== undefined && /^Class [12][A-H]?:/.test(gvwr);

export type ModelYearBasis = 'position-7' | 'position-10' | 'vpic-data' | 'unknown';

export type VinDecoding = {
  vin: string;
  checkDigit: { valid: boolean; expected: string; actual: string; required: boolean };
  wmi: { code: string; manufacturer: string | null; country: string | null; vehicleType: string | null } | null;
  make: string | null;
  model: string | null;
  modelYear: number | null;
  modelYearBasis: ModelYearBasis;
  series: string | null;
  trim: string | null;
  bodyClass: string | null;
  engine: {
    displacementL: number | null;
    displacementCc: number | null;
    cylinders: number | null;
    configuration: string | null;
    fuelType: string | null;
    fuelTypeSecondary: string | null;
    electrification: string | null;
    model: string | null;
  };
  driveType: string | null;
  gvwr: string | null;
  plant: { country: string | null; state: string | null; city: string | null };
  /** True when at least one vPIC pattern matched (vPIC's error 8 when false). */
  matched: boolean;
  warnings: string[];
};

/**
 * Decodes a VIN (normalised and VIN-shaped: 17 characters of 0-9 A-H J-N P R-Z) offline.
 * Unknown parts come back null, never guessed; `warnings` says why.
 */
export function decodeVin(vin: string, today: Date = new Date()): VinDecoding {
  if (!hasVinShape(vin)) throw new Error(`Not a VIN: ${vin}`);
  const d = vinData();
  const warnings: string[] = [];
  const expected = vinCheckDigit(vin);
  const northAmerican = isNorthAmericanVin(vin);
  const checkDigit = { valid: vin[8] === expected, expected, actual: vin[8], required: northAmerican };
  if (!checkDigit.valid) {
    warnings.push(
      northAmerican
        ? `The check digit (position 9) is ${vin[8]} but should be ${expected}: the VIN is probably mistyped.`
        : `The check digit (position 9) is ${vin[8]}, not ${expected}; outside North America it is often not used.`,
    );
  }
  const code = vinWmi(vin);
  const found = d.wmis[code];
  const wmi = found && (!found.publicFrom || found.publicFrom <= today.toISOString().slice(0, 10)) ? found : undefined;

  // fVinModelYear2: position 10 read in the 2010–2039 cycle, then moved to 1980–2009 when position
  // 7 is a digit on a passenger car, MPV or light truck, or when the year would be more than two
  // years ahead. Anything else is inconclusive, and spVinDecode decodes both cycles.
  const limit = today.getUTCFullYear() + 2;
  const late = vinSecondCycleYear(vin);
  const lightByWmi = wmi !== undefined && (wmi.vehicleType === 2 || wmi.vehicleType === 7 || (wmi.vehicleType === 3 && wmi.truckType === 1));
  let years: (number | null)[];
  let basis: ModelYearBasis;
  if (late === null) {
    years = [null];
    basis = 'unknown';
    warnings.push(`Position 10 is "${vin[9]}", which is not a model-year code (common outside North America): the model year is unknown.`);
  } else if (lightByWmi) {
    years = [/\d/.test(vin[6]) ? late - 30 : late];
    basis = 'position-7';
  } else if (late > limit) {
    years = [late - 30];
    basis = 'position-10';
  } else {
    years = [late, late - 30];
    basis = 'vpic-data';
  }
  // spVinDecode: a conclusive year for which the WMI has no schema, while the other cycle has
  // some, is taken to be the other cycle.
  if (wmi && years.length === 1 && years[0] !== null) {
    const other = years[0] >= 2010 ? years[0] - 30 : years[0] + 30;
    if (other <= limit && !schemasFor(wmi, years[0]).length && schemasFor(wmi, other).length) years = [other];
  }

  let best: Pass | undefined;
  if (wmi) {
    let passes = years.map((year) => decodePass(vin, wmi, year));
    if (passes.length > 1) {
      // The federal rule again, where the WMI does not say the truck is light but the decoded GVWR
      // does (the lite data rarely fills TruckType): position 7 then picks the cycle.
      const digit = /\d/.test(vin[6]);
      const fitting = passes.filter((p) => !isLightGvwr(p.items.get(25)?.value) || p.modelYear! < 2010 === digit);
      if (fitting.length && fitting.length < passes.length) {
        passes = fitting;
        if (passes.length === 1) basis = 'position-7';
      }
      // spVinDecode's best pass: one that matched patterns, then the heaviest decoded elements,
      // then the most patterns, then the later year.
      passes.sort((a, b) => Number(b.patterns > 0) - Number(a.patterns > 0) || b.weight - a.weight || b.patterns - a.patterns || (b.modelYear ?? 0) - (a.modelYear ?? 0));
    }
    best = passes[0];
  } else {
    warnings.push(`The manufacturer code (WMI) ${code} is not in NHTSA's data.`);
  }
  const modelYear = best ? best.modelYear : years.length === 1 ? years[0] : null;
  if (!best && years.length > 1) basis = 'unknown';
  if (best && !best.patterns) warnings.push('NHTSA has no detailed data for this VIN: only the manufacturer is known.');
  // The position-7 and position-10 rules are 49 CFR 565's; a VIN from elsewhere that fails the
  // check digit was probably not made to it (European makers often use their own codes there).
  if (modelYear !== null && !northAmerican && !checkDigit.valid)
    warnings.push(`This VIN does not follow the US check digit, so it may not follow the US model-year code either: ${modelYear} is read by the US rule.`);
  if (basis === 'vpic-data' && best?.patterns) warnings.push(`Position 10 can mean ${years.join(' or ')} for this kind of vehicle; ${modelYear} is the year NHTSA's data describes it for.`);

  const text = (name: DecodedElement): string | null => {
    const element = Number(Object.entries(DECODED_ELEMENTS).find(([, n]) => n === name)![0]);
    const value = best?.items.get(element)?.value?.trim();
    return value && value !== 'Not Applicable' ? value : null;
  };
  const num = (name: DecodedElement): number | null => {
    const value = text(name);
    const n = value === null ? NaN : Number(value);
    return Number.isFinite(n) && n > 0 ? n : null;
  };
  const modelItem = best?.items.get(28);
  const vehicleType = wmi?.vehicleType ? (d.vehicleTypes[wmi.vehicleType] ?? null) : null;
  const litres = num('displacementL');
  return {
    vin,
    checkDigit,
    wmi: wmi ? { code, manufacturer: wmi.manufacturer, country: wmi.country, vehicleType } : null,
    make: best?.make ?? null,
    model: modelItem ? (d.models[modelItem.value]?.[0] ?? null) : null,
    modelYear,
    modelYearBasis: modelYear === null ? 'unknown' : basis,
    series: text('series'),
    trim: text('trim'),
    bodyClass: text('bodyClass'),
    engine: {
      displacementL: litres === null ? null : Math.round(litres * 10) / 10,
      displacementCc: num('displacementCc') === null ? null : Math.round(num('displacementCc')!),
      cylinders: num('cylinders'),
      configuration: text('engineConfiguration'),
      fuelType: text('fuelPrimary'),
      fuelTypeSecondary: text('fuelSecondary'),
      electrification: text('electrification'),
      model: text('engineModel'),
    },
    driveType: text('driveType'),
    gvwr: text('gvwr'),
    plant: { country: text('plantCountry'), state: text('plantState'), city: text('plantCity') },
    matched: Boolean(best?.patterns),
    warnings,
  };
}

/** decodeVin of a VIN as typed (normalised first); a malformed one is a 400 naming `vin`. */
export function decodeVinOrRefuse(input: string, field = 'vin'): VinDecoding {
  const vin = normaliseVin(input);
  const check = checkVin(vin);
  if (!check.ok && check.reason === 'shape') throw invalidField(field, check.message);
  return decodeVin(vin);
}
