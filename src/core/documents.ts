import { count, desc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { RecordTable } from './collection.ts';
import type { Ctx } from './context.ts';
import { documentCounters, inventoryItems, marketplaceItems, tenants } from '../storage/schema/index.ts';
import type { StoredLine } from '../storage/schema/document-columns.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { AppError, invalidField } from './errors.ts';
import { newId } from './ids.ts';
import { addCte, NeedsTransaction } from './one-statement.ts';
import { queryRows } from '../storage/db.ts';
import { decimalToMinor, lineAmounts, parseScaled, scaledToNumber, toSafeNumber } from './money.ts';

// What quotes, invoices, purchase orders and marketplace orders share: lines and exact totals,
// gap-free numbers, and status lifecycles.

export type { StoredLine };
export const lineKinds = ['part', 'labour', 'fee', 'discount', 'product', 'service'] as const;
export type LineKind = (typeof lineKinds)[number];

export type DocumentLineInput = {
  kind?: LineKind;
  description?: string;
  /** Decimal, up to 3 places (1.5 hours). */
  quantity: number | string;
  /** Integer minor units; defaults from the inventory or marketplace item. */
  unitAmount?: number;
  /** The unit price as a decimal in the document's currency (19.99), for surfaces that show decimals; unitAmount wins when both are given. */
  unitPrice?: number | string;
  /** Percent, up to 3 places (20, 7.125); defaults from the inventory item, else 0. */
  taxRate?: number | string;
  inventoryItemId?: string | null;
  marketplaceItemId?: string | null;
};

export type DocumentTotals = { lines: StoredLine[]; subtotalAmount: number; taxAmount: number; totalAmount: number };

/** Used when neither the input, the stored document, a referenced item nor the tenant's settings give a currency. */
export const DEFAULT_CURRENCY = 'USD';

// Each tenant's `settings.currency` as this process last read it (absent: not read yet). A
// one-statement create assumes it and its statement checks it (the request runs again in a
// transaction, which reads it anew, when somebody changed it).
const currencySettings = new Map<string, unknown>();

/** The tenant's `settings.currency` when set (ISO 4217), else DEFAULT_CURRENCY. */
export async function tenantCurrency(ctx: Ctx): Promise<string> {
  if (ctx.statement) {
    if (!currencySettings.has(ctx.tenantId)) throw new NeedsTransaction('the tenant currency was not read yet');
    const setting = currencySettings.get(ctx.tenantId);
    const expected = setting === undefined ? sql`null` : sql`${JSON.stringify(setting)}::jsonb`;
    ctx.statement.guards.push(sql`(select ${tenants.settings}->'currency' from ${tenants} where ${tenants.id} = ${ctx.tenantId}) is not distinct from ${expected}`);
    return currencyOf(setting);
  }
  const [tenant] = await ctx.db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, ctx.tenantId)).limit(1);
  const configured = tenant?.settings?.currency;
  if (currencySettings.size >= 10_000) currencySettings.clear();
  currencySettings.set(ctx.tenantId, configured);
  return currencyOf(configured);
}

const currencyOf = (configured: unknown): string => (typeof configured === 'string' && /^[A-Za-z]{3}$/.test(configured) ? configured.toUpperCase() : DEFAULT_CURRENCY);

/**
 * Fills line defaults from referenced items, checks that every reference is the caller's and that
 * every line is in the document's currency, and computes each line's and the document's amounts.
 * Discount lines count negatively (their unitAmount is the positive size of the discount).
 */
