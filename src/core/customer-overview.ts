import { desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { appointments, events, invoices, leads, motors, quotes, workOrders } from '../storage/schema/index.ts';
import { scoped, scopedLive } from '../storage/tenant-scope.ts';
import { customerCollection, type CustomerView } from './customers.ts';
import { invoiceView, type InvoiceView } from './invoices.ts';
import { quoteView, type QuoteView } from './quotes.ts';
import { workOrderView, type WorkOrderView } from './work-orders.ts';
import { leadView, type LeadView } from './leads.ts';
import { motorView, type MotorView } from './motors.ts';
import { appointmentView } from './engagement.ts';

// Customer 360: everything the dashboard shows about one customer, in one call. Each list is the
// newest OVERVIEW_LIMIT records (a customer with more has its full lists one click away, in the
// records pages filtered by customer); the timeline is the newest events of the customer and of
// the records that name it, read back from the outbox.

export const OVERVIEW_LIMIT = 50;
export const TIMELINE_LIMIT = 50;

export type Money = { currency: string; amount: number };
export type TimelineItem = {
  id: string;
  /** The event type, e.g. `crm.invoices.updated`. */
  event: string;
  createdAt: string;
  /** The collection of the record the event is about (`invoices`, `leads`, …). */
  collection: string;
  recordId: string;
  /** The record's number, name or status at the time: what a line of the timeline says. */
  label: string | null;
  status: string | null;
};

export type CustomerOverview = {
  customer: CustomerView;
  vehicles: MotorView[];
  invoices: InvoiceView[];
  /** What the customer owes now: the amount due on every sent invoice (drafts are not billed yet), per currency. */
  openBalance: Money[];
  quotes: QuoteView[];
  workOrders: WorkOrderView[];
  leads: LeadView[];
  testDrives: ReturnType<typeof appointmentView>[];
  timeline: TimelineItem[];
};

/** A line of a timeline from an outbox row: the event's type names the collection (crm.<collection>.<verb>). */
export function timelineItem(r: { id: string; type: string; createdAt: Date; data: Record<string, unknown> }): TimelineItem {
  const d = r.data;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    id: r.id,
    event: r.type,
    createdAt: r.createdAt.toISOString(),
    collection: r.type.split('.')[1] ?? '',
    recordId: str(d.id) ?? '',
    label: str(d.number) ?? str(d.displayName) ?? str(d.contactName) ?? str(d.name) ?? null,
    status: str(d.status),
  };
}

/** The newest events of the records the condition picks, of the tenant and environment only. */
export async function recordTimeline(ctx: Ctx, where: SQL, limit = TIMELINE_LIMIT): Promise<TimelineItem[]> {
  const rows = await ctx.db
    .select({ id: events.id, type: events.type, createdAt: events.createdAt, data: events.data })
    .from(events)
    .where(scoped(ctx, events, sql`${events.type} like 'crm.%'`, where))
    .orderBy(desc(events.id))
    .limit(limit);
  return rows.map(timelineItem);
}

export async function customerOverview(ctx: Ctx, id: string): Promise<CustomerOverview> {
  const customer = await customerCollection.get(ctx, id);
  const [vehicleRows, invoiceRows, quoteRows, workOrderRows, leadRows] = await Promise.all([
    ctx.db
      .select()
      .from(motors)
      .where(scopedLive(ctx, motors, eq(motors.ownerCustomerId, id)))
      .orderBy(desc(motors.createdAt), desc(motors.id))
      .limit(OVERVIEW_LIMIT),
    ctx.db
      .select()
      .from(invoices)
      .where(scopedLive(ctx, invoices, eq(invoices.customerId, id)))
      .orderBy(desc(invoices.createdAt), desc(invoices.id))
      .limit(OVERVIEW_LIMIT),
    ctx.db
      .select()
      .from(quotes)
      .where(scopedLive(ctx, quotes, eq(quotes.customerId, id)))
      .orderBy(desc(quotes.createdAt), desc(quotes.id))
      .limit(OVERVIEW_LIMIT),
    ctx.db
      .select()
      .from(workOrders)
      .where(scopedLive(ctx, workOrders, eq(workOrders.customerId, id)))
      .orderBy(desc(workOrders.createdAt), desc(workOrders.id))
      .limit(OVERVIEW_LIMIT),
    ctx.db
      .select()
      .from(leads)
      .where(scopedLive(ctx, leads, eq(leads.customerId, id)))
      .orderBy(desc(leads.createdAt), desc(leads.id))
      .limit(OVERVIEW_LIMIT),
  ]);
  // Test drives hang off leads: the customer's leads, or a request made with the customer's email.
  const leadIds = leadRows.map((l) => l.id);
  const byLead = leadIds.length ? inArray(appointments.leadId, leadIds) : undefined;
  const byEmail = customer.email ? sql`lower(${appointments.email}) = lower(${customer.email})` : undefined;
  const testDriveRows =
    byLead || byEmail
      ? await ctx.db
          .select()
          .from(appointments)
          .where(scoped(ctx, appointments, or(byLead, byEmail)))
          .orderBy(desc(appointments.createdAt), desc(appointments.id))
          .limit(OVERVIEW_LIMIT)
      : [];
  const timeline = await recordTimeline(ctx, sql`(${events.data}->>'id' = ${id} or ${events.data}->>'customerId' = ${id} or ${events.data}->>'ownerCustomerId' = ${id})`);
  const balances = await ctx.db
    .select({ currency: invoices.currency, amount: sql<string>`sum(${invoices.totalAmount} - ${invoices.amountPaid})` })
    .from(invoices)
    .where(scopedLive(ctx, invoices, eq(invoices.customerId, id), eq(invoices.status, 'sent')))
    .groupBy(invoices.currency)
    .orderBy(invoices.currency);
  return {
    customer,
    vehicles: vehicleRows.map(motorView),
    invoices: invoiceRows.map(invoiceView),
    openBalance: balances.map((b) => ({ currency: b.currency, amount: Number(b.amount) })),
    quotes: quoteRows.map(quoteView),
    workOrders: workOrderRows.map(workOrderView),
    leads: leadRows.map(leadView),
    testDrives: testDriveRows.map(appointmentView),
    timeline,
  };
}
