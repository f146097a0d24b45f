import { z } from 'zod';
import { logisticsEntryCollection } from '../../core/logistics-entries.ts';
import { logisticsKinds, logisticsStatuses } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { minorAmount, currency, metadata, recordId, reference, recordTimestamps } from './record-fields.ts';

const instant = (description: string, example: string) =>
  z.iso
    .datetime({ offset: true })
    .meta({ description: `${description} ISO 8601 date-time.`, example })
    .transform((s) => new Date(s));

const fields = {
  motorId: reference('motors', 'The vehicle moved. Required.'),
  kind: z.enum(logisticsKinds).meta({ description: 'Required.', example: 'delivery' }),
  fromLocation: z.string().trim().max(500).nullable().meta({ description: 'Address it leaves from.', example: '2200 Auto Mall Dr, Fremont, CA' }),
  toLocation: z.string().trim().max(500).nullable().meta({ description: 'Address it goes to.', example: '48 Oak Street, San Jose, CA' }),
  carrier: z.string().trim().max(200).nullable().meta({ example: 'Bayline Auto Transport' }),
  trackingNumber: z.string().trim().max(100).nullable().meta({ example: 'BAT-778812' }),
  costAmount: minorAmount('What the move costs.', 18500).nullable(),
  currency: currency.nullable().meta({ description: 'ISO 4217; required with costAmount.', example: 'USD' }),
  status: z.enum(logisticsStatuses).meta({ description: 'Defaults to scheduled.', example: 'scheduled' }),
  driverEmployeeId: reference('employees', 'The employee driving, if in-house.').nullable(),
  notes: z.string().max(10_000).nullable().meta({ example: 'Call the customer 30 minutes before arrival.' }),
  metadata,
};

const input = z
  .strictObject({
    ...fields,
    scheduledAt: instant('When the move is planned.', '2026-03-05T09:00:00.000Z').nullable(),
    completedAt: instant('When it arrived; not before scheduledAt.', '2026-03-05T11:40:00.000Z').nullable(),
  })
  .partial();
const create = input.required({ motorId: true, kind: true }).meta({
  id: 'LogisticsEntryCreate',
  example: {
    motorId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
    kind: 'delivery',
    fromLocation: '2200 Auto Mall Dr, Fremont, CA',
    toLocation: '48 Oak Street, San Jose, CA',
    scheduledAt: '2026-03-05T09:00:00.000Z',
    costAmount: 18500,
    currency: 'USD',
  },
});
const update = input.meta({ id: 'LogisticsEntryUpdate', example: { status: 'delivered', completedAt: '2026-03-05T11:40:00.000Z' } });

export const logisticsEntryRecord = z
  .object({
    id: recordId,
    ...fields,
    scheduledAt: z.string().nullable().meta({ description: 'ISO 8601.', example: '2026-03-05T09:00:00.000Z' }),
    completedAt: z.string().nullable().meta({ description: 'ISO 8601.', example: null }),
    ...recordTimestamps,
  })
  .meta({ id: 'LogisticsEntry' });

export const logisticsEntryRoutes = recordCollection({
  name: 'logisticsEntries',
  singular: 'logistics entry',
  plural: 'logistics entries',
  description: 'Vehicle movements: deliveries to customers, pickups, transfers between sites and transport by carriers.',
  record: logisticsEntryRecord,
  create,
  update,
  ops: logisticsEntryCollection,
});
