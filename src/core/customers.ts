import { eq, ilike, or, sql, desc, asc, count, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, customerSearchFields, type Address } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { AppError } from './errors.ts';
import { defineCollection, defined } from './collection.ts';
import { countOpenInvoices } from './invoices.ts';
import { createdFilter, filter } from './search.ts';
import { containing } from '../storage/like.ts';
import { isoInstant } from './ids.ts';

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
    createdAt: isoInstant(row.createdAt),
    updatedAt: isoInstant(row.updatedAt),
    deletedAt: row.deletedAt ? isoInstant(row.deletedAt) : null,
  };
}
export type CustomerView = ReturnType<typeof customerView>;

export function displayName(row: Pick<CustomerRow, 'type' | 'firstName' | 'lastName' | 'companyName' | 'email'>): string {
  if (row.type === 'company' && row.companyName) return row.companyName;
  // As `[firstName, lastName].filter(Boolean).join(' ')`, without the array (every row of a list).
  const { firstName: first, lastName: last } = row;
  const person = first && last ? `${first} ${last}` : first || last;
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

export const customerCollection = defineCollection({
  name: 'customers',
  label: 'Customer',
  table: customers,
  view: customerView,
  pure: true,
  search: {
    fields: customerSearchFields(customers),
    text: customers.searchText,
    filters: {
      type: filter.equals(customers.type, 'person or company', ['person', 'company']),
      lifecycleStage: filter.equals(customers.lifecycleStage, 'lifecycle stage', ['PROSPECT', 'LEAD', 'CUSTOMER', 'CHURNED']),
      created: createdFilter(customers.createdAt),
    },
  },
  prepare: async (_ctx, input: CustomerInput, current) => {
    const patch = defined({ ...input, email: normaliseEmail(input.email) });
    if (!current) {
      patch.type ??= input.companyName && !input.firstName && !input.lastName ? 'company' : 'person';
    }
    validate({ ...(current ?? { type: 'person', firstName: null, lastName: null, companyName: null, email: null, phone: null, mobile: null }), ...patch } as CustomerRow);
    return patch;
  },
  // Invoices still to be paid would lose their customer; they must be paid or voided first.
  beforeDelete: async (ctx, current) => {
    const open = await countOpenInvoices(ctx, current.id);
    if (open) {
      throw new AppError('conflict', `Customer ${current.id} has ${open} open invoice${open === 1 ? '' : 's'} (draft or sent); mark them paid or void before deleting the customer`);
    }
  },
});

export const createCustomer = (ctx: Ctx, input: CustomerInput) => customerCollection.create(ctx, input);
export const getCustomer = (ctx: Ctx, id: string) => customerCollection.get(ctx, id);
/** Partial update: omitted fields keep their values; `null` clears a nullable field. */
export const updateCustomer = (ctx: Ctx, id: string, patch: CustomerInput, opts: { ifMatch?: string } = {}) => customerCollection.update(ctx, id, patch, opts);
export const deleteCustomer = (ctx: Ctx, id: string) => customerCollection.remove(ctx, id);

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
    const pattern = containing(q.search);
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
  const sortColumn = q.sortBy === 'leadScore' ? customers.leadScore : q.sortBy === 'updatedAt' ? customers.updatedAt : q.sortBy === 'name' ? customers.lastName : customers.createdAt;
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
