import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as invoices from '../../core/invoices.ts';
import type { InvoiceInput, InvoiceView } from '../../core/invoices.ts';
import { invalidField } from '../../core/errors.ts';
import { minorToDecimal } from '../../core/money.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { currencyCode, dataExample, idParams, isoDay, pageExample, pageQuery, pagination, updatedSince, uuidRef, documentListOptions } from './common.ts';
import { documentFieldNames, lineItem, lineItemInput, toCoreLines, toCrmLine, totalsText } from './line-items.ts';

// CRM API invoices are the Records API's invoices (one record), in snake_case with decimal money.

const displayStatuses = ['draft', 'sent', 'overdue', 'paid', 'void'] as const;

const fields = {
  client_id: uuidRef('client').meta({ description: 'The client billed. Required on create; a deleted client is refused.' }),
  due_date: isoDay('Payment due; a sent invoice past it is overdue.', '2024-12-31').nullable(),
  issue_date: isoDay('Date of issue; an invoice sent without one gets the day it is sent.', '2024-12-01').nullable(),
  currency: currencyCode.meta({ description: 'ISO 4217, one for all lines. Defaults to the first product’s currency, else the dealership’s currency, else USD.', example: 'USD' }),
  line_items: z.array(lineItemInput).max(500).meta({ description: 'Replaces all lines when given; totals are recomputed. Refused (409) once the invoice is paid or void.' }),
  notes: z.string().max(10_000).nullable(),
  metadata: z.record(z.string(), z.unknown()).meta({ description: 'Your own keys, stored as given.', example: { accounting_id: 'A-1042' } }),
};

