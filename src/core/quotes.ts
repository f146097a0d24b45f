import { eq } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, quotes, quoteSearchFields } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { documentBaseView, pageDocuments, prepareDocument, type DocumentInputBase, type Lifecycle } from './documents.ts';
import { createdFilter, filter } from './search.ts';

export type QuoteRow = typeof quotes.$inferSelect;
export const quoteStatuses = ['draft', 'sent', 'accepted', 'declined', 'expired'] as const;
export type QuoteStatus = (typeof quoteStatuses)[number];

export const quoteLifecycle: Lifecycle<QuoteStatus> = {
  initial: 'draft',
  next: { draft: ['sent'], sent: ['accepted', 'declined', 'expired'], accepted: [], declined: [], expired: [] },
  locked: ['accepted', 'declined', 'expired'],
};

export type QuoteInput = DocumentInputBase<QuoteStatus> & { customerId?: string; validUntil?: string | null };

export function quoteView(row: QuoteRow) {
  return {
    ...documentBaseView(row),
    status: row.status as QuoteStatus,
    customerId: row.customerId,
    validUntil: row.validUntil,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type QuoteView = ReturnType<typeof quoteView>;

export const quoteCollection = defineCollection({
  name: 'quotes',
  label: 'Quote',
  table: quotes,
  view: quoteView,
  createInOneStatement: true,
  search: {
    fields: quoteSearchFields(quotes),
    text: quotes.searchText,
    filters: {
      status: filter.equals(quotes.status, 'status', quoteStatuses),
      customerId: filter.equals(quotes.customerId, "the customer's id"),
      issueDate: filter.date(quotes.issueDate, 'issue date'),
      validUntil: filter.date(quotes.validUntil, 'last valid day'),
      totalAmount: filter.amount(quotes.totalAmount, 'total (minor units)'),
      created: createdFilter(quotes.createdAt),
    },
  },
  prepare: async (ctx, input: QuoteInput, current) => {
    if (!current && !input.customerId) throw invalidField('customerId', 'required');
    await assertReferences(ctx, { customerId: [customers, input.customerId] });
    const doc = await prepareDocument(ctx, { type: 'quote', label: 'quote', lifecycle: quoteLifecycle }, input, current);
    const { lines: _lines, status: _status, currency: _currency, ...rest } = input;
    return defined({ ...rest, ...doc });
  },
});

export const createQuote = (ctx: Ctx, input: QuoteInput) => quoteCollection.create(ctx, input);
export const getQuote = (ctx: Ctx, id: string) => quoteCollection.get(ctx, id);
export const updateQuote = (ctx: Ctx, id: string, patch: QuoteInput, opts: { ifMatch?: string } = {}) => quoteCollection.update(ctx, id, patch, opts);
export const setQuoteStatus = (ctx: Ctx, id: string, status: QuoteStatus) => quoteCollection.update(ctx, id, { status });

export type QuoteListQuery = { page: number; limit: number; customerId?: string; status?: QuoteStatus; updatedSince?: Date };

/** Page-numbered list with the filters a billing integration needs; newest number first. */
export async function listQuotes(ctx: Ctx, q: QuoteListQuery) {
  const { rows, total } = await pageDocuments(ctx, quotes, q, q.customerId ? eq(quotes.customerId, q.customerId) : undefined, q.status ? eq(quotes.status, q.status) : undefined);
  return { rows: rows.map(quoteView), total };
}
