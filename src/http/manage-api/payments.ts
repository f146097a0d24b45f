import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { recordPayment } from '../../core/payments.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { plausibleInstant } from '../platform/fields.ts';

// POST /manage/v1/invoices/:id/payments: "Record payment" on an invoice's page. The same core as
// the CRM API's POST /payments: the invoice is locked, its amount paid rises in the same
// transaction, it becomes paid once covered, overpayment is refused, and both events fire.
export function registerManagePayments(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/invoices/:id/payments',
    operationId: 'manageRecordInvoicePayment',
    scope: 'records:manage',
    summary: 'Record money received against an invoice',
    description:
      '`amount` is in integer minor units of the invoice’s currency (cents for USD). Refused: a draft, paid or void invoice (409), an amount over what is due (409 naming `amount`). Answers with the payment and the invoice as it is now.',
    tags: ['Management API'],
    params: z.object({ id: z.string().min(1).max(100) }),
    body: z.strictObject({
      amount: z.number().int('must be a whole number of minor units (cents)').positive('must be more than 0'),
      method: z.string().trim().min(1, 'is required').max(40),
      paidAt: plausibleInstant().optional(),
      reference: z.string().trim().max(200).nullable().optional(),
      notes: z.string().max(2000).nullable().optional(),
    }),
    responses: { 201: z.object({ data: z.object({ payment: z.record(z.string(), z.unknown()), invoice: z.record(z.string(), z.unknown()) }) }) },
    handler: async (ctx, { params, body }) => {
      const done = await recordPayment(ctx, {
        invoiceId: params.id,
        amount: body.amount,
        method: body.method,
        paidAt: body.paidAt ? new Date(body.paidAt) : undefined,
        reference: body.reference,
        notes: body.notes,
      });
      return { status: 201, body: { data: done } };
    },
  });
}