const invoiceCreate = z
  .strictObject({
    ...fields,
    client_id: fields.client_id,
    status: z.enum(['draft', 'sent']).optional().meta({ description: 'draft (default) or sent, to create and send at once.', example: 'draft' }),
  })
  .partial()
  .required({ client_id: true })
  .meta({ example: { client_id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11', due_date: '2024-12-31', line_items: [{ description: 'Service', quantity: 1, rate: 100.0 }] } });

const invoiceUpdate = z
  .strictObject({ ...fields, status: z.enum(['draft', 'sent', 'paid', 'void']).meta({ description: 'Same rules as PATCH /invoices/{id}/status.' }) })
  .partial()
  .meta({ example: { due_date: '2025-01-15', line_items: [{ description: 'Service', quantity: 2, rate: 100.0, tax_rate: 20 }] } });

const statusBody = z
  .strictObject({
    status: z.enum(['draft', 'sent', 'paid', 'void', 'overdue']).meta({ description: 'The new status. `overdue` is derived from due_date and cannot be set.' }),
  })
  .meta({ example: { status: 'sent' } });

export const crmInvoice = z
  .object({
    id: z.string(),
    number: z.string().meta({ description: 'Per-dealership number, consecutive without gaps.' }),
    client_id: z.string(),
    quote_id: z.string().nullable().meta({ description: 'The quote this invoice was converted from.' }),
    status: z.enum(displayStatuses).meta({ description: 'draft, sent, paid or void — or overdue: a sent invoice past its due date (derived, never stored).' }),
    overdue: z.boolean(),
    currency: z.string(),
    issue_date: z.string().nullable(),
    due_date: z.string().nullable(),
    line_items: z.array(lineItem),
    subtotal: z.number(),
    tax: z.number(),
    total: z.number(),
    amount_paid: z.number().meta({ description: 'Sum of the payments recorded (POST /payments).' }),
    amount_due: z.number().meta({ description: 'total − amount_paid; 0 once paid or void.' }),
    notes: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    sent_at: z.string().nullable(),
    paid_at: z.string().nullable(),
    voided_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: 'CrmInvoice',
    example: {
      id: '0193a5b2-8d00-7a3d-9f10-4b2c8d9e0a10',
      number: 'INV-000001',
      client_id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      quote_id: null,
      status: 'draft',
      overdue: false,
      currency: 'USD',
      issue_date: null,
      due_date: '2024-12-31',
      line_items: [lineItem.meta()!.example],
      subtotal: 100,
      tax: 0,
      total: 100,
      amount_paid: 0,
      amount_due: 100,
      notes: null,
      metadata: {},
      sent_at: null,
      paid_at: null,
      voided_at: null,
      created_at: '2024-12-01T10:30:00.000Z',
      updated_at: '2024-12-01T10:30:00.000Z',
    },
  });

export function toCrmInvoice(v: InvoiceView): z.output<typeof crmInvoice> {
  const money = (amount: number) => minorToDecimal(amount, v.currency);
  return {
    id: v.id,
    number: v.number,
    client_id: v.customerId,
    quote_id: v.quoteId,
    status: v.displayStatus,
    overdue: v.overdue,
    currency: v.currency,
    issue_date: v.issueDate,
    due_date: v.dueDate,
    line_items: v.lines.map((l) => toCrmLine(l, v.currency)),
    subtotal: money(v.subtotalAmount),
    tax: money(v.taxAmount),
    total: money(v.totalAmount),
    amount_paid: money(v.amountPaid),
    amount_due: money(v.amountDue),
    notes: v.notes,
    metadata: v.metadata,
    sent_at: v.sentAt,
    paid_at: v.paidAt,
    voided_at: v.voidedAt,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

type InvoiceBody = Partial<z.output<typeof invoiceUpdate>>;

const fromCrm = (b: InvoiceBody): InvoiceInput => ({
  customerId: b.client_id,
  dueDate: b.due_date,
  issueDate: b.issue_date,
  currency: b.currency,
  lines: b.line_items ? toCoreLines(b.line_items) : undefined,
  notes: b.notes,
  metadata: b.metadata,
  status: b.status,
});

export const invoiceFieldNames = { ...documentFieldNames, dueDate: 'due_date', issueDate: 'issue_date', quoteId: 'quote_id' };
const lifecycle =
  'Status lifecycle: draft → sent → paid | void, and draft → void; `overdue` is derived (a sent invoice past due_date). Any other change is a 409 `invalid_transition` naming the allowed next statuses; a paid or void invoice’s lines can no longer change (409).';

export function registerInvoices(app: FastifyInstance, deps: Deps) {
  const tags = ['CRM API'];
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/invoices',
    scope: 'invoices:read',
    summary: 'List invoices',
    description: 'Newest number first (stable). Filter by `client_id`, `status` as shown (`sent` excludes overdue invoices, `overdue` finds sent invoices past due) and `updated_since`.',
    tags,
    querystring: z.strictObject({
      ...pageQuery,
      client_id: z.string().max(100).optional().meta({ description: 'Only this client’s invoices.' }),
      status: z.enum(displayStatuses).optional().meta({ description: 'draft, sent, overdue, paid or void.', example: 'overdue' }),
      updated_since: updatedSince,
    }),
    responses: { 200: pageExample(crmInvoice) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await invoices.listInvoices(ctx, documentListOptions(query));
      return { body: { data: rows.map(toCrmInvoice), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/invoices/:id',
    scope: 'invoices:read',
    summary: 'Get an invoice',
    tags,
    params: idParams,
    responses: { 200: dataExample(crmInvoice) },
    handler: async (ctx, { params }) => ({ body: { data: toCrmInvoice(await invoices.getInvoice(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/invoices',
    scope: 'invoices:write',
    summary: 'Create an invoice',
    description: [
      'Numbered `INV-000001`… per dealership without gaps or duplicates, even under concurrent creation. Lines may reference a product (`product_id`) to take its name, price and tax rate.',
      totalsText,
      lifecycle,
    ].join('\n\n'),
    tags,
    body: invoiceCreate,
    responses: { 201: dataExample(crmInvoice) },
    // One statement (core/one-statement.ts); a create that also sends, or takes a product's price, runs in a transaction.
    transaction: 'statement',
    fieldNames: invoiceFieldNames,
    handler: async (ctx, { body }) => {
      const { status, ...rest } = body;
      const draft = await invoices.createInvoice(ctx, fromCrm(rest));
      const created = status === 'sent' ? await invoices.setInvoiceStatus(ctx, draft.id, 'sent') : draft;
      return { status: 201, body: { data: toCrmInvoice(created) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'PUT',
    path: '/invoices/:id',
    scope: 'invoices:write',
    summary: 'Update an invoice',
    description: ['Partial update: omitted fields keep their values; `line_items`, when given, replaces every line.', totalsText, lifecycle].join('\n\n'),
    tags,
    params: idParams,
    body: invoiceUpdate,
    responses: { 200: dataExample(crmInvoice) },
    fieldNames: invoiceFieldNames,
    handler: async (ctx, { params, body }) => ({ body: { data: toCrmInvoice(await invoices.updateInvoice(ctx, params.id, fromCrm(body))) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'PATCH',
    path: '/invoices/:id/status',
    scope: 'invoices:write',
    summary: 'Update an invoice’s status',
    description: `${lifecycle} Marking an invoice paid here records no payment; use POST /payments to record money received (it marks the invoice paid when covered).`,
    tags,
    params: idParams,
    body: statusBody,
    responses: { 200: dataExample(crmInvoice) },
    fieldNames: invoiceFieldNames,
    handler: async (ctx, { params, body }) => {
      if (body.status === 'overdue') throw invalidField('status', 'overdue is derived from due_date and cannot be set; send the invoice (sent) with a due_date instead');
      return { body: { data: toCrmInvoice(await invoices.setInvoiceStatus(ctx, params.id, body.status as invoices.InvoiceStatus)) } };
    },
  });
}
