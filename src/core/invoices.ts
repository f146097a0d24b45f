import { and, eq, gte, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, invoices, invoiceSearchFields, quotes } from '../storage/schema/index.ts';
import { scopedId, scopedLive } from '../storage/tenant-scope.ts';
import { defineCollection, defined } from './collection.ts';
import { AppError, invalidField } from './errors.ts';
import { now } from './ids.ts';
import { assertReferences } from './references.ts';
import { formatMoney } from './money.ts';
import { documentBaseView, lineAsInput, pageDocuments, prepareDocument, todayIso, type DocumentInputBase, type Lifecycle } from './documents.ts';
import { quoteCollection, type QuoteStatus } from './quotes.ts';
import { createdFilter, filter } from './search.ts';

export type InvoiceRow = typeof invoices.$inferSelect;
export const invoiceStatuses = ['draft', 'sent', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

// `overdue` is not a status: it is a sent invoice past its due date, derived when read, so it
// can never go stale.
export const invoiceLifecycle: Lifecycle<InvoiceStatus> = {
  initial: 'draft',
  next: { draft: ['sent', 'void'], sent: ['paid', 'void'], paid: [], void: [] },
  locked: ['paid', 'void'],
};

export type InvoiceInput = DocumentInputBase<InvoiceStatus> & { customerId?: string; quoteId?: string | null; dueDate?: string | null };

export const isOverdue = (row: Pick<InvoiceRow, 'status' | 'dueDate'>, today = todayIso()) => row.status === 'sent' && row.dueDate !== null && row.dueDate < today;

export function invoiceView(row: InvoiceRow) {
  const overdue = isOverdue(row);
  const settled = row.status === 'paid' || row.status === 'void';
  return {
    ...documentBaseView(row),
    status: row.status as InvoiceStatus,
    overdue,
    displayStatus: overdue ? ('overdue' as const) : (row.status as InvoiceStatus),
    customerId: row.customerId,
    quoteId: row.quoteId,
    dueDate: row.dueDate,
    amountPaid: row.amountPaid,
    amountDue: settled ? 0 : row.totalAmount - row.amountPaid,
    sentAt: row.sentAt?.toISOString() ?? null,
    paidAt: row.paidAt?.toISOString() ?? null,
    voidedAt: row.voidedAt?.toISOString() ?? null,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type InvoiceView = ReturnType<typeof invoiceView>;

const stampFor: Partial<Record<InvoiceStatus, 'sentAt' | 'paidAt' | 'voidedAt'>> = { sent: 'sentAt', paid: 'paidAt', void: 'voidedAt' };

/**
 * Payments already received stay covered: new lines may not bring the total below them, nor move
 * the invoice to another currency. The amount paid is read under a row lock, so a payment being
 * recorded at this moment is waited for (and counted) rather than missed.
 */
async function assertPaymentsCovered(ctx: Ctx, current: InvoiceRow, totalAmount: number, currency: string) {
  const [row] = await ctx.db
    .select({ amountPaid: invoices.amountPaid })
    .from(invoices)
    .where(scopedId(ctx, invoices, current.id))
    .for('update');
  const paid = row?.amountPaid ?? current.amountPaid;
  if (paid === 0) return;
  if (currency !== current.currency) {
    throw new AppError('conflict', `currency: invoice ${current.number} already has payments in ${current.currency}; its currency can no longer change`, {
      fields: [{ field: 'currency', message: `payments received in ${current.currency}` }],
    });
  }
  if (totalAmount < paid) {
    throw new AppError('conflict', `lines: the new total ${formatMoney(totalAmount, currency)} would be less than the ${formatMoney(paid, currency)} already paid on invoice ${current.number}`, {
      fields: [{ field: 'lines', message: `total must stay at or above the amount paid (${formatMoney(paid, currency)})` }],
    });
  }
}

export const invoiceCollection = defineCollection({
  name: 'invoices',
  label: 'Invoice',
  table: invoices,
  view: invoiceView,
  createInOneStatement: true,
  search: {
    fields: invoiceSearchFields(invoices),
    text: invoices.searchText,
    filters: {
      status: filter.equals(invoices.status, 'status', invoiceStatuses),
      customerId: filter.equals(invoices.customerId, "the customer's id"),
      issueDate: filter.date(invoices.issueDate, 'issue date'),
      dueDate: filter.date(invoices.dueDate, 'due date'),
      totalAmount: filter.amount(invoices.totalAmount, 'total (minor units)'),
      created: createdFilter(invoices.createdAt),
    },
  },
  extraEvents: (view, previous) => (previous && previous.status !== view.status ? ['crm.invoices.status_changed'] : []),
  // Money was received against it: the invoice stays on record (void it while nothing is paid).
  beforeDelete: async (_ctx, current) => {
    if (current.status === 'paid' || current.amountPaid > 0) {
      throw new AppError('conflict', `Invoice ${current.number} has ${formatMoney(current.amountPaid, current.currency)} paid and cannot be deleted`);
    }
  },
  prepare: async (ctx, input: InvoiceInput, current) => {
    if (!current && !input.customerId) throw invalidField('customerId', 'required');
    await assertReferences(ctx, { customerId: [customers, input.customerId], quoteId: [quotes, input.quoteId] });
    const doc = await prepareDocument(ctx, { type: 'invoice', label: 'invoice', lifecycle: invoiceLifecycle }, input, current);
    // `current` is the locked row (collection.update), and a payment locks it too: the two
    // cannot pass each other, so an invoice never ends void with money received.
    if (current && doc.status === 'void' && current.status !== 'void' && current.amountPaid > 0) {
      throw new AppError(
        'conflict',
        `status: invoice ${current.number} has ${formatMoney(current.amountPaid, current.currency)} paid and cannot be voided; record a refund or correcting payment first`,
        {
          fields: [{ field: 'status', message: `payments received (${formatMoney(current.amountPaid, current.currency)})` }],
        },
      );
    }
    if (current && doc.totalAmount !== undefined) await assertPaymentsCovered(ctx, current, doc.totalAmount, doc.currency ?? current.currency);
    const { lines: _lines, status: _status, currency: _currency, ...rest } = input;
    const stamp = doc.status !== current?.status ? stampFor[doc.status!] : undefined;
    // Sending fixes the issue date when the integrator left it open.
    const issueDate = doc.status === 'sent' && stamp && !(input.issueDate ?? current?.issueDate) ? todayIso() : undefined;
    // Marked paid by a status change (paid outside Motors CRM, e.g. at the counter): the balance is
    // settled, so amountPaid is the total — never "paid" with nothing paid.
    const settled = current && doc.status === 'paid' && current.status !== 'paid' ? { amountPaid: doc.totalAmount ?? current.totalAmount } : {};
    return defined({ ...rest, ...doc, ...settled, ...(stamp ? { [stamp]: now() } : {}), ...(issueDate ? { issueDate } : {}) });
  },
});

export const createInvoice = (ctx: Ctx, input: InvoiceInput) => invoiceCollection.create(ctx, input);
export const getInvoice = (ctx: Ctx, id: string) => invoiceCollection.get(ctx, id);
/** Partial update; lines of a paid or void invoice are refused with 409. */
export const updateInvoice = (ctx: Ctx, id: string, patch: InvoiceInput, opts: { ifMatch?: string } = {}) => invoiceCollection.update(ctx, id, patch, opts);
/** draft → sent → paid | void, draft → void; anything else is a 409 naming the allowed next statuses. */
export const setInvoiceStatus = (ctx: Ctx, id: string, status: InvoiceStatus) => invoiceCollection.update(ctx, id, { status });

export type InvoiceListQuery = { page: number; limit: number; customerId?: string; status?: InvoiceStatus | 'overdue'; updatedSince?: Date };

/**
 * Page-numbered list filtered by the status as shown (displayStatus): `overdue` finds sent
 * invoices past their due date, `sent` the sent invoices that are not overdue.
 */
export async function listInvoices(ctx: Ctx, q: InvoiceListQuery) {
  const today = todayIso();
  const status =
    q.status === 'overdue'
      ? and(eq(invoices.status, 'sent'), lt(invoices.dueDate, today))
      : q.status === 'sent'
        ? and(eq(invoices.status, 'sent'), or(isNull(invoices.dueDate), gte(invoices.dueDate, today)))
        : q.status
          ? eq(invoices.status, q.status)
          : undefined;
  const { rows, total } = await pageDocuments(ctx, invoices, q, q.customerId ? eq(invoices.customerId, q.customerId) : undefined, status);
  return { rows: rows.map(invoiceView), total };
}

/** Draft or sent invoices of a customer: what the CRM API checks before deleting a client. */
export async function countOpenInvoices(ctx: Ctx, customerId: string): Promise<number> {
  const rows = await ctx.db
    .select({ id: invoices.id })
    .from(invoices)
    .where(scopedLive(ctx, invoices, eq(invoices.customerId, customerId), inArray(invoices.status, ['draft', 'sent'])));
  return rows.length;
}

const convertible: QuoteStatus[] = ['sent', 'accepted'];

/**
 * A draft invoice from a sent or accepted quote, with the quote's customer, currency and lines
 * (lineage kept in quoteId); a sent quote becomes accepted. A quote converts once.
 */
export async function convertQuoteToInvoice(ctx: Ctx, quoteId: string, extra: Pick<InvoiceInput, 'dueDate' | 'issueDate' | 'notes' | 'metadata'> = {}) {
  // The quote is locked first: of concurrent conversions one creates the invoice, the others then
  // find it (a unique index on quote_id is the last line of defence).
  const quote = await quoteCollection.lockRow(ctx, quoteId);
  if (!convertible.includes(quote.status as QuoteStatus)) {
    throw new AppError('invalid_transition', `status: a ${quote.status} quote cannot be converted to an invoice; only ${convertible.join(' or ')} quotes can`);
  }
  const [existing] = await ctx.db
    .select({ id: invoices.id, number: invoices.number })
    .from(invoices)
    .where(scopedLive(ctx, invoices, eq(invoices.quoteId, quoteId)))
    .limit(1);
  if (existing) throw new AppError('conflict', `Quote ${quote.number} was already converted to invoice ${existing.number} (${existing.id})`);
  if (quote.status === 'sent') await quoteCollection.update(ctx, quoteId, { status: 'accepted' });
  return invoiceCollection.create(ctx, {
    customerId: quote.customerId,
    quoteId,
    currency: quote.currency,
    lines: quote.lines.map(lineAsInput),
    notes: extra.notes ?? quote.notes,
    issueDate: extra.issueDate,
    dueDate: extra.dueDate,
    metadata: extra.metadata,
  });
}
