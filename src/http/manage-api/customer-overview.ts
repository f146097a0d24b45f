import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { customerOverview, OVERVIEW_LIMIT, TIMELINE_LIMIT } from '../../core/customer-overview.ts';
import { vehicleOverview } from '../../core/vehicle-overview.ts';
import { appointmentStatuses } from '../../storage/schema/index.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { collectionNamed } from '../platform/record-registry.ts';

export const money = z.object({ currency: z.string().meta({ example: 'USD' }), amount: z.number().int().meta({ description: 'Integer minor units.', example: 125000 }) });

export const timelineItem = z
  .object({
    id: z.string(),
    event: z.string().meta({ example: 'crm.invoices.updated' }),
    createdAt: z.string(),
    collection: z.string().meta({ description: 'The collection of the record the event is about.', example: 'invoices' }),
    recordId: z.string(),
    label: z.string().nullable().meta({ description: "The record's number or name when the event was written.", example: 'INV-2026-0012' }),
    status: z.string().nullable().meta({ example: 'paid' }),
  })
  .meta({ id: 'TimelineItem' });

export const testDrive = z
  .object({
    id: z.string(),
    kind: z.literal('test_drive'),
    motorId: z.string(),
    leadId: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    preferredDate: z.string().nullable(),
    status: z.enum(appointmentStatuses),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TestDrive' });

/** The Records API schema of a collection, from the registry (as /manage/v1/records uses it). */
const recordSchema = (name: string) => collectionNamed(name).record;

// GET /manage/v1/customers/:id/overview and /motors/:id/overview: the dashboard's Customer 360
// and vehicle pages in one call each. Records are the Records API's; another tenant's record, or
// one of the other environment, is a 404.
export function registerCustomerOverview(app: FastifyInstance, deps: Deps) {
  const list = (name: string) => z.array(recordSchema(name)).meta({ description: `The newest ${OVERVIEW_LIMIT}.` });
  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/customers/:id/overview',
    scope: 'records:manage',
    summary: 'Customer 360: a customer with their vehicles, documents, leads, test drives and timeline',
    description: `Each list holds the newest ${OVERVIEW_LIMIT} records; \`openBalance\` is the amount due on every sent invoice, per currency. \`timeline\` is the newest ${TIMELINE_LIMIT} events of the customer and of the records naming them (invoices, quotes, work orders, leads, vehicles they own), newest first.`,
    tags: ['Management API'],
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: {
      200: z.object({
        data: z.object({
          customer: recordSchema('customers'),
          vehicles: list('motors'),
          invoices: list('invoices'),
          openBalance: z.array(money),
          quotes: list('quotes'),
          workOrders: list('workOrders'),
          leads: list('leads'),
          testDrives: z.array(testDrive),
          timeline: z.array(timelineItem),
        }),
      }),
    },
    handler: async (ctx, { params }) => ({ body: { data: await customerOverview(ctx, params.id) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/motors/:id/overview',
    scope: 'records:manage',
    summary: 'A vehicle with its owner, service history, leads, test drives and timeline',
    description: `\`workOrders\` is the service history, newest first; each list holds the newest ${OVERVIEW_LIMIT}. The listing is the vehicle's own fields. \`timeline\` is the newest ${TIMELINE_LIMIT} events of the vehicle and of the records naming it.`,
    tags: ['Management API'],
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: {
      200: z.object({
        data: z.object({
          vehicle: recordSchema('motors'),
          owner: recordSchema('customers').nullable(),
          workOrders: list('workOrders'),
          leads: list('leads'),
          testDrives: z.array(testDrive),
          timeline: z.array(timelineItem),
        }),
      }),
    },
    handler: async (ctx, { params }) => ({ body: { data: await vehicleOverview(ctx, params.id) } }),
  });
}
