import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { AppError, type FieldError } from './errors.ts';
import { writeEvents, type PendingEvent } from './events.ts';
import { customerCollection } from './customers.ts';
import { motorCollection } from './motors.ts';
import { inventoryItemCollection } from './inventory-items.ts';
import { normaliseVin } from './vin.ts';
import { fieldLabel } from './field-label.ts';
import { customers, inventoryItems, motors } from '../storage/schema/index.ts';

// CSV import of customers, motors and inventory items (the dashboard's Import page and
// `motors import`). Every row is validated first — the collection's input schema, then its own
// prepare, against the record its natural key finds — and only then are the valid rows written,
// in batches, each one transaction through the collection's write path (collection.ts
// writeBatch): events as for any write, tenant and environment from ctx, the found records locked.

/** Rows per transaction: one multi-row insert, one outbox statement, the updates one statement each. */
const BATCH = 500;

export const importCollections = ['customers', 'motors', 'inventoryItems'] as const;
export type ImportCollection = (typeof importCollections)[number];

/** How a cell becomes a field's value: text, a number, yes/no, a `;`-separated list, or JSON. */
export type ImportFieldKind = 'string' | 'number' | 'boolean' | 'list' | 'json';
/** A field a column can be mapped to: `email`, or one level into an object (`address.city`). */
export type ImportField = { name: string; label: string; kind: ImportFieldKind };

/**
 * The collection's input schema (the Records API create's, from the surface): its fields, and
 * the parsed input or the fields it refuses. The import has no rules of its own.
 */
export type InputSchema = {
  fields: ImportField[];
  parse: (input: Record<string, unknown>) => { ok: true; input: Record<string, unknown> } | { ok: false; errors: FieldError[] };
};

type NaturalKey = { field: string; column: PgColumn; normalise: (value: string) => string; lock: string };

// The key an import upserts on, within the tenant and environment. Each takes an advisory lock per
// key for the batch's transaction, so two imports (or an import and an API create of an SKU, whose
// prepare takes the same lock) never both create one key; VINs and SKUs also have unique indexes.
const targets: Record<ImportCollection, { collection: typeof customerCollection | typeof motorCollection | typeof inventoryItemCollection; key: NaturalKey }> = {
  customers: { collection: customerCollection, key: { field: 'email', column: customers.email, normalise: (v) => v.trim().toLowerCase(), lock: 'customer-email' } },
  motors: { collection: motorCollection, key: { field: 'vin', column: motors.vin, normalise: normaliseVin, lock: 'vin' } },
  inventoryItems: { collection: inventoryItemCollection, key: { field: 'sku', column: inventoryItems.sku, normalise: (v) => v.trim(), lock: 'sku' } },
};

/** The natural key of each importable collection, for messages and docs. */
export const naturalKeyField = (collection: ImportCollection): string => targets[collection].key.field;

// Header words that name a field by another name. Compared after normalising (lower case,
// letters and digits only), as the field names and their labels are.
const aliases: Record<string, string[]> = {
  email: ['mail', 'emailaddress'],
  firstName: ['first', 'forename', 'givenname'],
  lastName: ['last', 'surname', 'familyname'],
  companyName: ['company', 'business', 'organisation', 'organization'],
  phone: ['telephone', 'tel', 'phonenumber', 'landline'],
  mobile: ['cell', 'cellphone', 'mobilephone', 'mobilenumber'],
  stockNumber: ['stock', 'stockno'],
  exteriorColor: ['colour', 'color', 'exteriorcolour'],
  interiorColor: ['interiorcolour'],
  mileage: ['odometer', 'miles', 'km'],
  plate: ['registration', 'reg', 'licenseplate', 'licenceplate'],
  sku: ['partnumber', 'partno', 'itemcode', 'code'],
  unitAmount: ['price', 'unitprice'],
  costAmount: ['cost', 'unitcost'],
  stockOnHand: ['quantity', 'qty', 'onhand', 'instock'],
  'address.postalCode': ['postcode', 'zip', 'zipcode'],
  'address.city': ['city', 'town'],
};
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A mapping suggested from the header names: each field at most once, unknown columns ignored (null). */
export function suggestMapping(headers: string[], fields: ImportField[]): Record<string, string | null> {
  const byWord = new Map<string, string>();
  const add = (word: string, field: string) => byWord.has(squash(word)) || byWord.set(squash(word), field);
  for (const f of fields) for (const word of [f.name, f.label, ...(aliases[f.name] ?? [])]) add(word, f.name);
  // A nested field's own name last, so `description` is the record's, not the engine's.
  for (const f of fields) add(f.name.split('.').at(-1)!, f.name);
  const taken = new Set<string>();
  return Object.fromEntries(
    headers.map((h) => {
      const field = byWord.get(squash(h));
      if (!field || taken.has(field)) return [h, null];
      taken.add(field);
      return [h, field];
    }),
  );
}

