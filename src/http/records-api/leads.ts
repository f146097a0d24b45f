import { z } from 'zod';
import { leadCollection } from '../../core/leads.ts';
import { leadInterests, leadSources, leadStatuses } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { metadata, recordId, reference, recordTimestamps } from './record-fields.ts';

const vehicleOfInterest = z
  .strictObject({
    year: z.number().int().min(1900).max(2100).nullable().optional(),
    make: z.string().trim().max(100).nullable().optional(),
    model: z.string().trim().max(100).nullable().optional(),
  })
  .meta({ description: 'The vehicle wanted, as text, when it is not a motor in stock.', example: { year: 2022, make: 'Honda', model: 'CR-V' } });

const fields = {
  source: z.enum(leadSources).meta({ description: 'Where the lead came from; defaults to other.', example: 'website' }),
  status: z.enum(leadStatuses).meta({
    description:
      'new → contacted → qualified → won | lost (lost from any open status; new may skip to qualified, contacted to won). Any status on create (imports); a forbidden change is a 409 naming the allowed ones.',
    example: 'new',
  }),
  customerId: reference('customers', 'The customer, when known.').nullable(),
  contactName: z.string().trim().max(200).nullable().meta({ description: 'Inline contact when there is no customerId.', example: 'Dana Whitfield' }),
  contactEmail: z.email().max(254).nullable().meta({ description: 'contactEmail or contactPhone is required when customerId is null.', example: 'dana.whitfield@example.com' }),
  contactPhone: z.string().trim().max(40).nullable().meta({ example: '+1 555 0188' }),
  interest: z.enum(leadInterests).nullable().meta({ description: 'What the prospect wants (ADF vehicle@interest, plus service).', example: 'test-drive' }),
  motorId: reference('motors', 'The vehicle of interest, when it is in stock.').nullable(),
  vehicleOfInterest: vehicleOfInterest.nullable(),
  message: z.string().max(10_000).nullable().meta({ example: 'Is the CR-V still available for a test drive on Saturday?' }),
  assignedEmployeeId: reference('employees', 'The salesperson following up.').nullable(),
  metadata,
};

const input = z.strictObject(fields).partial();
const create = input.meta({
  id: 'LeadCreate',
  example: {
    source: 'website',
    contactName: 'Dana Whitfield',
    contactEmail: 'dana.whitfield@example.com',
    interest: 'test-drive',
    vehicleOfInterest: { year: 2022, make: 'Honda', model: 'CR-V' },
    message: 'Is it available on Saturday?',
  },
});
const update = input.meta({ id: 'LeadUpdate', example: { status: 'contacted' } });

// Set by ADF/XML intake only (POST /leads/adf, /intake/adf/<token>, e-mail); null or empty otherwise.
const intakeFields = {
  channel: z.enum(['http', 'email']).nullable().meta({ description: 'How an intake lead arrived.', example: 'email' }),
  externalId: z.string().nullable().meta({ description: "The sender's id of the lead (ADF `<id>`); a content fingerprint when the document had none.", example: 'AT-88123441' }),
  externalSource: z
    .string()
    .nullable()
    .meta({ description: 'The system that gave externalId (ADF `id@source`), or `fingerprint`. A re-send of the same pair returns this lead.', example: 'AutoTrader' }),
  provider: z.string().nullable().meta({ description: 'The lead provider named in the document.', example: 'AutoTrader.com' }),
  rawDocument: z.string().nullable().meta({ description: 'The document exactly as received (decoded to text).', example: '<?xml version="1.0"?><adf>…</adf>' }),
  parseWarnings: z.array(z.string()).meta({ description: 'What the lenient parser had to forgive or could not read.', example: ['the customer contact has neither an email nor a phone'] }),
  intakeDetails: z
    .record(z.string(), z.unknown())
    .nullable()
    .meta({ description: 'Everything else the document said: every vehicle (trade-ins too), contact, vendor and provider.', example: { requestDate: '2026-03-01T09:30:00-05:00' } }),
};

export const leadRecord = z
  .object({
    id: recordId,
    ...fields,
    ...intakeFields,
    ...recordTimestamps,
  })
  .meta({ id: 'Lead' });

export const leadRoutes = recordCollection({
  name: 'leads',
  singular: 'lead',
  plural: 'leads',
  description: 'Sales and service enquiries from the website, phone, marketplaces and ADF feeds. A lead names a customer or carries inline contact details.',
  record: leadRecord,
  create,
  update,
  ops: leadCollection,
});
