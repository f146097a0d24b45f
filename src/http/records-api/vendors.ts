import { z } from 'zod';
import * as vendors from '../../core/vendors.ts';
import { recordCollection } from './collection-routes.ts';
import { addressInput, metadata, recordTimestamps } from './record-fields.ts';

const fields = {
  name: z.string().trim().min(1).max(200).meta({ description: 'Trading name. Required on create.', example: 'Bradford Motor Factors Ltd' }),
  contactName: z.string().trim().max(200).nullable().meta({ description: 'Person to talk to.', example: 'Dev Patel' }),
  email: z.email().max(254).nullable().meta({ description: 'Stored lower-case.', example: 'orders@bradfordmotorfactors.example' }),
  phone: z.string().trim().max(40).nullable().meta({ example: '+44 1274 555 010' }),
  address: addressInput.nullable(),
  taxId: z.string().trim().max(50).nullable().meta({ description: 'VAT or tax registration number.', example: 'GB123456789' }),
  paymentTermsDays: z.number().int().min(0).max(365).nullable().meta({ description: 'Days the vendor allows for payment (net terms).', example: 30 }),
  notes: z.string().max(10_000).nullable().meta({ example: 'Next-day delivery if ordered by 16:00.' }),
  metadata,
};

export const vendorInput = z.strictObject(fields).partial();
const vendorCreate = vendorInput.meta({
  id: 'VendorCreate',
  example: { name: 'Bradford Motor Factors Ltd', contactName: 'Dev Patel', email: 'orders@bradfordmotorfactors.example', paymentTermsDays: 30 },
});

export const vendorRecord = z.object({ id: z.string(), ...fields, email: z.string().nullable(), address: z.record(z.string(), z.string()).nullable(), ...recordTimestamps }).meta({ id: 'Vendor' });

export const vendorRoutes = recordCollection({
  name: 'vendors',
  singular: 'vendor',
  plural: 'vendors',
  description: 'Suppliers of parts and services. Purchase orders and inventory items refer to them by `vendorId`.',
  record: vendorRecord,
  create: vendorCreate,
  update: vendorInput,
  ops: vendors.vendorCollection,
});