function checkMapping(headers: string[], mapping: Record<string, string | null>, fields: ImportField[]) {
  const known = new Set(fields.map((f) => f.name));
  const used = new Map<string, string>();
  for (const [header, field] of Object.entries(mapping)) {
    if (!headers.includes(header)) throw mappingError(`"${header}" is not a column of the file`);
    if (!field) continue;
    if (!known.has(field)) throw mappingError(`"${field}" (for column "${header}") is not a field that can be imported`);
    if (used.has(field)) throw mappingError(`"${field}" is mapped from two columns, "${used.get(field)}" and "${header}"`);
    used.set(field, header);
  }
}
const mappingError = (message: string) => new AppError('validation_failed', `mapping: ${message}`, { fields: [{ field: 'mapping', message }] });

const NUMBER = /^[-+]?\d+(\.\d+)?$/;
const YES = new Set(['true', 'yes', 'y', '1']);
const NO = new Set(['false', 'no', 'n', '0']);

// A cell as its field's value; one that does not convert is passed on as text, so the schema's
// own message names what is wrong with it.
function cellValue(kind: ImportFieldKind, cell: string): unknown {
  const text = cell.trim();
  if (kind === 'number') return NUMBER.test(text) ? Number(text) : text;
  if (kind === 'boolean') return YES.has(text.toLowerCase()) ? true : NO.has(text.toLowerCase()) ? false : text;
  if (kind === 'list')
    return text
      .split(/[;|]/)
      .map((s) => s.trim())
      .filter(Boolean);
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return cell;
}

type Columns = { header: string; index: number; field: ImportField }[];

/** A row's mapped cells as an input: empty cells are left out (on an update they keep the stored value). */
/**
 * A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection"):
 * every CSV we write (the list export, the rejected rows' report) puts `'` before such a text cell,
 * and an import takes that `'` off again, so an exported file re-imports as it was.
 */
const formulaStart = /^[=+\-@\t\r]/;
export const spreadsheetSafe = (text: string): string => (formulaStart.test(text) ? `'${text}` : text);
const fromSpreadsheet = (cell: string): string => (cell.startsWith("'") && formulaStart.test(cell.slice(1)) ? cell.slice(1) : cell);

function rowInput(cells: string[], columns: Columns): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const { index, field } of columns) {
    const cell = fromSpreadsheet(cells[index] ?? '');
    if (cell.trim() === '') continue;
    const [head, sub] = field.name.split('.');
    const value = cellValue(field.kind, cell);
    if (sub === undefined) input[head] = value;
    else input[head] = { ...(input[head] as Record<string, unknown> | undefined), [sub]: value };
  }
  return input;
}

export type RejectedRow = {
  /** The row's number in the file, the header being row 1 (as a spreadsheet shows it). */
  row: number;
  cells: string[];
  errors: { field: string; label: string; message: string }[];
};

export type ImportResult = {
  headers: string[];
  mapping: Record<string, string | null>;
  fields: ImportField[];
  /** The first rows, as mapped: field → cell. */
  sample: { row: number; values: Record<string, string> }[];
  total: number;
  valid: number;
  rejected: RejectedRow[];
  /** What was written (all 0 without commit). */
  created: number;
  updated: number;
  unchanged: number;
  committed: boolean;
};

export type ImportProgress = { phase: 'validating' | 'writing'; done: number; total?: number };

export type ImportOptions = {
  /** The CSV, read once to validate and once more to write: text, or a function opening the file. */
  source: string | (() => Readable);
  /** Column header → field (null: ignored); suggested from the headers when omitted. */
  mapping?: Record<string, string | null>;
  /** Write the valid rows; without it the file is only validated. */
  commit: boolean;
  onProgress?: (progress: ImportProgress) => void;
  sampleSize?: number;
};

