import { and, asc, count, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, invoices } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { customerView, getCustomer, updateCustomer, type CustomerRow, type CustomerView } from './customers.ts';
import { tenantCurrency } from './documents.ts';
import { notFound } from './errors.ts';
import { containing } from '../storage/like.ts';

// A customer's purchase stats and classification, derived from the dealer's paid invoices in SQL
// so that lists filter, sort and page on them without loading every customer.
//
// Rules (also in the Storefront API's OpenAPI descriptions):
// - a purchase is a paid invoice; its date is the invoice's issue date (else the day it was paid);
//   totalSpent sums paid invoices in the dealer's currency (settings.currency, else USD);
// - a paid invoice whose metadata.vehicleTransaction is "sale" or "rental" counts as a vehicle
//   bought or rented (metadata.motorId names the motor);
// - segment: vip when isVip; at_risk when the last purchase is more than 12 months old; regular
//   with at least one purchase; new otherwise;
// - leadScore: the stored score (0–100, set through the Records/CRM APIs or the dashboard) when
//   set, else min(100, 20 × purchases + 20 if VIP);
// - lifecycleStage: CUSTOMER once there is a purchase, else the stored stage.

export const customerSegments = ['new', 'regular', 'vip', 'at_risk'] as const;
export type CustomerSegment = (typeof customerSegments)[number];
export const AT_RISK_MONTHS = 12;

export type PurchaseStats = {
  totalPurchases: number;
  /** Minor units of `currency`. */
  totalSpentAmount: number;
  currency: string;
  lastPurchaseDate: string | null;
  totalVehiclesPurchased: number;
  totalVehiclesRented: number;
};
export type Classification = { segment: CustomerSegment; leadScore: number; lifecycleStage: string; isVip: boolean };
export type CustomerWithStats = { customer: CustomerView; accountId: string | null; stats: PurchaseStats; classification: Classification };

function atRiskBefore(at = new Date()): Date {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() - AT_RISK_MONTHS);
  return d;
}

// Paid invoices per customer; a subquery joined to customers by id.
function purchases(ctx: Ctx, currency: string) {
  const purchasedAt = sql`coalesce((${invoices.issueDate}::timestamp at time zone 'UTC'), ${invoices.paidAt})`;
  return ctx.db
    .select({
      customerId: invoices.customerId,
      n: count().as('n'),
      spent: sql<string>`coalesce(sum(${invoices.totalAmount}) filter (where ${invoices.currency} = ${currency}), 0)`.as('spent'),
      lastAt: sql<Date | string | null>`max(${purchasedAt})`.as('last_at'),
      bought: sql<number>`count(*) filter (where ${invoices.metadata}->>'vehicleTransaction' = 'sale')`.as('bought'),
      rented: sql<number>`count(*) filter (where ${invoices.metadata}->>'vehicleTransaction' = 'rental')`.as('rented'),
    })
    .from(invoices)
    .where(scopedLive(ctx, invoices, eq(invoices.status, 'paid')))
    .groupBy(invoices.customerId)
    .as('purchases');
}

async function statsQuery(ctx: Ctx) {
  const currency = await tenantCurrency(ctx);
  const p = purchases(ctx, currency);
  const n = sql<number>`coalesce(${p.n}, 0)`;
  const segment = sql<CustomerSegment>`case
    when ${customers.isVip} then 'vip'
    when ${p.lastAt} < ${atRiskBefore().toISOString()}::timestamptz then 'at_risk'
    when ${n} > 0 then 'regular'
    else 'new' end`;
  const leadScore = sql<number>`case when ${customers.leadScore} > 0 then ${customers.leadScore}
    else least(100, 20 * ${n} + case when ${customers.isVip} then 20 else 0 end) end`;
  const fields = {
    segment,
    leadScore,
    n,
    spent: sql<string>`coalesce(${p.spent}, 0)`,
    lastAt: p.lastAt,
    bought: sql<number>`coalesce(${p.bought}, 0)`,
    rented: sql<number>`coalesce(${p.rented}, 0)`,
  };
  return { currency, p, fields };
}

type StatsFields = { segment: CustomerSegment; leadScore: number; n: number; spent: string | number; lastAt: Date | string | null; bought: number; rented: number };

function withStats(row: CustomerRow, f: StatsFields, currency: string): CustomerWithStats {
  const n = Number(f.n);
  return {
    customer: customerView(row),
    accountId: row.accountId,
    stats: {
      totalPurchases: n,
      totalSpentAmount: Number(f.spent),
      currency,
      lastPurchaseDate: f.lastAt === null ? null : new Date(f.lastAt).toISOString(),
      totalVehiclesPurchased: Number(f.bought),
      totalVehiclesRented: Number(f.rented),
    },
    classification: { segment: f.segment, leadScore: Number(f.leadScore), lifecycleStage: n > 0 ? 'CUSTOMER' : row.lifecycleStage, isVip: row.isVip },
  };
}

export type CustomerStatsSearch = {
  page: number;
  limit: number;
  /** Case-insensitive, in first name, last name, "first last", company name or email. */
  search?: string;
  segment?: CustomerSegment;
  sortBy?: 'createdAt' | 'totalSpent' | 'lastPurchaseDate' | 'leadScore';
  sortOrder?: 'asc' | 'desc';
};

