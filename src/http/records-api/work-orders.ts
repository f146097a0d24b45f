import { z } from 'zod';
import { workOrderCollection, workOrderLifecycle, workOrderStatuses } from '../../core/work-orders.ts';
import type { Lifecycle } from '../../core/documents.ts';
import { recordCollection, type CollectionOps } from './collection-routes.ts';
import { lifecycleText, lineInput, lineRecord, totalsText } from './documents.ts';
import { currency, isoDate, metadata, recordId, recordTimestamps, reference } from './record-fields.ts';
import { plausibleInstant } from '../platform/fields.ts';

const jobInput = z
  .strictObject({
    title: z.string().trim().min(1).max(200).meta({ description: 'What the job is, e.g. "Front brakes".', example: 'Front brakes' }),
    concern: z.string().max(2000).nullable().optional().meta({ description: "The customer's concern, in their words.", example: 'Grinding noise when braking' }),
    findings: z.string().max(5000).nullable().optional().meta({ description: "The technician's findings.", example: 'Pads at 2 mm, discs scored' }),
    authorized: z.boolean().optional().meta({ description: 'The customer authorised this job. Only authorised jobs are invoiced.', example: true }),
    technicianEmployeeId: reference('employees', 'The technician doing the job.').nullable().optional(),
    lines: z.array(lineInput(false)).max(200).optional().meta({ description: 'Labour (hours × rate), parts (from inventoryItems), fees, discounts.' }),
  })
  .meta({
    example: { title: 'Front brakes', concern: 'Grinding noise', authorized: true, lines: [{ kind: 'labour', description: 'Replace pads and discs', quantity: 1.5, unitAmount: 9500, taxRate: 20 }] },
  });

const fields = {
  customerId: reference('customers', 'The customer (required on create).'),
  motorId: reference('motors', 'The vehicle being worked on (required on create).'),
  status: z.enum(workOrderStatuses).meta({ description: 'See the lifecycle in the description.', example: 'estimate' }),
  currency,
  jobs: z.array(jobInput).max(50),
  assignedEmployeeIds: z.array(reference('employees')).max(20).meta({ description: 'Employees assigned to the order (service advisor, technicians).' }),
  mileageIn: z.number().int().min(0).nullable().meta({ description: "Odometer when the vehicle came in (in the motor's unit).", example: 48210 }),
  mileageOut: z.number().int().min(0).nullable().meta({ description: 'Odometer when it left; not below mileageIn.', example: 48214 }),
  promisedAt: plausibleInstant().nullable().meta({ description: 'When the customer was promised the vehicle back.', example: '2026-03-02T17:00:00.000Z' }),
  quoteId: reference('quotes', 'The estimate (quote) this order came from.').nullable(),
  issueDate: isoDate('Date of the order.', '2026-03-01').nullable(),
  notes: z.string().max(10_000).nullable(),
  metadata,
};

const workOrderInput = z.strictObject(fields).partial();

const workOrderRecord = z
  .object({
    id: recordId,
    number: z.string().meta({ description: 'Per-tenant number, gap-free.', example: 'WO-000042' }),
    ...fields,
    customerId: z.string(),
    motorId: z.string(),
    quoteId: z.string().nullable(),
    invoiceId: z.string().nullable().meta({ description: 'Set when the order moves to invoiced: the invoice made from its authorised jobs.' }),
    promisedAt: z.string().nullable(),
    issueDate: z.string().nullable(),
    jobs: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        concern: z.string().nullable(),
        findings: z.string().nullable(),
        authorized: z.boolean(),
        technicianEmployeeId: z.string().nullable(),
        lines: z.array(lineRecord(false)),
        subtotalAmount: z.number().int(),
        taxAmount: z.number().int(),
        totalAmount: z.number().int(),
      }),
    ),
    subtotalAmount: z.number().int(),
    taxAmount: z.number().int(),
    totalAmount: z.number().int(),
    ...recordTimestamps,
  })
  .meta({ id: 'WorkOrder' });

export const workOrderRoutes = recordCollection({
  name: 'workOrders',
  singular: 'work order',
  plural: 'work orders',
  description: [
    "Repair orders: the customer's vehicle, the jobs (each with the customer's concern, the technician's findings and its lines of labour, parts drawn from inventoryItems, fees and discounts), the employees on it, and odometer readings in and out. The CRM API's `projects:*` scopes map to work orders.",
    lifecycleText('work order', workOrderLifecycle as Lifecycle<string>) +
      " Moving to `invoiced` creates the invoice from the authorised jobs' lines (its id lands in `invoiceId`, and `crm.invoices.created` fires).",
    totalsText,
  ].join('\n\n'),
  record: workOrderRecord,
  create: workOrderInput.meta({
    id: 'WorkOrderCreate',
    example: {
      customerId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      motorId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a12',
      mileageIn: 48210,
      jobs: [{ title: 'Front brakes', authorized: true, lines: [{ kind: 'labour', description: 'Replace pads and discs', quantity: 1.5, unitAmount: 9500, taxRate: 20 }] }],
    },
  }),
  update: workOrderInput,
  ops: workOrderCollection as unknown as CollectionOps<never>,
});