/** The file's records in batches, the header first on its own, parsed as a stream. */
async function* batches(source: ImportOptions['source']): AsyncGenerator<string[][]> {
  const input = typeof source === 'string' ? Readable.from([source]) : source();
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true }));
  input.on('error', (err) => parser.destroy(err));
  let batch: string[][] = [];
  let header = true;
  try {
    for await (const record of parser) {
      if (header) {
        yield [record as string[]];
        header = false;
        continue;
      }
      batch.push(record as string[]);
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof CsvError) throw new AppError('validation_failed', `csv: ${err.message}`, { fields: [{ field: 'csv', message: err.message }] });
    throw err;
  } finally {
    input.destroy();
  }
  if (batch.length) yield batch;
}

/** The file's header row, trimmed (its first record). */
export async function csvHeaders(source: ImportOptions['source']): Promise<string[]> {
  for await (const [header] of batches(source)) return header.map((h) => h.trim());
  return [];
}

const lockKey = (ctx: Ctx, key: NaturalKey, value: string) => `${key.lock}:${ctx.tenantId}:${ctx.environment}:${value}`;

/**
 * Validates every row of the CSV, then (with `commit`) writes the valid ones: an existing record
 * with the row's natural key is updated, otherwise one is created. A row without the key is
 * always created; a key repeated further down the file is refused there. Rejected rows carry the
 * fields in words and the collection's messages.
 */
export async function importCsv(ctx: Ctx, collection: ImportCollection, schema: InputSchema, opts: ImportOptions): Promise<ImportResult> {
  const { collection: records, key } = targets[collection];
  const fieldsByName = new Map(schema.fields.map((f) => [f.name, f]));
  const rejected = new Map<number, RejectedRow>();
  const reject = (row: number, cells: string[], errors: FieldError[]) =>
    rejected.set(row, { row, cells, errors: errors.map((e) => ({ field: e.field, label: fieldLabel(e.field), message: e.message })) });
  let headers: string[] = [];
  let mapping: Record<string, string | null> = {};
  let columns: Columns = [];
  const sample: ImportResult['sample'] = [];
  const keyRows = new Map<string, number>();
  let total = 0;

  // Each batch of rows: mapped and parsed, the inputs the schema accepts with their keys.
  type Parsed = { row: number; cells: string[]; input: Record<string, unknown>; key: string | null };
  const parseBatch = (records_: string[][], firstRow: number): Parsed[] =>
    records_.flatMap((cells, i) => {
      const row = firstRow + i;
      const parsed = schema.parse(rowInput(cells, columns));
      if (!parsed.ok) {
        reject(row, cells, parsed.errors);
        return [];
      }
      const value = parsed.input[key.field];
      return [{ row, cells, input: parsed.input, key: typeof value === 'string' && value.trim() ? key.normalise(value) : null }];
    });

  let row = 2;
  for await (const batch of batches(opts.source)) {
    if (!headers.length) {
      headers = batch[0].map((h) => h.trim());
      if (!headers.some(Boolean)) throw new AppError('validation_failed', 'csv: the first row must name the columns', { fields: [{ field: 'csv', message: 'the first row must name the columns' }] });
      const twice = headers.find((h, i) => h && headers.indexOf(h) !== i);
      if (twice) throw new AppError('validation_failed', `csv: the column "${twice}" appears twice in the header row`, { fields: [{ field: 'csv', message: `the column "${twice}" appears twice` }] });
      mapping = opts.mapping ?? suggestMapping(headers, schema.fields);
      checkMapping(headers, mapping, schema.fields);
      columns = Object.entries(mapping).flatMap(([header, field]) => (field ? [{ header, index: headers.indexOf(header), field: fieldsByName.get(field)! }] : []));
      continue;
    }
    const parsed = parseBatch(batch, row);
    for (const [i, cells] of batch.entries()) {
      if (sample.length < (opts.sampleSize ?? 10)) sample.push({ row: row + i, values: Object.fromEntries(columns.map((c) => [c.field.name, cells[c.index] ?? ''])) });
    }
    row += batch.length;
    total += batch.length;
    const unique = parsed.filter((p) => {
      if (p.key === null) return true;
      const first = keyRows.get(p.key);
      if (first === undefined) {
        keyRows.set(p.key, p.row);
        return true;
      }
      reject(p.row, p.cells, [{ field: key.field, message: `${p.key} is also on row ${first} of this file` }]);
      return false;
    });
    const existing = await records.rowsByKey(
      ctx,
      key.column,
      unique.flatMap((p) => (p.key ? [p.key] : [])),
    );
    for (const p of unique) {
      try {
        await records.check(ctx, p.input as never, p.key ? (existing.get(p.key)?.row as never) : undefined);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        reject(p.row, p.cells, err.fields ?? [{ field: key.field, message: err.message }]);
      }
    }
    opts.onProgress?.({ phase: 'validating', done: total });
  }
  if (!headers.length) throw new AppError('validation_failed', 'csv: the file is empty (it needs a header row naming the columns)', { fields: [{ field: 'csv', message: 'empty' }] });

  const result: ImportResult = { headers, mapping, fields: schema.fields, sample, total, valid: total - rejected.size, rejected: [], created: 0, updated: 0, unchanged: 0, committed: opts.commit };
  if (opts.commit) {
    const valid = result.valid;
    let done = 0;
    row = 2;
    let first = true;
    let analyzeAt = FIRST_ANALYZE;
    for await (const batch of batches(opts.source)) {
      if (first) {
        first = false;
        continue;
      }
      const entries = parseBatch(batch, row).filter((p) => !rejected.has(p.row));
      row += batch.length;
      if (!entries.length) continue;
      const outcomes = await writeWithRetry(ctx, collection, entries);
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.outcome === 'rejected') reject(entries[i].row, entries[i].cells, outcome.error.fields ?? [{ field: key.field, message: outcome.error.message }]);
        else result[outcome.outcome]++;
      }
      done += entries.length;
      if (done >= analyzeAt) {
        await ctx.db.execute(sql`analyze ${records.table}`);
        analyzeAt *= 4;
      }
      opts.onProgress?.({ phase: 'writing', done, total: valid });
    }
    result.valid = total - rejected.size;
  }
  result.rejected = [...rejected.values()].sort((a, b) => a.row - b.row);
  return result;
}

