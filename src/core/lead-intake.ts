import crypto from 'node:crypto';
import { eq, or, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import type { Ctx } from './context.ts';
import { customers, leads, motors, tenants } from '../storage/schema/index.ts';
import { scoped, scopedLive } from '../storage/tenant-scope.ts';
import { decodeDocument, parseAdf, type AdfContact, type AdfProspect } from './adf.ts';
import { customerCollection } from './customers.ts';

// libphonenumber-js and its metadata (≈ 2 MB) are loaded at the first lead with a contact.
let phoneNumbers: Promise<typeof import('libphonenumber-js')> | undefined;
const loadPhoneNumbers = () => (phoneNumbers ??= import('libphonenumber-js'));
import { leadCollection, leadView, type LeadInput, type LeadView } from './leads.ts';

// ADF/XML in: every document sent becomes at least one lead (one per <prospect>), matched to a
// customer by email or phone (or a new customer), linked to a motor by VIN or stock number, and
// idempotent on the sender's id@source: a provider's retry finds the lead it made the first time.
// docs/adf-leads.md.

export type IntakeChannel = 'http' | 'email';

export type IntakeInput = {
  /** The document as received: bytes (decoded by its XML declaration) or text already decoded. */
  document: Buffer | string;
  /** The charset the transport declared (Content-Type), used when the XML declaration names none. */
  charset?: string;
  channel: IntakeChannel;
  /** Warnings found before the document (e.g. "the e-mail had no ADF attachment; read the body"). */
  warnings?: string[];
};

export type IntakeResult = { leads: { lead: LeadView; created: boolean }[]; warnings: string[] };

/** A prospect without an id is identified by its content, so an identical re-send is still one lead. */
const FINGERPRINT_SOURCE = 'fingerprint';
const MAX_MESSAGE = 10_000;

export async function importAdf(ctx: Ctx, input: IntakeInput): Promise<IntakeResult> {
  const decoded = typeof input.document === 'string' ? { text: input.document, warnings: [] } : decodeDocument(input.document, input.charset);
  const raw = decoded.text.replace(/\u0000/g, '');
  const parsed = parseAdf(raw);
  const warnings = [...(input.warnings ?? []), ...decoded.warnings, ...parsed.warnings];
  const country = await defaultCountry(ctx);
  const results: IntakeResult['leads'] = [];
  if (!parsed.isAdf) {
    results.push(await importRaw(ctx, raw, warnings, input.channel));
    return { leads: results, warnings };
  }
  const many = parsed.prospects.length > 1;
  for (const [i, prospect] of parsed.prospects.entries()) {
    const mine = many ? warnings.filter((w) => !/^prospect \d+:/.test(w) || w.startsWith(`prospect ${i + 1}:`)) : warnings;
    results.push(await importProspect(ctx, { prospect, raw, warnings: mine, channel: input.channel, country, index: i, count: parsed.prospects.length }));
  }
  return { leads: results, warnings };
}

async function importProspect(
  ctx: Ctx,
  p: { prospect: AdfProspect; raw: string; warnings: string[]; channel: IntakeChannel; country: CountryCode; index: number; count: number },
): Promise<{ lead: LeadView; created: boolean }> {
  const { prospect } = p;
  const externalSource = prospect.id ? prospect.id.source || 'unknown' : FINGERPRINT_SOURCE;
  const externalId = prospect.id ? prospect.id.value : prospect.fingerprint;
  const existing = await claimExternal(ctx, externalSource, externalId);
  if (existing) return { lead: existing, created: false };

  const warnings = [...p.warnings];
  const contact = prospect.contacts.find((c) => c.emails.length || c.phones.length) ?? prospect.contacts[0];
  const email = contact?.emails[0]?.toLowerCase() ?? null;
  const { parsePhoneNumberFromString } = await loadPhoneNumbers();
  const phone = contact ? bestPhone(parsePhoneNumberFromString, contact, p.country, warnings) : null;
  const wanted = prospect.vehicles.find((v) => v.interest !== 'trade-in' && v.interest !== 'sell') ?? prospect.vehicles[0];
  const customerId = email || phone ? await matchOrCreateCustomer(ctx, { contact: contact!, email, phone }) : null;
  const motorId = await findMotor(
    ctx,
    prospect.vehicles.filter((v) => v.interest !== 'trade-in' && v.interest !== 'sell'),
  );
  const message = [
    prospect.customerComments,
    prospect.timeframe ? `Timeframe: ${prospect.timeframe}` : null,
    ...prospect.vehicles.filter((v) => v.comments).map((v) => `${[v.year, v.make, v.model].filter(Boolean).join(' ') || 'Vehicle'}: ${v.comments}`),
  ]
    .filter(Boolean)
    .join('\n');
  const input: LeadInput = {
    source: 'adf',
    status: 'new',
    customerId,
    contactName: contact?.fullName?.slice(0, 200) ?? null,
    contactEmail: email,
    contactPhone: phone,
    interest: wanted?.interest ?? null,
    motorId,
    vehicleOfInterest: wanted ? { year: wanted.year, make: wanted.make, model: wanted.model } : null,
    message: message ? message.slice(0, MAX_MESSAGE) : null,
    channel: p.channel,
    externalId,
    externalSource,
    provider: prospect.provider?.name ?? prospect.id?.source ?? null,
    rawDocument: p.raw,
    parseWarnings: warnings,
    intakeDetails: {
      requestDate: prospect.requestDate,
      vehicles: prospect.vehicles,
      tradeIns: prospect.vehicles.filter((v) => v.interest === 'trade-in' || v.interest === 'sell'),
      contacts: prospect.contacts,
      vendor: prospect.vendor,
      provider: prospect.provider,
      ...(p.count > 1 ? { prospect: p.index + 1, prospects: p.count } : {}),
    },
  };
  return { lead: await leadCollection.create(ctx, input), created: true };
}

/** A message that is not ADF: a lead with its raw text and the warning, never dropped. */
async function importRaw(ctx: Ctx, raw: string, warnings: string[], channel: IntakeChannel): Promise<{ lead: LeadView; created: boolean }> {
  const fingerprint = crypto.createHash('sha256').update(raw.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 32);
  const existing = await claimExternal(ctx, FINGERPRINT_SOURCE, fingerprint);
  if (existing) return { lead: existing, created: false };
  const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.exec(raw)?.[0].toLowerCase() ?? null;
  const input: LeadInput = {
    source: 'adf',
    status: 'new',
    contactEmail: email,
    message: raw.slice(0, MAX_MESSAGE) || null,
    channel,
    externalId: fingerprint,
    externalSource: FINGERPRINT_SOURCE,
    rawDocument: raw,
    parseWarnings: warnings,
  };
  return { lead: await leadCollection.create(ctx, input), created: true };
}

/**
 * Serialises every import of one id@source (a provider retrying while the first attempt still
 * runs) with a transaction-level advisory lock, then looks for the lead. The unique index
 * leads_external_uq stays as the last line of defence.
 */
async function claimExternal(ctx: Ctx, source: string, id: string): Promise<LeadView | undefined> {
  await advisoryLock(ctx, `lead:${ctx.tenantId}:${ctx.environment}:${source}:${id}`);
  // Deleted leads count too: a retry of a lead someone deleted must not bring it back.
  const [row] = await ctx.db
    .select()
    .from(leads)
    .where(scoped(ctx, leads, eq(leads.externalSource, source), eq(leads.externalId, id)))
    .limit(1);
  return row ? leadView(row) : undefined;
}

async function advisoryLock(ctx: Ctx, key: string): Promise<void> {
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

async function matchOrCreateCustomer(ctx: Ctx, c: { contact: AdfContact; email: string | null; phone: string | null }): Promise<string> {
  // Two leads of one new person at once would otherwise both create the customer.
  await advisoryLock(ctx, `customer:${ctx.tenantId}:${ctx.environment}:${c.email ?? c.phone}`);
  const digits = c.phone?.replace(/\D/g, '');
  const national = c.phone ? (await loadPhoneNumbers()).parsePhoneNumberFromString(c.phone)?.nationalNumber : undefined;
  const phoneMatch = (column: typeof customers.phone | typeof customers.mobile) => sql`regexp_replace(coalesce(${column}, ''), '[^0-9]', '', 'g') in (${digits}, ${national ?? digits})`;
  const [found] = await ctx.db
    .select({ id: customers.id, email: customers.email })
    .from(customers)
    .where(scopedLive(ctx, customers, or(c.email ? eq(customers.email, c.email) : undefined, digits ? phoneMatch(customers.phone) : undefined, digits ? phoneMatch(customers.mobile) : undefined)))
    // An email match beats a phone match (a household shares a phone).
    .orderBy(sql`case when ${customers.email} = ${c.email ?? ''} then 0 else 1 end`, customers.createdAt)
    .limit(1);
  if (found) return found.id;
  const created = await customerCollection.create(ctx, {
    type: 'person',
    firstName: c.contact.firstName,
    lastName: c.contact.lastName,
    email: c.email,
    phone: c.phone,
    address: c.contact.address && Object.keys(c.contact.address).length ? { ...c.contact.address, ...(c.contact.address.country?.length === 2 ? {} : { country: undefined }) } : null,
    source: 'adf',
    lifecycleStage: 'LEAD',
  });
  return created.id;
}

async function findMotor(ctx: Ctx, vehicles: AdfProspect['vehicles']): Promise<string | null> {
  for (const v of vehicles) {
    if (!v.vin && !v.stock) continue;
    const [row] = await ctx.db
      .select({ id: motors.id })
      .from(motors)
      .where(scopedLive(ctx, motors, or(v.vin ? eq(motors.vin, v.vin) : undefined, v.stock ? eq(motors.stockNumber, v.stock) : undefined)))
      .orderBy(sql`case when ${motors.vin} = ${v.vin ?? ''} then 0 else 1 end`)
      .limit(1);
    if (row) return row.id;
  }
  return null;
}

/** The phone to call back, in E.164: a voice or cell number first, then any. */
function bestPhone(parse: typeof import('libphonenumber-js')['parsePhoneNumberFromString'], contact: AdfContact, country: CountryCode, warnings: string[]): string | null {
  const ranked = [...contact.phones].sort((a, b) => rank(a.type) - rank(b.type));
  for (const ph of ranked) {
    const parsed = parse(ph.number, country);
    if (parsed?.isPossible()) return parsed.number;
  }
  if (ranked[0]) {
    warnings.push(`phone "${ranked[0].number}" is not a possible number for ${country}; kept as sent`);
    return ranked[0].number.slice(0, 40);
  }
  return null;
}

const rank = (type: string | null) => (type === 'voice' || type === 'cellphone' || type === 'mobile' || type === null ? 0 : type === 'fax' || type === 'pager' ? 2 : 1);

/** The tenant's country (settings.country or settings.defaultCountry, ISO 3166 alpha-2), else US. */
async function defaultCountry(ctx: Ctx): Promise<CountryCode> {
  const [row] = await ctx.db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, ctx.tenantId)).limit(1);
  const given = row?.settings?.country ?? row?.settings?.defaultCountry;
  return typeof given === 'string' && /^[A-Za-z]{2}$/.test(given) ? (given.toUpperCase() as CountryCode) : 'US';
}
