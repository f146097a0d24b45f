import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { tenants } from '../storage/schema/index.ts';
import { invalidField, notFound, type FieldError } from './errors.ts';
import { isTimeZone } from './today.ts';

// The dealership's public profile: what marketplaces show beside each vehicle (name, address,
// phone), the store code Google matches offers by, and where each vehicle's page lives on the
// dealer's website. Tenant-wide (the same showroom in test and live), kept in
// tenants.settings.dealership beside settings.currency and settings.country.

export type DealershipAddress = { street: string; city: string; region: string | null; postalCode: string; country: string };

export type DealershipInput = {
  name?: string | null;
  storeCode?: string | null;
  address?: DealershipAddress | null;
  phone?: string | null;
  vehicleUrlTemplate?: string | null;
  /** Printed on invoices and quotes (VAT number, EIN, ABN …). */
  taxId?: string | null;
  /** Printed on invoices, e.g. "Due within 30 days by bank transfer to …". */
  paymentTerms?: string | null;
  /** The dealership's IANA time zone (e.g. America/Chicago): which calendar day "Today" is. Kept in settings.timeZone. */
  timeZone?: string | null;
};

type Stored = DealershipInput & { updatedAt?: string };

export type DealershipView = {
  /** The stored name, else the tenant's name. */
  name: string;
  /** The stored store code, else one derived from the tenant id (stable, unique per tenant). */
  storeCode: string;
  address: DealershipAddress | null;
  phone: string | null;
  vehicleUrlTemplate: string | null;
  taxId: string | null;
  paymentTerms: string | null;
  /** The IANA time zone "Today" counts days in; null means UTC. */
  timeZone: string | null;
  /** When the profile was last saved; null while it holds only defaults. */
  updatedAt: string | null;
  /** What the feeds still need from the profile: each missing field leaves every vehicle out. */
  problems: FieldError[];
};

// Google's limit for a store code is 64 characters; letters, digits, - and _ travel through every
// feed format and spreadsheet unquoted.
const STORE_CODE = /^[A-Za-z0-9_-]{1,64}$/;
const URL_PLACEHOLDERS = ['{slug}', '{id}', '{vin}', '{stockNumber}'] as const;

const defaultStoreCode = (tenantId: string) => `MOTORS-${tenantId.replace(/-/g, '').slice(-10).toUpperCase()}`;