export async function searchCustomersWithStats(ctx: Ctx, q: CustomerStatsSearch): Promise<{ rows: CustomerWithStats[]; total: number }> {
  const { currency, p, fields } = await statsQuery(ctx);
  const conditions: (SQL | undefined)[] = [];
  for (const word of (q.search ?? '').trim().split(/\s+/).filter(Boolean)) {
    const pattern = containing(word);
    conditions.push(or(ilike(customers.firstName, pattern), ilike(customers.lastName, pattern), ilike(customers.companyName, pattern), ilike(customers.email, pattern)));
  }
  if (q.segment) conditions.push(eq(fields.segment, q.segment));
  const where = scopedLive(ctx, customers, ...conditions);
  const dir = q.sortOrder === 'asc' ? asc : desc;
  // Customers without purchases sort last either way.
  const order: SQL[] =
    q.sortBy === 'totalSpent'
      ? [dir(fields.spent)]
      : q.sortBy === 'lastPurchaseDate'
        ? [sql`${p.lastAt} is null`, dir(p.lastAt)]
        : q.sortBy === 'leadScore'
          ? [dir(fields.leadScore)]
          : [dir(customers.createdAt)];
  const base = () =>
    ctx.db
      .select({ row: customers, ...fields })
      .from(customers)
      .leftJoin(p, eq(p.customerId, customers.id));
  const [rows, [{ total }]] = await Promise.all([
    base()
      .where(where)
      .orderBy(...order, dir(customers.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    ctx.db.select({ total: count() }).from(customers).leftJoin(p, eq(p.customerId, customers.id)).where(where),
  ]);
  return { rows: rows.map(({ row, ...f }) => withStats(row, f, currency)), total: Number(total) };
}

export async function getCustomerWithStats(ctx: Ctx, id: string): Promise<CustomerWithStats> {
  const { currency, p, fields } = await statsQuery(ctx);
  const [found] = await ctx.db
    .select({ row: customers, ...fields })
    .from(customers)
    .leftJoin(p, eq(p.customerId, customers.id))
    .where(scopedLive(ctx, customers, eq(customers.id, id)))
    .limit(1);
  if (!found) throw notFound('Customer', id);
  const { row, ...f } = found;
  return withStats(row, f, currency);
}

export type CustomerProfilePatch = { notes?: string | null; tags?: string[]; preferences?: Record<string, unknown>; isVip?: boolean };

/** The storefront's PATCH: dealer notes, tags, preferences and VIP flag; fires crm.customers.updated. */
export async function updateCustomerProfile(ctx: Ctx, id: string, patch: CustomerProfilePatch): Promise<CustomerWithStats> {
  await getCustomer(ctx, id);
  await updateCustomer(ctx, id, patch);
  return getCustomerWithStats(ctx, id);
}

export type CustomerSummary = {
  totalCustomers: number;
  vipCustomers: number;
  /** Minor units of `currency`. */
  totalRevenueAmount: number;
  averageSpentAmount: number;
  currency: string;
  totalTransactions: number;
  averageLeadScore: number;
  newCustomersLast30Days: number;
  segmentBreakdown: Record<CustomerSegment, number>;
};

/** One aggregate query over the customers joined to their paid invoices. */
export async function customerSummary(ctx: Ctx): Promise<CustomerSummary> {
  const { currency, p, fields } = await statsQuery(ctx);
  const since = new Date(Date.now() - 30 * 86400_000).toISOString();
  const [r] = await ctx.db
    .select({
      total: count(),
      vip: sql<number>`count(*) filter (where ${customers.isVip})`,
      revenue: sql<string>`coalesce(sum(${fields.spent}), 0)`,
      transactions: sql<string>`coalesce(sum(${fields.n}), 0)`,
      leadScore: sql<string | null>`avg(${fields.leadScore})`,
      recent: sql<number>`count(*) filter (where ${customers.createdAt} >= ${since}::timestamptz)`,
      segNew: sql<number>`count(*) filter (where ${fields.segment} = 'new')`,
      segRegular: sql<number>`count(*) filter (where ${fields.segment} = 'regular')`,
      segVip: sql<number>`count(*) filter (where ${fields.segment} = 'vip')`,
      segAtRisk: sql<number>`count(*) filter (where ${fields.segment} = 'at_risk')`,
    })
    .from(customers)
    .leftJoin(p, eq(p.customerId, customers.id))
    .where(and(scopedLive(ctx, customers)));
  const total = Number(r.total);
  const revenue = Number(r.revenue);
  return {
    totalCustomers: total,
    vipCustomers: Number(r.vip),
    totalRevenueAmount: revenue,
    averageSpentAmount: total ? Math.round(revenue / total) : 0,
    currency,
    totalTransactions: Number(r.transactions),
    averageLeadScore: r.leadScore === null ? 0 : Math.round(Number(r.leadScore)),
    newCustomersLast30Days: Number(r.recent),
    segmentBreakdown: { new: Number(r.segNew), regular: Number(r.segRegular), vip: Number(r.segVip), at_risk: Number(r.segAtRisk) },
  };
}
