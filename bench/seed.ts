// Bulk seeding straight into the tables (the API would take minutes for 100,000 records), shaped
// as the application writes them: motors linked to the global vehicle catalog as
// src/core/catalog.ts (linkMotorToCatalog) links them, listings priced in listing_price_amount,
// invoices with stored lines, totals and a gap-free number.
//
// Each batch goes to every target database in turn (one JSON parameter per batch, unpacked by
// json_populate_recordset), so a run on PGlite and the floor's PostgreSQL hold the same rows, ids
// and timestamps.
import { uuidv7 } from 'uuidv7';
import { readCatalogFile } from '../src/core/catalog-load.ts';
import { fuelTypes, transmissions } from '../src/storage/schema/motors.ts';
import type { StoredLine } from '../src/storage/schema/document-columns.ts';
import type { Query } from './databases.ts';

export type Owner = { tenantId: string; environment: 'live' | 'test' };
export type Seeded = {
  /** Oldest first. */
  ids: string[];
  /** updated_at of record i (record i is i seconds after the first; the last is about now). */
  updatedAt: (i: number) => Date;
};

const BATCH = 5_000;

/** Inserts `count` rows of `row(i, at)` into `table` of every target; row i is stamped i seconds after the first. */
async function insertRows(targets: Query[], table: string, count: number, row: (i: number, at: string, id: string) => Record<string, unknown>): Promise<Seeded> {
  const start = Date.now() - count * 1000;
  const updatedAt = (i: number) => new Date(start + i * 1000);
  const ids: string[] = [];
  for (let from = 0; from < count; from += BATCH) {
    const rows: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const id = uuidv7();
      ids.push(id);
      rows.push(row(i, updatedAt(i).toISOString(), id));
    }
    const columns = Object.keys(rows[0]).join(', ');
    for (const q of targets) {
      await q(`insert into ${table} (${columns}) select ${columns} from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(rows)]);
    }
  }
  for (const q of targets) await q(`analyze ${table}`);
  return { ids, updatedAt };
}

// A stable pseudo-random number in [0, 1) per (record, purpose), so the data is mixed but reproducible.
function hash01(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}
const pick = <T>(xs: readonly T[], i: number, salt: number) => xs[Math.floor(hash01(i, salt) * xs.length)];

const firstNames = ['Amina', 'Brian', 'Chloe', 'David', 'Esther', 'Farid', 'Grace', 'Hiro', 'Ivan', 'Joy', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya'];
const lastNames = ['Otieno', 'Smith', 'Müller', 'Garcia', 'Kamau', 'Nguyen', 'Rossi', 'Ali', 'Tanaka', 'Okafor', 'Silva', 'Brown'];

/** Customer i of a seed: its name and phone number, as a search for it would type them. */
export const seededCustomer = (i: number) => ({ firstName: pick(firstNames, i, 1), lastName: pick(lastNames, i, 2), phone: `+2547${String(10_000_000 + i).slice(-8)}` });

export function seedCustomers(targets: Query[], owner: Owner, count: number, label = 'c'): Promise<Seeded> {
  return insertRows(targets, 'customers', count, (i, at, id) => ({
    tenant_id: owner.tenantId,
    environment: owner.environment,
    id,
    type: 'person',
    first_name: seededCustomer(i).firstName,
    last_name: seededCustomer(i).lastName,
    email: `${label}${i}@bench.example`,
    phone: seededCustomer(i).phone,
    lifecycle_stage: pick(['PROSPECT', 'LEAD', 'CUSTOMER'], i, 3),
    created_at: at,
    updated_at: at,
  }));
}

// Popular makes and models, resolved to the catalog's ids by slug as linkMotorToCatalog does.
const lineup: [make: string, models: string[]][] = [
  ['toyota', ['camry', 'corolla', 'rav4']],
  ['honda', ['civic', 'accord', 'cr-v']],
  ['ford', ['f-150', 'focus', 'escape']],
  ['bmw', ['x5', '330i', 'x3']],
  ['mercedes-benz', ['c-class', 'e-class']],
  ['volkswagen', ['golf', 'passat', 'tiguan']],
  ['nissan', ['altima', 'rogue', 'leaf']],
  ['hyundai', ['elantra', 'tucson', 'ioniq-5']],
  ['kia', ['sportage', 'sorento', 'ev6']],
  ['audi', ['a4', 'q5', 'e-tron']],
];
const electric = new Set(['leaf', 'ioniq-5', 'ev6', 'e-tron']);

export type CatalogModel = { make: string; model: string; makeId: string; modelId: string; bodyTypeId: string | null; modelSlug: string };

export function catalogLineup(): CatalogModel[] {
  const catalog = readCatalogFile();
  const out: CatalogModel[] = [];
  for (const [brandSlug, modelSlugs] of lineup) {
    const brand = catalog.brands.find((b) => b.slug === brandSlug);
    if (!brand) throw new Error(`bench seed: brand ${brandSlug} is not in the vehicle catalog`);
    for (const slug of modelSlugs) {
      const model = catalog.models.find((m) => m.brandId === brand.id && m.slug === slug);
      if (!model) throw new Error(`bench seed: model ${brandSlug}/${slug} is not in the vehicle catalog`);
      out.push({ make: brand.name, model: model.name, makeId: brand.id, modelId: model.id, bodyTypeId: model.bodyTypeId ?? null, modelSlug: slug });
    }
  }
  return out;
}

const slugPart = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * Motors across the lineup, years 2010–2025, prices 8,000–60,000 USD; every other one an active
 * sale listing (the Storefront's vehicles), the rest drafts in stock.
 */
export function seedMotors(targets: Query[], owner: Owner, count: number): Promise<Seeded> {
  const models = catalogLineup();
  return insertRows(targets, 'motors', count, (i, at, id) => {
    const m = pick(models, i, 10);
    const year = 2010 + Math.floor(hash01(i, 11) * 16);
    const fuel = electric.has(m.modelSlug) ? 'ELECTRIC' : pick(fuelTypes.filter((f) => f !== 'ELECTRIC'), i, 12);
    const priceAmount = (8_000 + Math.floor(hash01(i, 13) * 52_000)) * 100;
    const listed = i % 2 === 0;
    return {
      tenant_id: owner.tenantId,
      environment: owner.environment,
      id,
      stock_number: `STK-${String(i + 1).padStart(6, '0')}`,
      make: m.make,
      model: m.model,
      year,
      fuel_type: fuel,
      transmission: electric.has(m.modelSlug) ? 'AUTOMATIC' : pick(transmissions, i, 14),
      exterior_color: pick(['White', 'Black', 'Silver', 'Blue', 'Red', 'Grey'], i, 15),
      mileage: Math.floor(hash01(i, 16) * 180_000),
      mileage_unit: 'km',
      status: 'in_stock',
      condition: year >= 2025 ? 'new' : 'used',
      make_id: m.makeId,
      model_id: m.modelId,
      body_type_id: m.bodyTypeId,
      listing_type: listed ? 'sale' : null,
      listing_status: listed ? 'active' : 'draft',
      listing_price_amount: listed ? priceAmount : null,
      listing_currency: listed ? 'USD' : null,
      sale_options: listed ? { priceAmount, currency: 'USD', isNegotiable: i % 3 === 0, financingAvailable: i % 4 === 0 } : null,
      slug: `${slugPart(m.make)}-${slugPart(m.model)}-${year}-${id.slice(-6)}`,
      created_at: at,
      updated_at: at,
    };
  });
}

/** Three lines as core's computeLines stores them (integer minor units, tax rounded half up). */
export function invoiceLines(i: number): { lines: StoredLine[]; subtotal: number; tax: number } {
  const specs: [StoredLine['kind'], string, number, number, number][] = [
    ['labour', 'Service labour', 2, 4_500, 16],
    ['part', 'Oil filter', 1, 1_250 + (i % 50) * 10, 16],
    ['fee', 'Disposal fee', 1, 500, 0],
  ];
  let subtotal = 0;
  let tax = 0;
  const lines = specs.map(([kind, description, quantity, unitAmount, taxRate]) => {
    const amount = quantity * unitAmount;
    const taxAmount = Math.round((amount * taxRate) / 100);
    subtotal += amount;
    tax += taxAmount;
    return { id: uuidv7(), kind, description, quantity, unitAmount, taxRate, inventoryItemId: null, subtotalAmount: amount, taxAmount, totalAmount: amount + taxAmount };
  });
  return { lines, subtotal, tax };
}

/** Invoices of the seeded customers, numbered INV-000001… with the counter left at the last one. */
export async function seedInvoices(targets: Query[], owner: Owner, count: number, customerIds: string[]): Promise<Seeded> {
  const seeded = await insertRows(targets, 'invoices', count, (i, at, id) => {
    const { lines, subtotal, tax } = invoiceLines(i);
    const status = pick(['draft', 'sent', 'sent', 'paid'], i, 20);
    const day = at.slice(0, 10);
    return {
      tenant_id: owner.tenantId,
      environment: owner.environment,
      id,
      number: `INV-${String(i + 1).padStart(6, '0')}`,
      status,
      currency: 'USD',
      lines,
      subtotal_amount: subtotal,
      tax_amount: tax,
      total_amount: subtotal + tax,
      issue_date: status === 'draft' ? null : day,
      due_date: day,
      customer_id: customerIds[(i * 7919) % customerIds.length],
      amount_paid: status === 'paid' ? subtotal + tax : 0,
      sent_at: status === 'draft' ? null : at,
      paid_at: status === 'paid' ? at : null,
      created_at: at,
      updated_at: at,
    };
  });
  for (const q of targets) {
    await q(
      `insert into document_counters (tenant_id, environment, type, last_number) values ($1, $2, 'invoice', $3)
       on conflict (tenant_id, environment, type) do update set last_number = excluded.last_number`,
      [owner.tenantId, owner.environment, count],
    );
  }
  return seeded;
}

/**
 * The index the Records API list's keyset query walks (EXPLAIN of the query core's listForSync
 * builds), or a description of the scan when it walks none.
 */
export async function listPlan(q: Query, owner: Owner, updatedAfter: string): Promise<string> {
  const { rows } = await q(
    `explain select * from customers where tenant_id = $1 and environment = $2 and deleted_at is null and updated_at > $3 order by updated_at, id limit 51`,
    [owner.tenantId, owner.environment, updatedAfter],
  );
  const text = rows.map((r) => String(Object.values(r)[0])).join('\n');
  return /Index (?:Only )?Scan (?:Backward )?using (\w+)/.exec(text)?.[1] ?? `none (${/(Seq Scan|Bitmap Heap Scan)/.exec(text)?.[1] ?? 'unknown plan'})`;
}
