import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { getAdfForwarding, listAdfDeliveries, resendAdfDelivery, setAdfForwarding, testAdfForwarding } from '../../core/adf-forwarding.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope } from '../platform/fields.ts';

// The dashboard's ADF forwarding settings (every new lead as ADF/XML to a DMS, by HTTP and/or
// e-mail) and their delivery log, for the environment of X-Motors-Environment. Owners and admins
// only, like webhooks: a target receives every lead's contact details.
const target = z.object({
  id: z.string(),
  kind: z.enum(['http', 'email']),
  target: z.string().meta({ description: 'The URL, or the e-mail address.' }),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().meta({ description: 'Why it is off: switched off, or 5 days without a successful delivery.' }),
  failingSince: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
});
const settingsView = z
  .object({
    enabled: z.boolean(),
    url: z.string().nullable(),
    email: z.string().nullable(),
    emailAvailable: z.boolean().meta({ description: 'Whether this server can send mail (its operator set SMTP_RELAY_URL).' }),
    targets: z.array(target),
  })
  .meta({
    example: {
      enabled: true,
      url: 'https://dms.example.com/adf/inbound',
      email: 'leads@dms.example.com',
      emailAvailable: true,
      targets: [
        {
          id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
          kind: 'http',
          target: 'https://dms.example.com/adf/inbound',
          enabled: true,
          disabledReason: null,
          failingSince: null,
          lastSuccessAt: '2026-01-15T10:31:02.120Z',
        },
        { id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a12', kind: 'email', target: 'leads@dms.example.com', enabled: true, disabledReason: null, failingSince: null, lastSuccessAt: null },
      ],
    },
  });
const attempt = z.object({
  id: z.string(),
  requestId: z.string(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable().meta({ description: 'The HTTP status, or the SMTP reply code for e-mail.' }),
  responseBody: z.string().nullable().meta({ description: 'The first 4 KiB of the response body, or the SMTP reply.' }),
  error: z.string().nullable(),
});
const delivery = z.object({
  id: z.string(),
  endpointId: z.string(),
  kind: z.enum(['http', 'email']),
  target: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'dead']),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  attempts: z.array(attempt),
});
const testResult = z.object({
  kind: z.enum(['http', 'email']),
  target: z.string(),
  deliveryId: z.string(),
  success: z.boolean(),
  requestId: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
});

export function registerAdfForwarding(app: FastifyInstance, deps: Deps) {
  const tags = ['Management API'];
  const settings = () => deps.webhookSettings;

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/adf-forwarding',
    scope: 'webhooks:manage',
    summary: 'The ADF forwarding settings: where every new lead is sent as ADF/XML',
    tags,
    responses: { 200: dataEnvelope(settingsView) },
    handler: async (ctx) => ({ body: { data: await getAdfForwarding(ctx, settings()) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'PUT',
    path: '/adf-forwarding',
    scope: 'webhooks:manage',
    summary: 'Set the ADF forwarding targets and switch it on or off',
    description: [
      'Every lead created from then on (`crm.leads.created`, through any API, the dashboard or ADF intake) is sent as an ADF 1.0 document to each target: `url` gets a `POST` with `Content-Type: application/xml; charset=utf-8` (2xx within 10 s is a success), `email` a plain-text mail whose body is the document. Failures are retried on the webhook schedule and logged with their attempts.',
      "Omitted fields keep their values; `null` (or an empty string) removes a target. The URL is held to the webhooks' address rules (public addresses only outside development). An e-mail address needs the server's mail relay (`SMTP_RELAY_URL`): without one it is a 400 naming `email`. `enabled` switches both targets; `true` also re-enables a target disabled after 5 days of failures.",
    ].join('\n\n'),
    tags,
    body: z
      .strictObject({
        url: z.string().max(2000).nullable().optional(),
        email: z.string().max(254).nullable().optional(),
        enabled: z.boolean().optional(),
      })
      .meta({ example: { url: 'https://dms.example.com/adf/inbound', email: 'leads@dms.example.com', enabled: true } }),
    responses: { 200: dataEnvelope(settingsView) },
    handler: async (ctx, { body }) => ({ body: { data: await setAdfForwarding(ctx, body, settings()) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/adf-forwarding/test',
    scope: 'webhooks:manage',
    summary: 'Send a sample lead to every ADF forwarding target now',
    description:
      'Sends an ADF document of a made-up lead ("Test Lead", `webhook.test`) to each target, switched on or not, and answers each outcome. Logged as deliveries, never retried. 409 when no target is set.',
    tags,
    transaction: false,
    responses: { 200: dataEnvelope(z.array(testResult)) },
    handler: async (ctx) => ({ body: { data: await testAdfForwarding(ctx, deps.send) } }),
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/adf-forwarding/deliveries',
    scope: 'webhooks:manage',
    summary: 'The ADF forwarding log: each lead sent, with its attempts',
    tags,
    querystring: z.strictObject({
      status: z.enum(['pending', 'succeeded', 'failed', 'dead']).optional(),
      page: z.coerce.number().int().min(1).default(1),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
    responses: { 200: z.object({ data: z.array(delivery), total: z.number().int(), page: z.number().int(), limit: z.number().int() }) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await listAdfDeliveries(ctx, query);
      return { body: { data: rows, total, page: query.page, limit: query.limit } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'POST',
    path: '/adf-forwarding/deliveries/:deliveryId/resend',
    scope: 'webhooks:manage',
    summary: 'Send one forwarded lead again',
    tags,
    params: z.object({ deliveryId: z.string().min(1).max(100) }),
    responses: { 200: dataEnvelope(delivery) },
    handler: async (ctx, { params }) => ({ body: { data: await resendAdfDelivery(ctx, params.deliveryId) } }),
  });
}
