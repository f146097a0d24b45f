import { and, asc, count, eq, gte, inArray, lt, ne, or, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { appointments, customers, events, invoices, leads, motors, payments, tenants, workOrders } from '../storage/schema/index.ts';
import { scoped, scopedLive } from '../storage/tenant-scope.ts';
import { displayName } from './customers.ts';
import { motorName } from './motors.ts';
import { inboxLeadsWhere, type InboxLead } from './lead-inbox.ts';
import type { Money } from './customer-overview.ts';

// The Today page: what a dealership works through this morning, in one call. "Today" is the
// calendar day in the tenant's time zone (tenants.settings.timeZone, an IANA name such as
// America/Los_Angeles), else in UTC; the answer says which it used.

export const TODAY_LIST_LIMIT = 10;

type Day = { date: string; start: Date; end: Date };

/** Whether the runtime knows `value` as a time zone (an IANA name such as Europe/London). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The time zone of the tenant's settings when it is one the runtime knows, else UTC. */
export function validTimeZone(value: unknown): string {
  return typeof value === 'string' && value && isTimeZone(value) ? value : 'UTC';
}

function wallClock(timeZone: string, at: Date) {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), utcOfWall: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) };
}

// The instant the wall clock of the zone shows midnight of (y, m, d): the offset is read at a
// first guess and again at the answer, which is right across a DST change on either side.
function midnight(timeZone: string, y: number, m: number, d: number): Date {
  const wall = Date.UTC(y, m - 1, d);
  const offsetAt = (t: number) => wallClock(timeZone, new Date(t)).utcOfWall - Math.floor(t / 1000) * 1000;
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

/** The calendar day containing `at` in the zone: its date and its [start, end) instants. */
export function dayIn(timeZone: string, at: Date): Day {
  const { y, m, d } = wallClock(timeZone, at);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const date = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return { date, start: midnight(timeZone, y, m, d), end: midnight(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()) };
}

export type TodayLead = InboxLead & {
  /** When someone first moved the lead on from `new` (from the event log); null while it waits. */
  respondedAt: string | null;
  /** Seconds from receipt to that first response, or, while still new, waited so far. */
  responseSeconds: number;
};

export type Today = {
  date: string;
  timeZone: string;
  start: string;
  end: string;
  leads: { new: number; receivedToday: number; items: TodayLead[] };
  testDrives: {
    count: number;
    items: { id: string; motorId: string; motorName: string; name: string; email: string; phone: string | null; preferredDate: string | null; status: string; leadId: string }[];
  };
  overdueInvoices: {
    count: number;
    amountDue: Money[];
    items: { id: string; number: string; customerId: string; customerName: string; dueDate: string | null; currency: string; amountDue: number }[];
  };
  workOrdersInProgress: {
    count: number;
    items: { id: string; number: string; customerId: string; customerName: string; motorId: string; motorName: string; promisedAt: string | null; currency: string; totalAmount: number }[];
  };
  sales: { invoicesPaid: number; invoicedPaid: Money[]; paymentsReceived: number; received: Money[] };
};

const joinCustomer = (customerId: typeof invoices.customerId) => and(eq(customers.tenantId, invoices.tenantId), eq(customers.environment, invoices.environment), eq(customers.id, customerId));
const money = (rows: { currency: string; amount: string | number | null }[]): Money[] => rows.map((r) => ({ currency: r.currency, amount: Number(r.amount ?? 0) }));

export async function today(ctx: Ctx, at = new Date()): Promise<Today> {
  const [tenant] = await ctx.db.select({ settings: tenants.settings }).from(tenants).where(eq(tenants.id, ctx.tenantId)).limit(1);
  const timeZone = validTimeZone(tenant?.settings.timeZone);
  const day = dayIn(timeZone, at);
  const receivedToday = and(gte(leads.createdAt, day.start), lt(leads.createdAt, day.end));
  const waiting = or(eq(leads.status, 'new'), receivedToday)!;
  const overdue = and(eq(invoices.status, 'sent'), lt(invoices.dueDate, day.date));
  const paidToday = and(eq(invoices.status, 'paid'), gte(invoices.paidAt, day.start), lt(invoices.paidAt, day.end));
  const drivesToday = and(gte(appointments.preferredDate, day.start), lt(appointments.preferredDate, day.end), ne(appointments.status, 'cancelled'));
  const due = sql<string>`sum(${invoices.totalAmount} - ${invoices.amountPaid})`;

  const [leadCounts, leadItems, drives, overdueTotals, overdueItems, woCount, woItems, sold, received] = await Promise.all([
    ctx.db
      .select({ fresh: sql<number>`count(*) filter (where ${leads.status} = 'new')`, today: sql<number>`count(*) filter (where ${receivedToday})` })
      .from(leads)
      .where(scopedLive(ctx, leads, waiting)),
    inboxLeadsWhere(ctx, scopedLive(ctx, leads, waiting), TODAY_LIST_LIMIT),
    ctx.db
      .select({ a: appointments, motor: { year: motors.year, make: motors.make, model: motors.model, trim: motors.trim } })
      .from(appointments)
      .leftJoin(motors, and(eq(motors.tenantId, appointments.tenantId), eq(motors.environment, appointments.environment), eq(motors.id, appointments.motorId)))
      .where(scoped(ctx, appointments, drivesToday))
      .orderBy(asc(appointments.preferredDate), asc(appointments.id)),
    ctx.db
      .select({ n: count(), currency: invoices.currency, amount: due })
      .from(invoices)
      .where(scopedLive(ctx, invoices, overdue))
      .groupBy(invoices.currency)
      .orderBy(invoices.currency),
    ctx.db
      .select({ i: invoices, c: { type: customers.type, firstName: customers.firstName, lastName: customers.lastName, companyName: customers.companyName, email: customers.email } })
      .from(invoices)
      .leftJoin(customers, joinCustomer(invoices.customerId))
      .where(scopedLive(ctx, invoices, overdue))
      .orderBy(asc(invoices.dueDate), asc(invoices.id))
      .limit(TODAY_LIST_LIMIT),
    ctx.db
      .select({ n: count() })
      .from(workOrders)
      .where(scopedLive(ctx, workOrders, eq(workOrders.status, 'in_progress'))),
    ctx.db
      .select({
        w: workOrders,
        c: { type: customers.type, firstName: customers.firstName, lastName: customers.lastName, companyName: customers.companyName, email: customers.email },
        motor: { year: motors.year, make: motors.make, model: motors.model, trim: motors.trim },
      })
      .from(workOrders)
      .leftJoin(customers, and(eq(customers.tenantId, workOrders.tenantId), eq(customers.environment, workOrders.environment), eq(customers.id, workOrders.customerId)))
      .leftJoin(motors, and(eq(motors.tenantId, workOrders.tenantId), eq(motors.environment, workOrders.environment), eq(motors.id, workOrders.motorId)))
      .where(scopedLive(ctx, workOrders, eq(workOrders.status, 'in_progress')))
      .orderBy(sql`${workOrders.promisedAt} asc nulls last`, asc(workOrders.id))
      .limit(TODAY_LIST_LIMIT),
    ctx.db
      .select({ n: count(), currency: invoices.currency, amount: sql<string>`sum(${invoices.totalAmount})` })
      .from(invoices)
      .where(scopedLive(ctx, invoices, paidToday))
      .groupBy(invoices.currency)
      .orderBy(invoices.currency),
    ctx.db
      .select({ n: count(), currency: payments.currency, amount: sql<string>`sum(${payments.amount})` })
      .from(payments)
      .where(scopedLive(ctx, payments, gte(payments.paidAt, day.start), lt(payments.paidAt, day.end)))
      .groupBy(payments.currency)
      .orderBy(payments.currency),
  ]);

  // The first event that took each listed lead out of `new`: its response time.
  const ids = leadItems.map((l) => l.id);
  const firstResponses = ids.length
    ? await ctx.db
        .select({ id: sql<string>`${events.data}->>'id'`, at: sql<Date>`min(${events.createdAt})` })
        .from(events)
        .where(scoped(ctx, events, eq(events.type, 'crm.leads.updated'), inArray(sql`${events.data}->>'id'`, ids), sql`${events.data}->>'status' <> 'new'`))
        .groupBy(sql`${events.data}->>'id'`)
    : [];
  const respondedAt = new Map(firstResponses.map((r) => [r.id, new Date(r.at)]));
  const customerName = (c: Parameters<typeof displayName>[0] | null) => (c ? displayName(c) : 'Unknown customer');
  const sum = (rows: { n: number }[]) => rows.reduce((s, r) => s + Number(r.n), 0);

  return {
    date: day.date,
    timeZone,
    start: day.start.toISOString(),
    end: day.end.toISOString(),
    leads: {
      new: Number(leadCounts[0]?.fresh ?? 0),
      receivedToday: Number(leadCounts[0]?.today ?? 0),
      items: leadItems.map((l) => {
        const responded = respondedAt.get(l.id) ?? null;
        const received = Date.parse(l.createdAt);
        return { ...l, respondedAt: responded?.toISOString() ?? null, responseSeconds: Math.max(0, Math.round(((responded?.getTime() ?? at.getTime()) - received) / 1000)) };
      }),
    },
    testDrives: {
      count: drives.length,
      items: drives.map(({ a, motor }) => ({
        id: a.id,
        motorId: a.motorId,
        motorName: motor ? motorName(motor) : 'Unknown vehicle',
        name: a.name,
        email: a.email,
        phone: a.phone,
        preferredDate: a.preferredDate?.toISOString() ?? null,
        status: a.status,
        leadId: a.leadId,
      })),
    },
    overdueInvoices: {
      count: sum(overdueTotals),
      amountDue: money(overdueTotals),
      items: overdueItems.map(({ i, c }) => ({
        id: i.id,
        number: i.number,
        customerId: i.customerId,
        customerName: customerName(c),
        dueDate: i.dueDate,
        currency: i.currency,
        amountDue: i.totalAmount - i.amountPaid,
      })),
    },
    workOrdersInProgress: {
      count: Number(woCount[0]?.n ?? 0),
      items: woItems.map(({ w, c, motor }) => ({
        id: w.id,
        number: w.number,
        customerId: w.customerId,
        customerName: customerName(c),
        motorId: w.motorId,
        motorName: motor ? motorName(motor) : 'Unknown vehicle',
        promisedAt: w.promisedAt?.toISOString() ?? null,
        currency: w.currency,
        totalAmount: w.totalAmount,
      })),
    },
    sales: { invoicesPaid: sum(sold), invoicedPaid: money(sold), paymentsReceived: sum(received), received: money(received) },
  };
}
