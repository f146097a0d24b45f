import { count, desc, eq, gt } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { invoices, payments } from '../storage/schema/index.ts';
import { scoped, scopedId, scopedLive } from '../storage/tenant-scope.ts';
import { defineCollection, defined, writeInstantAfter } from './collection.ts';
import { assertTransition } from './documents.ts';
import { AppError, invalidField } from './errors.ts';
import { emit } from './events.ts';
import { now } from './ids.ts';
import { invoiceLifecycle, invoiceView, type InvoiceRow, type InvoiceStatus, type InvoiceView } from './invoices.ts';
import { formatMoney } from './money.ts';

// Payments received against invoices. Each one raises the invoice's amountPaid in the same
// transaction and settles the invoice (status paid) once it is covered; overpayment is refused,
// so amountPaid never exceeds the total.

export type PaymentRow = typeof payments.$inferSelect;

export type PaymentInput = {
  invoiceId: string;
  /** Integer minor units of the invoice's currency, greater than 0. */
  amount: number;
  /** How the money arrived: card, cash, bank_transfer, check … (free text, lower-cased). */
  method: string;
  /** When the money arrived; defaults to now. */
  paidAt?: Date;
  reference?: string | null;
  notes?: string | null;
  metadata?: Record<string, unknown>;
};

export function paymentView(row: PaymentRow) {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    customerId: row.customerId,
    amount: row.amount,
    currency: row.currency,
    method: row.method,
    reference: row.reference,
    paidAt: row.paidAt.toISOString(),
    notes: row.notes,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type PaymentView = ReturnType<typeof paymentView>;

// Row lock until commit: concurrent payments on one invoice queue here, so two of them cannot
// both fit under the amount due and together overpay it.
async function lockInvoice(ctx: Ctx, invoiceId: string): Promise<InvoiceRow> {
  const [row] = await ctx.db
    .select()
    .from(invoices)
    .where(scopedLive(ctx, invoices, eq(invoices.id, invoiceId)))
    .limit(1)
    .for('update');
  if (!row) throw invalidField('invoiceId', `no record with id ${invoiceId}`);
  return row;
}

const payable: InvoiceStatus[] = ['sent'];

export const paymentCollection = defineCollection({
  name: 'payments',
  label: 'Payment',
  table: payments,
  view: paymentView,
  prepare: async (ctx, input: PaymentInput, current) => {
    if (current) throw new AppError('conflict', `Payment ${current.id} cannot be changed; record a correcting payment instead`);
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw invalidField('amount', 'must be greater than 0');
    const method = input.method.trim().toLowerCase();
    if (!method) throw invalidField('method', 'required');
    const invoice = await lockInvoice(ctx, input.invoiceId);
    if (!payable.includes(invoice.status as InvoiceStatus)) {
      const why = invoice.status === 'draft' ? 'is still a draft; send it first' : invoice.status === 'paid' ? 'is already paid' : 'is void';
      throw new AppError('conflict', `invoiceId: invoice ${invoice.number} ${why}; payments can only be recorded against sent invoices`, {
        fields: [{ field: 'invoiceId', message: `invoice is ${invoice.status}` }],
      });
    }
    const due = invoice.totalAmount - invoice.amountPaid;
    if (input.amount > due) {
      throw new AppError(
        'conflict',
        `amount: ${formatMoney(input.amount, invoice.currency)} exceeds the ${formatMoney(due, invoice.currency)} due on invoice ${invoice.number}; overpayment is refused`,
        {
          fields: [{ field: 'amount', message: `at most ${formatMoney(due, invoice.currency)}` }],
        },
      );
    }
    return defined({
      invoiceId: invoice.id,
      customerId: invoice.customerId,
      amount: input.amount,
      currency: invoice.currency,
      method,
      reference: input.reference,
      paidAt: input.paidAt ?? now(),
      notes: input.notes,
      metadata: input.metadata,
    });
  },
});

/**
 * Records a payment and applies it to its invoice, in the caller's transaction: amountPaid rises,
 * and an invoice fully covered becomes paid. Fires crm.payments.created and crm.invoices.updated.
 */
export async function recordPayment(ctx: Ctx, input: PaymentInput): Promise<{ payment: PaymentView; invoice: InvoiceView }> {
  const payment = await paymentCollection.create(ctx, input);
  const [invoice] = await ctx.db
    .select()
    .from(invoices)
    .where(scopedId(ctx, invoices, payment.invoiceId))
    .limit(1);
  const amountPaid = invoice.amountPaid + payment.amount;
  const settled = amountPaid >= invoice.totalAmount;
  if (settled) assertTransition('invoice', invoiceLifecycle, invoice.status as InvoiceStatus, 'paid');
  const [row] = await ctx.db
    .update(invoices)
    .set({ amountPaid, updatedAt: writeInstantAfter(invoices.updatedAt), ...(settled ? { status: 'paid', paidAt: new Date(payment.paidAt) } : {}) })
    .where(scopedId(ctx, invoices, invoice.id))
    .returning();
  const view = invoiceView(row);
  await emit(ctx, 'crm.invoices.updated', view);
  return { payment, invoice: view };
}

export const getPayment = (ctx: Ctx, id: string) => paymentCollection.get(ctx, id);

export type PaymentListQuery = { page: number; limit: number; invoiceId?: string; customerId?: string; updatedSince?: Date };

/** Page-numbered, newest first (ids are time-ordered, so the order is stable). */
export async function listPayments(ctx: Ctx, q: PaymentListQuery) {
  const where = scopedLive(
    ctx,
    payments,
    q.invoiceId ? eq(payments.invoiceId, q.invoiceId) : undefined,
    q.customerId ? eq(payments.customerId, q.customerId) : undefined,
    q.updatedSince ? gt(payments.updatedAt, q.updatedSince) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(payments)
      .where(where)
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    ctx.db.select({ total: count() }).from(payments).where(where),
  ]);
  return { rows: rows.map(paymentView), total: Number(total) };
}

/** Sum of the payments recorded against an invoice, minor units (what amountPaid should equal). */
export async function sumPayments(ctx: Ctx, invoiceId: string): Promise<number> {
  const rows = await ctx.db
    .select({ amount: payments.amount })
    .from(payments)
    .where(scoped(ctx, payments, eq(payments.invoiceId, invoiceId)));
  return rows.reduce((s, r) => s + r.amount, 0);
}