export async function computeLines(ctx: Ctx, input: DocumentLineInput[], opts: { currency: string | undefined; allowMarketplaceItems?: boolean }): Promise<DocumentTotals & { currency: string }> {
  const itemIds = [...new Set(input.map((l) => l.inventoryItemId).filter((id): id is string => Boolean(id)))];
  const items = itemIds.length
    ? await ctx.db
        .select()
        .from(inventoryItems)
        .where(scopedLive(ctx, inventoryItems, inArray(inventoryItems.id, itemIds)))
    : [];
  const itemById = new Map(items.map((i) => [i.id, i]));
  const listingIds = [...new Set(input.map((l) => l.marketplaceItemId).filter((id): id is string => Boolean(id)))];
  const listings = listingIds.length
    ? await ctx.db
        .select()
        .from(marketplaceItems)
        .where(scopedLive(ctx, marketplaceItems, inArray(marketplaceItems.id, listingIds)))
    : [];
  const listingById = new Map(listings.map((i) => [i.id, i]));

  const currency = (opts.currency ?? items[0]?.currency ?? listings[0]?.currency ?? (await tenantCurrency(ctx))).toUpperCase();
  let subtotal = 0n;
  let tax = 0n;
  const lines: StoredLine[] = input.map((line, i) => {
    const at = `lines[${i}]`;
    const item = line.inventoryItemId ? itemById.get(line.inventoryItemId) : undefined;
    if (line.inventoryItemId && !item) throw invalidField(`${at}.inventoryItemId`, `no record with id ${line.inventoryItemId}`);
    if (line.marketplaceItemId && !opts.allowMarketplaceItems) throw invalidField(`${at}.marketplaceItemId`, 'only marketplace order lines can reference a marketplace item');
    const listing = line.marketplaceItemId ? listingById.get(line.marketplaceItemId) : undefined;
    if (line.marketplaceItemId && !listing) throw invalidField(`${at}.marketplaceItemId`, `no record with id ${line.marketplaceItemId}`);
    for (const [field, source] of [
      ['inventoryItemId', item],
      ['marketplaceItemId', listing],
    ] as const) {
      if (source && source.currency !== currency) {
        throw invalidField(`${at}.${field}`, `the item is priced in ${source.currency}, the document in ${currency}; all lines share one currency`);
      }
    }
    const description = line.description ?? listing?.title ?? item?.name;
    if (!description) throw invalidField(`${at}.description`, 'required unless the line references an item');
    // A decimal price can only become minor units once the document's currency is known (here).
    const unitAmount = line.unitAmount ?? (line.unitPrice !== undefined ? decimalToMinor(line.unitPrice, currency, `${at}.unitPrice`) : undefined) ?? listing?.priceAmount ?? item?.unitAmount;
    if (unitAmount === undefined) throw invalidField(`${at}.unitAmount`, 'required unless the line references an item');
    if (!Number.isSafeInteger(unitAmount) || unitAmount < 0) throw invalidField(`${at}.unitAmount`, 'must be a non-negative integer amount in minor units');
    const quantity = parseScaled(line.quantity, 3, `${at}.quantity`);
    if (quantity <= 0n) throw invalidField(`${at}.quantity`, 'must be greater than 0');
    const taxRate = parseScaled(line.taxRate ?? item?.taxRate ?? 0, 3, `${at}.taxRate`);
    if (taxRate < 0n || taxRate > 100_000n) throw invalidField(`${at}.taxRate`, 'must be between 0 and 100 (percent)');
    const kind: LineKind = line.kind ?? item?.kind ?? 'product';
    const sign = kind === 'discount' ? -1n : 1n;
    const amounts = lineAmounts(quantity, BigInt(unitAmount), taxRate);
    subtotal += sign * amounts.subtotalAmount;
    tax += sign * amounts.taxAmount;
    return {
      id: newId(),
      kind,
      description,
      quantity: scaledToNumber(quantity, 3),
      unitAmount,
      taxRate: scaledToNumber(taxRate, 3),
      inventoryItemId: line.inventoryItemId ?? null,
      ...(opts.allowMarketplaceItems ? { marketplaceItemId: line.marketplaceItemId ?? null } : {}),
      subtotalAmount: toSafeNumber(sign * amounts.subtotalAmount, `${at}.unitAmount`),
      taxAmount: toSafeNumber(sign * amounts.taxAmount, `${at}.unitAmount`),
      totalAmount: toSafeNumber(sign * amounts.totalAmount, `${at}.unitAmount`),
    };
  });
  if (subtotal + tax < 0n) throw invalidField('lines', 'discounts exceed the rest of the document');
  return {
    currency,
    lines,
    subtotalAmount: toSafeNumber(subtotal, 'lines'),
    taxAmount: toSafeNumber(tax, 'lines'),
    totalAmount: toSafeNumber(subtotal + tax, 'lines'),
  };
}