function clean(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

function checkTemplate(template: string): void {
  let url: URL;
  try {
    url = new URL(template.replaceAll(/\{(slug|id|vin|stockNumber)\}/g, 'x'));
  } catch {
    throw invalidField('vehicleUrlTemplate', 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('vehicleUrlTemplate', 'must be an absolute http:// or https:// URL');
  if (!URL_PLACEHOLDERS.some((p) => template.includes(p))) {
    throw invalidField('vehicleUrlTemplate', `must contain one of ${URL_PLACEHOLDERS.join(', ')} so each vehicle gets its own page`);
  }
}

/** The checks a profile must pass to be saved; returns it trimmed. */
function normaliseDealership(input: DealershipInput): DealershipInput {
  const out: DealershipInput = {};
  if (input.name !== undefined) out.name = clean(input.name);
  if (input.storeCode !== undefined) {
    out.storeCode = clean(input.storeCode);
    if (out.storeCode && !STORE_CODE.test(out.storeCode)) throw invalidField('storeCode', 'must be 1–64 letters, digits, - or _');
  }
  if (input.address !== undefined) {
    if (input.address === null) out.address = null;
    else {
      const a = input.address;
      const address = { street: clean(a.street), city: clean(a.city), region: clean(a.region), postalCode: clean(a.postalCode), country: clean(a.country)?.toUpperCase() ?? null };
      for (const field of ['street', 'city', 'postalCode', 'country'] as const) if (!address[field]) throw invalidField(`address.${field}`, 'must not be empty');
      if (!/^[A-Z]{2}$/.test(address.country!)) throw invalidField('address.country', 'must be an ISO 3166-1 alpha-2 code such as US');
      out.address = address as DealershipAddress;
    }
  }
  if (input.phone !== undefined) out.phone = clean(input.phone);
  if (input.taxId !== undefined) out.taxId = clean(input.taxId);
  if (input.paymentTerms !== undefined) out.paymentTerms = clean(input.paymentTerms);
  if (input.timeZone !== undefined) {
    out.timeZone = clean(input.timeZone);
    if (out.timeZone && !isTimeZone(out.timeZone)) throw invalidField('timeZone', 'must be an IANA time zone name such as America/Chicago or Europe/London');
  }
  if (input.vehicleUrlTemplate !== undefined) {
    out.vehicleUrlTemplate = clean(input.vehicleUrlTemplate);
    if (out.vehicleUrlTemplate) checkTemplate(out.vehicleUrlTemplate);
  }
  return out;
}

function view(tenant: { id: string; name: string; settings: Record<string, unknown> }): DealershipView {
  const stored = (tenant.settings.dealership ?? {}) as Stored;
  const problems: FieldError[] = [];
  if (!stored.address) problems.push({ field: 'address', message: 'the dealership address is required by both feeds' });
  if (!stored.vehicleUrlTemplate) problems.push({ field: 'vehicleUrlTemplate', message: "each vehicle's page on your website is required by both feeds" });
  return {
    name: clean(stored.name) ?? tenant.name,
    storeCode: clean(stored.storeCode) ?? defaultStoreCode(tenant.id),
    address: stored.address ?? null,
    phone: clean(stored.phone),
    vehicleUrlTemplate: clean(stored.vehicleUrlTemplate),
    taxId: clean(stored.taxId),
    paymentTerms: clean(stored.paymentTerms),
    timeZone: typeof tenant.settings.timeZone === 'string' && isTimeZone(tenant.settings.timeZone) ? tenant.settings.timeZone : null,
    updatedAt: stored.updatedAt ?? null,
    problems,
  };
}

export async function getDealership(db: Queryable, tenantId: string): Promise<DealershipView> {
  const [row] = await db.select({ id: tenants.id, name: tenants.name, settings: tenants.settings }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  if (!row) throw notFound('Tenant', tenantId);
  return view(row);
}

/** Saves the given fields (null clears one back to its default); omitted fields keep their values. */
export async function updateDealership(db: Queryable, tenantId: string, input: DealershipInput): Promise<DealershipView> {
  const { timeZone, ...profile } = normaliseDealership(input);
  const patch = { ...profile, updatedAt: new Date().toISOString() };
  // The time zone lives at settings.timeZone, where "Today" (core/today.ts) reads it.
  const settings = sql`jsonb_set(${tenants.settings}, '{dealership}', coalesce(${tenants.settings} -> 'dealership', '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb)`;
  const withTimeZone = timeZone === undefined ? settings : timeZone === null ? sql`(${settings}) - 'timeZone'` : sql`jsonb_set(${settings}, '{timeZone}', to_jsonb(${timeZone}::text))`;
  // One statement merging into the stored JSON, so a concurrent write of settings.currency is kept.
  const [row] = await db.update(tenants).set({ settings: withTimeZone }).where(eq(tenants.id, tenantId)).returning({ id: tenants.id, name: tenants.name, settings: tenants.settings });
  if (!row) throw notFound('Tenant', tenantId);
  return view(row);
}

/** Fills in a demo dealership's profile unless one was saved already (the demo data calls it). */
export async function ensureDemoDealership(db: Queryable, tenantId: string): Promise<void> {
  const current = await getDealership(db, tenantId);
  if (current.updatedAt) return;
  await updateDealership(db, tenantId, {
    address: { street: '2200 Auto Mall Dr', city: 'Fremont', region: 'CA', postalCode: '94538', country: 'US' },
    phone: '+1 510 555 0100',
    vehicleUrlTemplate: 'https://demo.motors.local/vehicles/{slug}',
    taxId: 'EIN 94-5550100',
    paymentTerms: 'Due within 30 days. Pay by card at the service desk or by bank transfer quoting the invoice number.',
  });
}
