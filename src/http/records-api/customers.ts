import { z } from 'zod';
import * as customers from '../../core/customers.ts';
import { recordCollection } from './collection-routes.ts';
import { addressInput as address } from './record-fields.ts';

const fields = {
  type: z.enum(['person', 'company']).meta({ description: 'A private person or a business.' }),
  firstName: z.string().trim().max(100).nullable().meta({ example: 'Amelia' }),
  lastName: z.string().trim().max(100).nullable().meta({ example: 'Hart' }),
  companyName: z.string().trim().max(200).nullable().meta({ description: 'Required when type is company.', example: null }),
  email: z.email().max(254).nullable().meta({ example: 'amelia.hart@example.com' }),
  phone: z.string().trim().max(40).nullable().meta({ example: '+44 113 496 0000' }),
  mobile: z.string().trim().max(40).nullable().meta({ example: '+44 7700 900123' }),
  whatsapp: z.string().trim().max(40).nullable(),
  address: address.nullable(),
  tags: z
    .array(z.string().trim().min(1).max(50))
    .max(50)
    .meta({ example: ['repeat-buyer'] }),
  notes: z.string().max(10_000).nullable(),
  marketingConsent: z.boolean().meta({ description: 'Agreed to marketing messages.' }),
  isVip: z.boolean(),
  leadScore: z.number().int().min(0).max(100),
  lifecycleStage: z.enum(['PROSPECT', 'LEAD', 'CUSTOMER', 'CHURNED']),
  source: z.string().max(100).nullable().meta({ description: 'Where the customer came from (website, walk-in, import …).' }),
  preferences: z.record(z.string(), z.unknown()).meta({ example: { vehicleTypes: ['SUV'] } }),
  metadata: z.record(z.string(), z.unknown()).meta({ description: "Integrators' own keys, stored as given.", example: { dmsId: 'C-1042' } }),
};

export const customerInput = z.strictObject(fields).partial();
export const customerCreate = customerInput.meta({
  id: 'CustomerCreate',
  example: { type: 'person', firstName: 'Amelia', lastName: 'Hart', email: 'amelia.hart@example.com', mobile: '+44 7700 900123', tags: ['repeat-buyer'] },
});

export const customerRecord = z
  .object({
    id: z.string(),
    ...fields,
    type: fields.type,
    displayName: z.string(),
    email: z.string().nullable(),
    address: z.record(z.string(), z.string()).nullable(),
    lifecycleStage: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable().meta({ description: 'Set on tombstones (includeDeleted=true).' }),
  })
  .meta({ id: 'Customer' });

export const customerRoutes = recordCollection({
  name: 'customers',
  singular: 'customer',
  plural: 'customers',
  description: "Customers are the CRM API's clients and the Storefront API's customers: one record, three views.",
  record: customerRecord,
  create: customerCreate,
  update: customerInput,
  ops: customers.customerCollection,
});
