import { and, count, desc, eq, inArray, isNull, ne, notInArray, or, type SQL } from 'drizzle-orm';
import { alias, type PgColumn } from 'drizzle-orm/pg-core';
import type { Ctx } from './context.ts';
import { customers, employees, leads, type leadStatuses } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { notFound } from './errors.ts';
import { leadView, type LeadRow, type LeadView } from './leads.ts';

// The dashboard's Leads inbox: newest received first, filtered by status, origin and assignee,
// each lead titled by the person behind it and carrying its assignee's name.

/** Where a lead came from, as the inbox groups it. */
export const leadOrigins = ['adf', 'email', 'form', 'api'] as const;
export type LeadOrigin = (typeof leadOrigins)[number];
type LeadStatus = (typeof leadStatuses)[number];

const FORM_SOURCES = ['contact_form', 'test_drive'] as const;
const notByEmail = or(isNull(leads.channel), ne(leads.channel, 'email'));

// The origin rule, once for the database (filters) and once for a row (the view), side by side.
const originWhere: Record<LeadOrigin, SQL> = {
  // ADF or plain text mailed to an intake address.
  email: eq(leads.channel, 'email'),
  // ADF posted over HTTP (API key or keyless intake URL).
  adf: and(eq(leads.source, 'adf'), notByEmail)!,
  // The Storefront's contact and test-drive forms.
  form: inArray(leads.source, [...FORM_SOURCES]),
  // Written through the Records API, the CRM API or the dashboard.
  api: and(notInArray(leads.source, ['adf', ...FORM_SOURCES]), notByEmail)!,
};
export function leadOrigin(r: Pick<LeadRow, 'source' | 'channel'>): LeadOrigin {
  if (r.channel === 'email') return 'email';
  if (r.source === 'adf') return 'adf';
  if ((FORM_SOURCES as readonly string[]).includes(r.source)) return 'form';
  return 'api';
}

export type InboxLead = LeadView & {
  /** The customer's name when the lead is linked to one, else the contact's name, email or phone. */
  title: string;
  origin: LeadOrigin;
  customerName: string | null;
  /** Where a reply goes: the lead's contact email, else its customer's. */
  replyEmail: string | null;
  assigneeName: string | null;
};

export type InboxFilters = {
  status?: LeadStatus;
  origin?: LeadOrigin;
  /** An employee id, or `none` for unassigned leads. */
  assignee?: string;
  page: number;
  limit: number;
};

const assignee = alias(employees, 'assignee');
const join = (a: typeof customers | typeof assignee, id: PgColumn) => and(eq(a.tenantId, leads.tenantId), eq(a.environment, leads.environment), eq(a.id, id));
const fullName = (first: string | null, last: string | null) => [first, last].filter(Boolean).join(' ').trim() || null;

type Joined = {
  lead: LeadRow;
  customer: { firstName: string | null; lastName: string | null; companyName: string | null; email: string | null } | null;
  assignee: { firstName: string; lastName: string | null } | null;
};

function inboxView({ lead, customer, assignee: a }: Joined): InboxLead {
  const customerName = customer ? (fullName(customer.firstName, customer.lastName) ?? customer.companyName) : null;
  return {
    ...leadView(lead),
    title: customerName ?? lead.contactName ?? lead.contactEmail ?? lead.contactPhone ?? 'Unknown sender',
    origin: leadOrigin(lead),
    customerName,
    replyEmail: lead.contactEmail ?? customer?.email ?? null,
    assigneeName: a ? fullName(a.firstName, a.lastName) : null,
  };
}

function selectJoined(ctx: Ctx, where: SQL) {
  return ctx.db
    .select({
      lead: leads,
      customer: { firstName: customers.firstName, lastName: customers.lastName, companyName: customers.companyName, email: customers.email },
      assignee: { firstName: assignee.firstName, lastName: assignee.lastName },
    })
    .from(leads)
    .leftJoin(customers, join(customers, leads.customerId))
    .leftJoin(assignee, join(assignee, leads.assignedEmployeeId))
    .where(where);
}

/** One page of the inbox, and the count of each status under the other filters (the tabs). */
export async function listInbox(ctx: Ctx, f: InboxFilters) {
  const others = [f.origin ? originWhere[f.origin] : undefined, f.assignee === 'none' ? isNull(leads.assignedEmployeeId) : f.assignee ? eq(leads.assignedEmployeeId, f.assignee) : undefined];
  const where = scopedLive(ctx, leads, ...others, f.status ? eq(leads.status, f.status) : undefined);
  const [rows, byStatus] = await Promise.all([
    selectJoined(ctx, where)
      .orderBy(desc(leads.createdAt), desc(leads.id))
      .limit(f.limit)
      .offset((f.page - 1) * f.limit),
    ctx.db
      .select({ status: leads.status, n: count() })
      .from(leads)
      .where(scopedLive(ctx, leads, ...others))
      .groupBy(leads.status),
  ]);
  const counts = Object.fromEntries(byStatus.map((s) => [s.status, Number(s.n)])) as Partial<Record<LeadStatus, number>>;
  const all = byStatus.reduce((sum, s) => sum + Number(s.n), 0);
  return { rows: (rows as Joined[]).map(inboxView), total: f.status ? (counts[f.status] ?? 0) : all, counts: { all, ...counts } };
}

/** Inbox leads under a condition of the caller's (already tenant-scoped), newest received first. */
export async function inboxLeadsWhere(ctx: Ctx, where: SQL, limit: number): Promise<InboxLead[]> {
  const rows = await selectJoined(ctx, where).orderBy(desc(leads.createdAt), desc(leads.id)).limit(limit);
  return (rows as Joined[]).map(inboxView);
}

export async function getInboxLead(ctx: Ctx, id: string): Promise<InboxLead> {
  const [row] = await selectJoined(ctx, scopedLive(ctx, leads, eq(leads.id, id))).limit(1);
  if (!row) throw notFound('Lead', id);
  return inboxView(row as Joined);
}
