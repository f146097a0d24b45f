import { sql } from 'drizzle-orm';
import { pgTable, text, jsonb, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { type SearchColumns, type SearchField, digitsField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

export const leadSources = ['website', 'phone', 'walk-in', 'marketplace', 'adf', 'contact_form', 'test_drive', 'other'] as const;
export const leadStatuses = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;
export const leadInterests = ['buy', 'lease', 'sell', 'trade-in', 'test-drive', 'service'] as const;

export type VehicleOfInterest = { year?: number | null; make?: string | null; model?: string | null };

/** What an ADF/XML document said beyond the lead's own fields (every vehicle, contact, vendor, provider). */
export type LeadIntakeDetails = Record<string, unknown>;

/** What the Records API's `q` searches in a lead (core/search.ts): the contact's name, email and phone digits. */
export const leadSearchFields = (t: SearchColumns<'contactName' | 'contactEmail' | 'contactPhone'>) => [textField(t.contactName), textField(t.contactEmail), digitsField(t.contactPhone)];

export const leads = pgTable(
  'leads',
  {
    ...tenantColumns(),
    source: text('source', { enum: leadSources }).notNull().default('other'),
    status: text('status', { enum: leadStatuses }).notNull().default('new'),
    customerId: text('customer_id'),
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    interest: text('interest', { enum: leadInterests }),
    motorId: text('motor_id'),
    vehicleOfInterest: jsonb('vehicle_of_interest').$type<VehicleOfInterest>(),
    message: text('message'),
    assignedEmployeeId: text('assigned_employee_id'),
    metadata: metadataColumn(),
    /** How an intake lead arrived: http, email (null for leads written through the API). */
    channel: text('channel'),
    /** The sender's own id of the lead (ADF prospect `id`) and the system that gave it (`id@source`). */
    externalId: text('external_id'),
    externalSource: text('external_source'),
    /** The lead provider named in the document (ADF `provider/name`). */
    provider: text('provider'),
    /** The document exactly as received (decoded to text), so nothing sent is ever lost. */
    rawDocument: text('raw_document'),
    parseWarnings: text('parse_warnings').array().notNull().default([]),
    intakeDetails: jsonb('intake_details').$type<LeadIntakeDetails>(),
    searchText: searchTextColumn((): SearchField[] => leadSearchFields(leads)),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('leads_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id),
    searchIndex('leads_search_grams_idx', t),
    index('leads_status_idx').on(t.tenantId, t.environment, t.status),
    // The dashboard's inbox: newest received first.
    index('leads_received_idx').on(t.tenantId, t.environment, t.createdAt, t.id),
    // A provider's retry of the same lead (same id@source) must never make a second lead.
    uniqueIndex('leads_external_uq').on(t.tenantId, t.environment, t.externalSource, t.externalId).where(sql`${t.externalId} is not null and ${t.externalSource} is not null`),
  ],
);