// The planner's statistics do not know the rows an import is adding to the tenant: on a table
// (or tenant) it believes empty, the next batch's look-up by natural key became a nested loop
// over the whole tenant (measured: 14 s per batch of 500 at 100,000 customers, where the index
// on the key answers in milliseconds). So the import refreshes them after 2,000 rows written and
// whenever the rows written grew four-fold since (a sample of 30,000 rows: ~0.1 s each time).
const FIRST_ANALYZE = 2000;

// A batch runs again once when a unique index refused it (a record with one of its keys created
// meanwhile by a write that does not take the import's lock): the second run finds and updates it.
async function writeWithRetry(ctx: Ctx, collection: ImportCollection, entries: { input: Record<string, unknown>; key: string | null }[]) {
  try {
    return await writeBatch(ctx, collection, entries);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return writeBatch(ctx, collection, entries);
  }
}

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** One batch in one transaction: the keys locked, their records locked, then the collection's writeBatch. */
async function writeBatch(ctx: Ctx, collection: ImportCollection, entries: { input: Record<string, unknown>; key: string | null }[]) {
  const { collection: records, key } = targets[collection];
  const keys = [...new Set(entries.flatMap((e) => (e.key ? [e.key] : [])))];
  return ctx.db.transaction(async (tx) => {
    const pendingEvents: PendingEvent[] = [];
    const inTx: Ctx = { ...ctx, db: tx, pendingEvents, deferWrite: undefined };
    if (keys.length) {
      // In one order, so two imports sharing keys wait for each other instead of deadlocking.
      const locks = JSON.stringify(keys.map((k) => lockKey(ctx, key, k)).sort());
      await tx.execute(sql`select count(pg_advisory_xact_lock(hashtext(k))) from (select jsonb_array_elements_text(${locks}::jsonb) as k order by 1) keys`);
    }
    const existing = await records.rowsByKey(inTx, key.column, keys, { lock: true });
    const outcomes = await records.writeBatch(
      inTx,
      entries.map((e) => ({ input: e.input as never, existing: (e.key ? existing.get(e.key) : undefined) as never })),
    );
    await writeEvents(tx, pendingEvents);
    return outcomes;
  });
}

/** The rejected rows as CSV: the file's own columns, then `error` (row, field in words, message). */
export function rejectedReport(headers: string[], rejected: RejectedRow[]): string {
  const lines = rejected.map((r) => [...headers.map((_, i) => r.cells[i] ?? ''), `Row ${r.row}: ${r.errors.map((e) => `${e.label}: ${e.message}`).join('; ')}`]);
  return stringify([[...headers, 'error'], ...lines].map((line) => line.map(spreadsheetSafe)));
}
