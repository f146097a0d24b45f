import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as quotes from '../../core/quotes.ts';
import { convertQuoteToInvoice } from '../../core/invoices.ts';
import type { QuoteInput, QuoteView } from '../../core/quotes.ts';
import { minorToDecimal } from '../../core/money.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { currencyCode, dataEnvelope, dataExample, idParams, isoDay, pageExample, pageQuery, pagination, updatedSince, uuidRef, documentListOptions } from './common.ts';
import { documentFieldNames, lineItem, lineItemInput, toCoreLines, toCrmLine, totalsText } from './line-items.ts';
import { crmInvoice, invoiceFieldNames, toCrmInvoice } from './invoices.ts';

// Quotes, which the CRM document's scopes name (quotes:read / quotes:write) without listing
// endpoints: the same records as the Records API's quotes, shaped like CRM API invoices.

const statuses = quotes.quoteStatuses;

const fields = {
  client_id: uuidRef('client').meta({ description: 'The client quoted. Required on create; a deleted client is refused.' }),
  valid_until: isoDay('Last day the quote can be accepted.', '2024-12-31').nullable(),
  issue_date: isoDay('Date of issue.', '2024-12-01').nullable(),
  currency: currencyCode.meta({ description: 'ISO 4217, one for all lines. Defaults to the first product’s currency, else the dealership’s currency, else USD.', example: 'USD' }),
  line_items: z.array(lineItemInput).max(500).meta({ description: 'Replaces all lines when given; totals are recomputed. Refused (409) once accepted, declined or expired.' }),
  notes: z.string().max(10_000).nullable(),
  metadata: z.record(z.string(), z.unknown()).meta({ example: { opportunity: 'OPP-77' } }),
  status: z.enum(statuses).meta({ description: 'On create only draft. Then draft → sent → accepted | declined | expired (409 naming the allowed ones otherwise).' }),
};

const quoteCreate = z
  .strictObject(fields)
  .partial()
  .required({ client_id: true })
  .meta({
    example: {
      client_id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      valid_until: '2024-12-31',
      line_items: [
        { description: 'Brake pads (front)', quantity: 1, rate: 89.99, tax_rate: 20 },
        { description: 'Labour', type: 'labour', quantity: 1.5, rate: 80 },
      ],
    },
  });
const quoteUpdate = z
  .strictObject(fields)
  .partial()
  .meta({ example: { status: 'sent' } });

const convertBody = z
  .strictObject({
    due_date: isoDay('Payment due on the new invoice.', '2024-12-31').nullable().optional(),
    issue_date: isoDay('Date of issue of the new invoice.', '2024-12-01').nullable().optional(),
    notes: z.string().max(10_000).nullable().optional().meta({ description: 'Defaults to the quote’s notes.' }),
  })
  .nullish()
  .meta({ description: 'Optional; the request may have no body at all.', example: { due_date: '2024-12-31' } });

const quote = z
  .object({
    id: z.string(),
    number: z.string().meta({ description: 'Per-dealership number, consecutive without gaps.' }),
    client_id: z.string(),
    status: z.enum(statuses),
    currency: z.string(),
    issue_date: z.string().nullable(),
    valid_until: z.string().nullable(),
    line_items: z.array(lineItem),
    subtotal: z.number(),
    tax: z.number(),
    total: z.number(),
    notes: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: 'CrmQuote',
    example: {
      id: '0193a5b2-8c00-7a3d-9f10-4b2c8d9e0a14',
      number: 'QUO-000001',
      client_id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      status: 'draft',
      currency: 'USD',
      issue_date: null,
      valid_until: '2024-12-31',
      line_items: [lineItem.meta()!.example],
      subtotal: 100,
      tax: 0,
      total: 100,
      notes: null,
      metadata: {},
      created_at: '2024-12-01T10:30:00.000Z',
      updated_at: '2024-12-01T10:30:00.000Z',
    },
  });

