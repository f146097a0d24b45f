import { z } from 'zod';
import { policyCollection } from '../../core/policies.ts';
import { policyStatuses, policyTypes } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { minorAmount, currency, isoDate, metadata, recordId, reference, recordTimestamps } from './record-fields.ts';

const fields = {
  type: z.enum(policyTypes).meta({ description: 'Required.', example: 'warranty' }),
  provider: z.string().trim().min(1).max(200).meta({ description: 'Insurer or warranty company. Required.', example: 'AutoShield Warranty Co.' }),
  policyNumber: z.string().trim().max(100).nullable().meta({ example: 'AS-2026-004512' }),
  customerId: reference('customers', 'The policy holder. Required.'),
  motorId: reference('motors', 'The vehicle covered.').nullable(),
  startsOn: isoDate('First day of cover. Required.', '2026-01-15'),
  endsOn: isoDate('Last day of cover; must be after startsOn.', '2029-01-14').nullable(),
  premiumAmount: minorAmount('Premium or plan price.', 89900).nullable(),
  currency: currency.nullable().meta({ description: 'ISO 4217; required with premiumAmount.', example: 'USD' }),
  coverage: z.string().max(10_000).nullable().meta({ description: 'What is covered, as written on the policy.', example: 'Powertrain, 3 years or 36,000 miles' }),
  status: z.enum(policyStatuses).meta({ description: 'Defaults to active.', example: 'active' }),
  metadata,
};

const input = z.strictObject(fields).partial();
const create = input.required({ type: true, provider: true, customerId: true, startsOn: true }).meta({
  id: 'PolicyCreate',
  example: {
    type: 'warranty',
    provider: 'AutoShield Warranty Co.',
    customerId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
    startsOn: '2026-01-15',
    endsOn: '2029-01-14',
    premiumAmount: 89900,
    currency: 'USD',
    coverage: 'Powertrain, 3 years or 36,000 miles',
  },
});
const update = input.meta({ id: 'PolicyUpdate', example: { status: 'cancelled' } });

export const policyRecord = z.object({ id: recordId, ...fields, ...recordTimestamps }).meta({ id: 'Policy' });

export const policyRoutes = recordCollection({
  name: 'policies',
  singular: 'policy',
  plural: 'policies',
  description: 'Insurance, warranty and service-plan policies held by customers, optionally for one of their vehicles.',
  record: policyRecord,
  create,
  update,
  ops: policyCollection,
});
