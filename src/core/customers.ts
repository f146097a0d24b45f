import { eq, ilike, or, sql, desc, asc, count, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, type Address } from '../storage/schema/index.ts';
import { owner, scopedId, scopedLive } from '../storage/tenant-scope.ts';
import { AppError, notFound } from './errors.ts';
import { emit } from './events.ts';
import { newId, now } from './ids.ts';
import { listForSync, type SyncListOptions } from './listing.ts';

export type CustomerRow = typeof customers.$inferSelect;

export type CustomerInput = {
  type?: 'person' | 'company';
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  whatsapp?: string | null;
  address?: Address | null;
  tags?: string[];
  notes?: string | null;
  marketingConsent?: boolean;
  isVip?: boolean;
  leadScore?: number;
  lifecycleStage?: string;
  source?: string | null;
  preferences?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
};

// The Records API representation, also the `data` of customer webhook events.
export function customerView(row: CustomerRow) {
  return {
    id: row.id,
    type: row.type,
    displayName: displayName(row),
    firstName: row.firstName,
    lastName: row.lastName,
    companyName: row.companyName,
    email: row.email,
    phone: row.phone,
    mobile: row.mobile,
    whatsapp: row.whatsapp,
    address: row.address ?? null,
    tags: row.tags,
    notes: row.notes,
    marketingConsent: row.marketingConsent,
    isVip: row.isVip,
    leadScore: row.leadScore,
    lifecycleStage: row.lifecycleStage,
    source: row.source,
    preferences: row.preferences,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type CustomerView = ReturnType<typeof customerView>;

export function displayName(row: Pick<CustomerRow, 'type' | 'firstName' | 'lastName' | 'companyName' | 'email'>): string {
  if (row.type === 'company' && row.companyName) return row.companyName;
  const person = [row.firstName, row.lastName].filter(Boolean).join(' ');
  return person || row.companyName || row.email || 'Unnamed customer';
}

function validate(c: Pick<CustomerRow, 'type' | 'firstName' | 'lastName' | 'companyName' | 'email' | 'phone' | 'mobile'>) {
  if (c.type === 'company' && !c.companyName) {
    throw new AppError('validation_failed', 'companyName: required for a company customer', {
      fields: [{ field: 'companyName', message: 'required for a company customer' }],
    });
  }
  if (c.type === 'person' && !c.firstName && !c.lastName && !c.email && !c.phone && !c.mobile) {
    throw new AppError('validation_failed', 'firstName: a person needs a name, an email or a phone number', {
      fields: [{ field: 'firstName', message: 'a person needs a name, an email or a phone number' }],
    });
  }
}

const normaliseEmail = (email: string | null | undefined) => (email == null ? email : email.trim().toLowerCase());

export async function createCustomer(ctx: Ctx, input: CustomerInput): Promise<CustomerView> {
  const t = now();
  const values = {
    ...owner(ctx),
    id: newId(),
    type: input.type ?? (input.companyName && !input.firstName && !input.lastName ? 'company' : 'person'),
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    companyName: input.companyName ?? null,
    email: normaliseEmail(input.email) ?? null,
    phone: input.phone ?? null,
    mobile: input.mobile ?? null,
    whatsapp: input.whatsapp ?? null,
    address: input.address ?? null,
    tags: input.tags ?? [],
    notes: input.notes ?? null,
    marketingConsent: input.marketingConsent ?? false,
    isVip: input.isVip ?? false,
    leadScore: input.leadScore ?? 0,
    lifecycleStage: input.lifecycleStage ?? 'PROSPECT',
    source: input.source ?? null,
    preferences: input.preferences ?? {},
    metadata: input.metadata ?? {},
    createdAt: t,
    updatedAt: t,
  } satisfies typeof customers.$inferInsert;
  validate(values);
  const [row] = await ctx.db.insert(customers).values(values).returning();
  const view = customerView(row);
  await emit(ctx, 'crm.customers.created', view);
  return view;
}

async function findRow(ctx: Ctx, id: string): Promise<CustomerRow> {
  const [row] = await ctx.db.select().from(customers).where(scopedLive(ctx, customers, eq(customers.id, id))).limit(1);
  if (!row) throw notFound('Customer', id);
  return row;
}

export async function getCustomer(ctx: Ctx, id: string): Promise<CustomerView> {
  return customerView(await findRow(ctx, id));
}

/** Partial update: omitted fields keep their values; `null` clears a nullable field. */
export async function updateCustomer(
  ctx: Ctx,
  id: string,
  patch: CustomerInput,
  opts: { ifMatch?: string } = {},
): Promise<CustomerView> {
  const current = await findRow(ctx, id);
  if (opts.ifMatch && opts.ifMatch !== etagOf(current)) {
    throw new AppError('precondition_failed', `Customer ${id} changed since it was read (If-Match ${opts.ifMatch} does not match ${etagOf(current)})`);
  }
  const definedPatch = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as CustomerInput;
  if ('email' in definedPatch) definedPatch.email = normaliseEmail(definedPatch.email);
  const next = { ...current, ...definedPatch, updatedAt: nextTimestamp(current.updatedAt) } as CustomerRow;
  validate(next);
  const [row] = await ctx.db
    .update(customers)
    .set({ ...definedPatch, updatedAt: next.updatedAt } as Partial<CustomerRow>)
    .where(scopedId(ctx, customers, id))
    .returning();
  const view = customerView(row);
  await emit(ctx, 'crm.customers.updated', view);
  return view;
}

export async function deleteCustomer(ctx: Ctx, id: string): Promise<CustomerView> {
  const current = await findRow(ctx, id);
  const t = nextTimestamp(current.updatedAt);
  const [row] = await ctx.db
    .update(customers)
    .set({ deletedAt: t, updatedAt: t })
    .where(scopedId(ctx, customers, id))
    .returning();
  const view = customerView(row);
  await emit(ctx, 'crm.customers.deleted', view);
  return view;
}

/** A strong validator that changes whenever the record does. */
export const etagOf = (row: { id: string; updatedAt: Date }) => `"${row.updatedAt.getTime().toString(36)}"`;

// updatedAt always moves forward, even when two writes land in the same millisecond.
export function nextTimestamp(previous: Date): Date {
  const t = now();
  return t.getTime() > previous.getTime() ? t : new Date(previous.getTime() + 1);
}

export async function listCustomersForSync(ctx: Ctx, opts: SyncListOptions) {
  const { rows, total } = await listForSync(ctx, customers, opts);
  return { rows: rows.map(customerView), last: rows.at(-1), total };
}

export type CustomerSearch = {
  page: number;
  limit: number;
  search?: string;
  email?: string;
  updatedSince?: Date;
  segment?: string;
  sortBy?: 'createdAt' | 'updatedAt' | 'leadScore' | 'name';
  sortOrder?: 'asc' | 'desc';
};

// Searching and paging for the CRM and Storefront lists; the Records API uses listForSync.
export async function searchCustomers(ctx: Ctx, q: CustomerSearch) {
  const conditions: (SQL | undefined)[] = [];
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    conditions.push(
      or(
        ilike(customers.firstName, pattern),
        ilike(customers.lastName, pattern),
        ilike(customers.companyName, pattern),
        ilike(customers.email, pattern),
        ilike(sql`coalesce(${customers.firstName}, '') || ' ' || coalesce(${customers.lastName}, '')`, pattern),
      ),
    );
  }
  if (q.email) conditions.push(eq(customers.email, q.email.trim().toLowerCase()));
  if (q.updatedSince) conditions.push(sql`${customers.updatedAt} > ${q.updatedSince.toISOString()}`);
  const where = scopedLive(ctx, customers, ...conditions);
  const dir = q.sortOrder === 'asc' ? asc : desc;
  const sortColumn =
    q.sortBy === 'leadScore' ? customers.leadScore : q.sortBy === 'updatedAt' ? customers.updatedAt : q.sortBy === 'name' ? customers.lastName : customers.createdAt;
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(customers)
      .where(where)
      .orderBy(dir(sortColumn), dir(customers.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    ctx.db.select({ total: count() }).from(customers).where(where),
  ]);
  return { rows, total: Number(total) };
}