function toQuote(v: QuoteView): z.output<typeof quote> {
  const money = (amount: number) => minorToDecimal(amount, v.currency);
  return {
    id: v.id,
    number: v.number,
    client_id: v.customerId,
    status: v.status,
    currency: v.currency,
    issue_date: v.issueDate,
    valid_until: v.validUntil,
    line_items: v.lines.map((l) => toCrmLine(l, v.currency)),
    subtotal: money(v.subtotalAmount),
    tax: money(v.taxAmount),
    total: money(v.totalAmount),
    notes: v.notes,
    metadata: v.metadata,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

const fromCrm = (b: Partial<z.output<typeof quoteUpdate>>): QuoteInput => ({
  customerId: b.client_id,
  validUntil: b.valid_until,
  issueDate: b.issue_date,
  currency: b.currency,
  lines: b.line_items ? toCoreLines(b.line_items) : undefined,
  notes: b.notes,
  metadata: b.metadata,
  status: b.status,
});

const quoteFieldNames = { ...documentFieldNames, validUntil: 'valid_until', issueDate: 'issue_date' };

export function registerQuotes(app: FastifyInstance, deps: Deps) {
  const tags = ['CRM API'];
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/quotes',
    scope: 'quotes:read',
    summary: 'List quotes',
    description: 'Newest number first (stable). Filter by `client_id`, `status` and `updated_since`.',
    tags,
    querystring: z.strictObject({
      ...pageQuery,
      client_id: z.string().max(100).optional(),
      status: z.enum(statuses).optional().meta({ example: 'sent' }),
      updated_since: updatedSince,
    }),
    responses: { 200: pageExample(quote) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await quotes.listQuotes(ctx, documentListOptions(query));
      return { body: { data: rows.map(toQuote), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/quotes/:id',
    scope: 'quotes:read',
    summary: 'Get a quote',
    tags,
    params: idParams,
    responses: { 200: dataExample(quote) },
    handler: async (ctx, { params }) => ({ body: { data: toQuote(await quotes.getQuote(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/quotes',
    scope: 'quotes:write',
    summary: 'Create a quote',
    description: ['Numbered `QUO-000001`… per dealership. Line items as on invoices.', totalsText].join('\n\n'),
    tags,
    body: quoteCreate,
    responses: { 201: dataExample(quote) },
    fieldNames: quoteFieldNames,
    handler: async (ctx, { body }) => ({ status: 201, body: { data: toQuote(await quotes.createQuote(ctx, fromCrm(body))) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'PUT',
    path: '/quotes/:id',
    scope: 'quotes:write',
    summary: 'Update a quote',
    description: [
      'Partial update: omitted fields keep their values; `line_items`, when given, replaces every line. Change the status here: draft → sent → accepted | declined | expired.',
      totalsText,
    ].join('\n\n'),
    tags,
    params: idParams,
    body: quoteUpdate,
    responses: { 200: dataExample(quote) },
    fieldNames: quoteFieldNames,
    handler: async (ctx, { params, body }) => ({ body: { data: toQuote(await quotes.updateQuote(ctx, params.id, fromCrm(body))) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'DELETE',
    path: '/quotes/:id',
    scope: 'quotes:write',
    summary: 'Delete a quote',
    description: 'Soft delete: gone from every API, restorable from the dashboard for 30 days.',
    tags,
    params: idParams,
    responses: {
      200: dataEnvelope(z.object({ id: z.string(), deleted: z.literal(true), deleted_at: z.string() })).meta({
        example: { data: { id: '0193a5b2-8c00-7a3d-9f10-4b2c8d9e0a14', deleted: true, deleted_at: '2024-12-02T09:00:00.000Z' } },
      }),
    },
    handler: async (ctx, { params }) => {
      const deleted = await quotes.quoteCollection.remove(ctx, params.id);
      return { body: { data: { id: deleted.id, deleted: true as const, deleted_at: deleted.deletedAt! } } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/quotes/:id/convert',
    scope: 'quotes:write',
    alsoScopes: ['invoices:write'],
    summary: 'Convert a quote to an invoice',
    description:
      'Creates a draft invoice from a sent or accepted quote, with its client, currency and line items (the invoice’s `quote_id` keeps the lineage); a sent quote becomes accepted. A quote converts once (409 afterwards). Answers 201 with the new invoice.',
    tags,
    params: idParams,
    body: convertBody,
    responses: { 201: dataExample(crmInvoice) },
    fieldNames: invoiceFieldNames,
    handler: async (ctx, { params, body }) => {
      const invoice = await convertQuoteToInvoice(ctx, params.id, { dueDate: body?.due_date, issueDate: body?.issue_date, notes: body?.notes });
      return { status: 201, body: { data: toCrmInvoice(invoice) } };
    },
  });
}
