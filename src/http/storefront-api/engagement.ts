import { z } from 'zod';
import { plausibleDay, plausibleInstant } from '../platform/fields.ts';
import type { FastifyInstance } from 'fastify';
import * as engagement from '../../core/engagement.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope } from './common.ts';

// The document's contact form and test-drive requests; each opens a lead in the dealer's CRM.

const required = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `must be ${what}`) });
const text = (max: number) => z.string(required('a string')).trim().min(1, 'required').max(max);

export function registerEngagement(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API: Engagement & Forms'];

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/contact/submit',
    inputFromQuery: true,
    scope: 'contact:write',
    summary: 'Submit a contact form',
    description: 'Stores the message and creates a lead (source `contact_form`, firing `crm.leads.created`). `referenceId` identifies the message for the shopper and your staff.',
    tags,
    body: z
      .strictObject({
        name: text(200).meta({ description: 'Sender name (required)' }),
        email: z.email(required('an email address')).max(254).meta({ description: 'Sender email (required)' }),
        message: text(10_000).meta({ description: 'Message body (required)' }),
        subject: z.string().trim().max(300).optional().meta({ description: 'Subject (optional)' }),
      })
      .meta({ example: { name: 'John Doe', email: 'john@example.com', subject: 'Financing question', message: 'Do you offer financing on the 2023 Camry?' } }),
    responses: {
      201: dataEnvelope(z.object({ success: z.boolean(), message: z.string(), referenceId: z.string() })).meta({
        example: { statusCode: 201, data: { success: true, message: 'Message sent', referenceId: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f73' } },
      }),
    },
    handler: async (ctx, { body }) => {
      const { referenceId } = await engagement.submitContactForm(ctx, body);
      return { status: 201, body: { statusCode: 201, data: { success: true, message: 'Message sent', referenceId } } };
    },
  });

  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/test-drives',
    inputFromQuery: true,
    scope: 'test_drives:write',
    summary: 'Create a test drive request',
    description:
      'The vehicle must be one of your available active listings (else a 400 naming `vehicleId`). Creates a lead (source `test_drive`, on that motor, the preferred date in its `message`, firing `crm.leads.created`: the event to follow a test drive by) and a pending appointment for the dealer’s staff (no event of its own).',
    tags,
    body: z
      .strictObject({
        vehicleId: z.string(required('a string')).min(1, 'required').max(100).meta({ description: 'Vehicle ID (required)' }),
        name: text(200).meta({ description: 'Customer name (required)' }),
        email: z.email(required('an email address')).max(254).meta({ description: 'Customer email (required)' }),
        phone: z.string().trim().max(40).optional().meta({ description: 'Customer phone (optional)' }),
        preferredDate: z.union([plausibleInstant(), plausibleDay()]).optional().meta({ description: 'Preferred date (optional): YYYY-MM-DD or an ISO 8601 date-time' }),
      })
      .meta({ example: { vehicleId: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f70', name: 'John Doe', email: 'john@example.com', phone: '+1234567890', preferredDate: '2026-12-05' } }),
    responses: {
      201: dataEnvelope(z.object({ id: z.string(), vehicleId: z.string(), status: z.string(), preferredDate: z.string().nullable() })).meta({
        example: {
          statusCode: 201,
          data: { id: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f74', vehicleId: '0193a5b2-7c1e-7d40-9f1a-2b3c4d5e6f70', status: 'pending', preferredDate: '2026-12-05T00:00:00.000Z' },
        },
      }),
    },
    handler: async (ctx, { body }) => {
      const a = await engagement.requestTestDrive(ctx, { ...body, preferredDate: body.preferredDate ? new Date(body.preferredDate) : null });
      return { status: 201, body: { statusCode: 201, data: { id: a.id, vehicleId: a.motorId, status: a.status, preferredDate: a.preferredDate } } };
    },
  });
}