/** A stored line as input again, so a document can be recomputed (e.g. its currency changed). */
export const lineAsInput = (l: StoredLine): DocumentLineInput => ({
  kind: l.kind,
  description: l.description,
  quantity: l.quantity,
  unitAmount: l.unitAmount,
  taxRate: l.taxRate,
  inventoryItemId: l.inventoryItemId,
  marketplaceItemId: l.marketplaceItemId ?? null,
});

export type DocumentType = 'quote' | 'invoice' | 'purchaseOrder' | 'marketplaceOrder' | 'workOrder';
export const numberPrefixes: Record<DocumentType, string> = { quote: 'QUO', invoice: 'INV', purchaseOrder: 'PO', marketplaceOrder: 'MO', workOrder: 'WO' };

/**
 * The next number of a document type in the caller's tenant and environment, e.g. `INV-000042`.
 * Must run in the creating transaction: the upsert locks the counter row until commit, so
 * concurrent creates queue on it and a rolled-back create releases its number (gap-free). In a
 * one-statement create the statement bumps the counter (and holds its lock until it commits);
 * the number is a stand-in until then.
 */
export async function nextDocumentNumber(ctx: Ctx, type: DocumentType): Promise<string> {
  if (ctx.statement) {
    const numbered = addCte(ctx.statement, 'number', bumpCounter(ctx, type));
    const text = `motors-pending-number-${newId()}`;
    ctx.statement.standIns.push({ text, value: sql`(select number from ${numbered})` });
    return text;
  }
  const [row] = await queryRows<{ number: string }>(ctx.db, bumpCounter(ctx, type));
  return row.number;
}

function bumpCounter(ctx: Ctx, type: DocumentType): SQL {
  const n = sql`${documentCounters.lastNumber}::text`;
  return sql`insert into ${documentCounters} (tenant_id, environment, type, last_number) values (${ctx.tenantId}, ${ctx.environment}, ${type}, 1)
    on conflict (tenant_id, environment, type) do update set last_number = ${documentCounters.lastNumber} + 1
    returning ${`${numberPrefixes[type]}-`}::text || lpad(${n}, greatest(6, length(${n})), '0') as number`;
}

export type Lifecycle<S extends string> = {
  /** What a new document starts as. */
  initial: S;
  /** Allowed next statuses from each status; a status with none is final. */
  next: Record<S, readonly S[]>;
  /** Statuses in which the lines (and so the amounts) can no longer change. */
  locked: readonly S[];
};

/** Refuses a status change the lifecycle does not allow, naming the allowed ones. Same status is a no-op. */
export function assertTransition<S extends string>(label: string, lifecycle: Lifecycle<S>, from: S, to: S): void {
  if (from === to) return;
  const allowed = lifecycle.next[from] ?? [];
  if (allowed.includes(to)) return;
  const options = allowed.length ? `allowed next: ${allowed.join(', ')}` : `${from} is final, no further status changes`;
  throw new AppError('invalid_transition', `status: a ${label} cannot go from ${from} to ${to}; ${options}`, {
    fields: [{ field: 'status', message: options }],
  });
}

/** On create, the status must be the lifecycle's first one (later ones are reached by updates). */
export function assertInitialStatus<S extends string>(label: string, lifecycle: Lifecycle<S>, status: S | undefined): S {
  if (status === undefined || status === lifecycle.initial) return lifecycle.initial;
  throw new AppError('invalid_transition', `status: a new ${label} starts as ${lifecycle.initial}, not ${status}; change it with an update afterwards`, {
    fields: [{ field: 'status', message: `must be ${lifecycle.initial} on create` }],
  });
}

