import { eq } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { invoices } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { recordPayment } from './payments.ts';

/**
 * Demo payments: half of every sent invoice nothing has been paid on, so the demo shows partly
 * paid (and still overdue) invoices. Seeding again leaves invoices already part-paid alone.
 */
export async function seedPaymentsDemo(ctx: Ctx): Promise<number> {
  const unpaid = await ctx.db
    .select()
    .from(invoices)
    .where(scopedLive(ctx, invoices, eq(invoices.status, 'sent'), eq(invoices.amountPaid, 0)));
  let recorded = 0;
  for (const invoice of unpaid) {
    const half = Math.floor(invoice.totalAmount / 2);
    if (half <= 0) continue;
    await recordPayment(ctx, { invoiceId: invoice.id, amount: half, method: 'bank_transfer', reference: `DEMO-${invoice.number}` });
    recorded++;
  }
  return recorded;
}
