import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as payments from '../../core/payments.ts';
import type { PaymentView } from '../../core/payments.ts';
import { getInvoice } from '../../core/invoices.ts';
import { AppError, invalidField } from '../../core/errors.ts';
import { decimalToMinor, minorToDecimal } from '../../core/money.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataExample, decimalMoney, idParams, isoInstant, pageExample, pageQuery, pagination, updatedSince, uuidRef } from './common.ts';

// Payments, which the CRM document's scopes name (payments:read / payments:write): money
// received against an invoice. CRM-only; they fire crm.payments.created.

const paymentCreate = z
  .strictObject({
    invoice_id: uuidRef('sent invoice'),
    amount: decimalMoney('Amount received, in the invoice’s currency; greater than 0 and at most the amount due.', 100),
    method: z.string().trim().min(1).max(50).meta({ description: 'How the money arrived, e.g. card, cash, bank_transfer, check, other (free text, lower-cased).', example: 'bank_transfer' }),
    paid_at: isoInstant('When the money arrived; defaults to now.', '2024-12-15T09:00:00Z').optional(),
    reference: z.string().trim().max(200).nullable().optional().meta({ description: 'Bank or processor reference.', example: 'TRX-88123' }),
    notes: z.string().max(10_000).nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ example: { invoice_id: '0193a5b2-8d00-7a3d-9f10-4b2c8d9e0a10', amount: 100.0, method: 'bank_transfer', reference: 'TRX-88123' } });

const payment = z
  .object({
    id: z.string(),
    invoice_id: z.string(),
    client_id: z.string(),
    amount: z.number(),
    currency: z.string(),
    method: z.string(),
    reference: z.string().nullable(),
    paid_at: z.string(),
    notes: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: 'CrmPayment',
    example: {
      id: '0193a5b2-9f00-7a3d-9f10-4b2c8d9e0a15',
      invoice_id: '0193a5b2-8d00-7a3d-9f10-4b2c8d9e0a10',
      client_id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      amount: 100,
      currency: 'USD',
      method: 'bank_transfer',
      reference: 'TRX-88123',
      paid_at: '2024-12-15T09:00:00.000Z',
      notes: null,
      metadata: {},
      created_at: '2024-12-15T09:01:00.000Z',
      updated_at: '2024-12-15T09:01:00.000Z',
    },
  });

const toPayment = (v: PaymentView): z.output<typeof payment> => ({
  id: v.id,
  invoice_id: v.invoiceId,
  client_id: v.customerId,
  amount: minorToDecimal(v.amount, v.currency),
  currency: v.currency,
  method: v.method,
  reference: v.reference,
  paid_at: v.paidAt,
  notes: v.notes,
  metadata: v.metadata,
  created_at: v.createdAt,
  updated_at: v.updatedAt,
});

const paymentFieldNames = { invoiceId: 'invoice_id', paidAt: 'paid_at' };

export function registerPayments(app: FastifyInstance, deps: Deps) {
  const tags = ['CRM API'];
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/payments',
    scope: 'payments:read',
    summary: 'List payments',
    description: 'Newest first. Filter by `invoice_id`, `client_id` and `updated_since`.',
    tags,
    querystring: z.strictObject({
      ...pageQuery,
      invoice_id: z.string().max(100).optional(),
      client_id: z.string().max(100).optional(),
      updated_since: updatedSince,
    }),
    responses: { 200: pageExample(payment) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await payments.listPayments(ctx, {
        page: query.page,
        limit: query.limit,
        invoiceId: query.invoice_id,
        customerId: query.client_id,
        updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
      });
      return { body: { data: rows.map(toPayment), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/payments/:id',
    scope: 'payments:read',
    summary: 'Get a payment',
    tags,
    params: idParams,
    responses: { 200: dataExample(payment) },
    handler: async (ctx, { params }) => ({ body: { data: toPayment(await payments.getPayment(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/payments',
    scope: 'payments:write',
    summary: 'Record a payment',
    description:
      'Records money received against a sent (or overdue) invoice, in the invoice’s currency. The invoice’s `amount_paid` rises in the same transaction and, once the total is covered, its status becomes `paid`. Refused: an unknown invoice (400), a draft, paid or void invoice (409), an amount over the amount due (409 naming `amount`; overpayment is never recorded). Fires `crm.payments.created` and `crm.invoices.updated`.',
    tags,
    body: paymentCreate,
    responses: { 201: dataExample(payment) },
    fieldNames: paymentFieldNames,
    handler: async (ctx, { body }) => {
      const invoice = await getInvoice(ctx, body.invoice_id).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') throw invalidField('invoiceId', `no record with id ${body.invoice_id}`);
        throw err;
      });
      const recorded = await payments.recordPayment(ctx, {
        invoiceId: body.invoice_id,
        amount: decimalToMinor(body.amount, invoice.currency, 'amount'),
        method: body.method,
        paidAt: body.paid_at ? new Date(body.paid_at) : undefined,
        reference: body.reference,
        notes: body.notes,
        metadata: body.metadata,
      });
      return { status: 201, body: { data: toPayment(recorded.payment) } };
    },
  });
}