export function assertLinesEditable<S extends string>(label: string, lifecycle: Lifecycle<S>, status: S): void {
  if (!lifecycle.locked.includes(status)) return;
  throw new AppError('conflict', `lines: a ${status} ${label}'s lines and amounts can no longer change`, {
    fields: [{ field: 'lines', message: `locked once ${status}` }],
  });
}

/** The parts of a document input the shared machinery looks at. */
export type DocumentInputBase<S extends string> = {
  status?: S;
  currency?: string;
  lines?: DocumentLineInput[];
  issueDate?: string | null;
  notes?: string | null;
  metadata?: Record<string, unknown>;
};

type DocumentRowBase<S extends string> = { status: string; currency: string; lines: StoredLine[]; number: string } & { status: S | string };

/**
 * The column values shared by every document type, for create (current undefined) and partial
 * update: status checked against the lifecycle, lines and totals (re)computed when lines or
 * currency change, a number allocated on create.
 */
export async function prepareDocument<S extends string>(
  ctx: Ctx,
  opts: { type: DocumentType; label: string; lifecycle: Lifecycle<S>; allowMarketplaceItems?: boolean },
  input: DocumentInputBase<S>,
  current: DocumentRowBase<S> | undefined,
) {
  const status = current ? (input.status ?? (current.status as S)) : assertInitialStatus(opts.label, opts.lifecycle, input.status);
  if (current) assertTransition(opts.label, opts.lifecycle, current.status as S, status);
  const out: Partial<DocumentTotals & { status: S; currency: string; number: string }> = { status };
  const currencyChanged = current && input.currency !== undefined && input.currency.toUpperCase() !== current.currency;
  if (!current || input.lines !== undefined || currencyChanged) {
    if (current && (input.lines !== undefined || currencyChanged)) assertLinesEditable(opts.label, opts.lifecycle, current.status as S);
    const lines = input.lines ?? current?.lines.map(lineAsInput) ?? [];
    const totals = await computeLines(ctx, lines, { currency: input.currency ?? current?.currency, allowMarketplaceItems: opts.allowMarketplaceItems });
    Object.assign(out, totals);
  }
  if (!current) out.number = await nextDocumentNumber(ctx, opts.type);
  return out;
}

/** Today's date (UTC) as YYYY-MM-DD, what `dueDate`-style columns compare with. */
export const todayIso = (): string => new Date().toISOString().slice(0, 10);

/** A document line as the Records API shows it. */
export const lineView = (l: StoredLine) => ({ ...l, inventoryItemId: l.inventoryItemId ?? null });

type DocumentRowFields = {
  id: string;
  number: string;
  status: string;
  currency: string;
  lines: StoredLine[];
  subtotalAmount: number;
  taxAmount: number;
  totalAmount: number;
  issueDate: string | null;
  notes: string | null;
};

/** The fields every document view starts with. */
export function documentBaseView(row: DocumentRowFields) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    currency: row.currency,
    lines: row.lines.map(lineView),
    subtotalAmount: row.subtotalAmount,
    taxAmount: row.taxAmount,
    totalAmount: row.totalAmount,
    issueDate: row.issueDate,
    notes: row.notes,
  };
}

export type DocumentListQuery<S extends string> = { page: number; limit: number; status?: S; updatedSince?: Date };

type PagedTable = RecordTable & { number: PgColumn; status: PgColumn };

/**
 * Page-numbered listing for the CRM API: newest first by number (numbers are gap-free and
 * ascending, so this is creation order and stable).
 */
export async function pageDocuments<T extends PagedTable>(ctx: Ctx, table: T, q: { page: number; limit: number; updatedSince?: Date }, ...where: (SQL | undefined)[]) {
  const condition = scopedLive(ctx, table, q.updatedSince ? gt(table.updatedAt, q.updatedSince) : undefined, ...where);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(table as PgTable)
      .where(condition)
      .orderBy(desc(table.number), desc(table.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    ctx.db
      .select({ total: count() })
      .from(table as PgTable)
      .where(condition),
  ]);
  return { rows: rows as T['$inferSelect'][], total: Number(total) };
}
