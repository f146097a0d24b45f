import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { today, TODAY_LIST_LIMIT } from '../../core/today.ts';
import { appointmentStatuses } from '../../storage/schema/index.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { inboxLeadSchema } from './lead-inbox.ts';
import { money } from './customer-overview.ts';

// GET /manage/v1/today: the dashboard's landing page in one call. Counts cover everything; each
// list holds the first TODAY_LIST_LIMIT (most urgent first).
export function registerToday(app: FastifyInstance, deps: Deps) {
  const items = <T extends z.ZodType>(t: T) => z.array(t).meta({ description: `At most ${TODAY_LIST_LIMIT}.` });
  const lead = inboxLeadSchema().extend({
    respondedAt: z.string().nullable().meta({ description: 'When the lead was first moved on from `new` (from the event log); null while it waits.' }),
    responseSeconds: z.number().int().meta({ description: 'Seconds from receipt to that first response; while the lead is still new, the wait so far.', example: 840 }),
  });
  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/today',
    scope: 'records:manage',
    summary: "Today: new leads, the day's test drives, overdue invoices, work in progress and the day's sales",
    description:
      '"Today" is the calendar day in the tenant\'s time zone (`settings.timeZone`, an IANA name), else UTC; `timeZone`, `start` and `end` say which day was used. `leads` lists the leads still new or received today, newest first, each with its response time. `overdueInvoices` are sent invoices due before today, oldest due first; `sales` counts invoices paid and payments received today, per currency.',
    tags: ['Management API'],
    responses: {
      200: z.object({
        data: z.object({
          date: z.string().meta({ example: '2026-12-02' }),
          timeZone: z.string().meta({ example: 'UTC' }),
          start: z.string(),
          end: z.string(),
          leads: z.object({ new: z.number().int(), receivedToday: z.number().int(), items: items(lead) }),
          testDrives: z.object({
            count: z.number().int(),
            items: items(
              z.object({
                id: z.string(),
                motorId: z.string(),
                motorName: z.string(),
                name: z.string(),
                email: z.string(),
                phone: z.string().nullable(),
                preferredDate: z.string().nullable(),
                status: z.enum(appointmentStatuses),
                leadId: z.string(),
              }),
            ),
          }),
          overdueInvoices: z.object({
            count: z.number().int(),
            amountDue: z.array(money),
            items: items(
              z.object({ id: z.string(), number: z.string(), customerId: z.string(), customerName: z.string(), dueDate: z.string().nullable(), currency: z.string(), amountDue: z.number().int() }),
            ),
          }),
          workOrdersInProgress: z.object({
            count: z.number().int(),
            items: items(
              z.object({
                id: z.string(),
                number: z.string(),
                customerId: z.string(),
                customerName: z.string(),
                motorId: z.string(),
                motorName: z.string(),
                promisedAt: z.string().nullable(),
                currency: z.string(),
                totalAmount: z.number().int(),
              }),
            ),
          }),
          sales: z.object({ invoicesPaid: z.number().int(), invoicedPaid: z.array(money), paymentsReceived: z.number().int(), received: z.array(money) }),
        }),
      }),
    },
    handler: async (ctx) => ({ body: { data: await today(ctx) } }),
  });
}
