import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as webhooks from '../../core/webhooks.ts';
import type { DeliveryView, WebhookEndpointView } from '../../core/webhooks.ts';
import { defineRoute, type Deps } from './route.ts';
import { dataEnvelope, idParam, webUrl } from './fields.ts';
import { pageEnvelope, pageQuery, pagination } from './pages.ts';

// The webhook endpoint routes, shared by two surfaces in one wire format (snake_case, as the
// CRM API document shows): the CRM API's and the management API's, which the dashboard calls
// (web/src relies on that shape). Each surface passes its own tags and scopes.

const receiverGuide = `Every delivery is a \`POST\` with \`Content-Type: application/json\` and the body
\`{ "id", "event", "createdAt", "environment", "data" }\`, where \`data\` is the record as the Records API returns it.

Headers: \`X-Motors-Event\`, \`X-Motors-Timestamp\` (epoch milliseconds), \`X-Motors-Signature: sha256=<hex>\`,
\`X-Motors-Request-Id\` (new per attempt), and the Standard Webhooks headers \`webhook-id\` (the event id),
\`webhook-timestamp\` (seconds) and \`webhook-signature\` (\`v1,<base64>\`).

**Verify** \`X-Motors-Signature\`: HMAC-SHA256 over \`<X-Motors-Timestamp>.<raw body>\`, keyed with the secret
string exactly as shown (\`whsec_…\`), hex-encoded; compare in constant time and refuse timestamps more than
5 minutes away. During a secret rotation the header carries two comma-separated signatures (accept either).

\`\`\`js
const crypto = require('node:crypto');
function verify(secret, rawBody, headers) {
  const ts = headers['x-motors-timestamp'];
  if (Math.abs(Date.now() - Number(ts)) > 5 * 60 * 1000) return false;
  const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', secret).update(ts + '.' + rawBody).digest('hex'));
  return headers['x-motors-signature'].split(',').some((s) => {
    const given = Buffer.from(s.trim());
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
\`\`\`

**Deduplicate** on the event \`id\` (also \`webhook-id\`): delivery is at-least-once and a retry carries the same id.
Answer 2xx within 10 seconds; anything else (including a redirect) is retried with back-off
(5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), honouring \`Retry-After\` on 429/503. An endpoint without a single
success for 5 days is disabled. The full guide and event catalogue: docs/webhooks.md.`;

const eventsField = z.array(z.string().min(1).max(100)).min(1).max(100).meta({ description: 'Event names (see the catalogue), prefixes such as `crm.customers.*`, or `*` for all.' });

const webhookInput = z.strictObject({
  url: webUrl().meta({ description: 'An http(s) URL that answers 2xx.' }),
  events: eventsField.optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
});

const webhookCreate = webhookInput
  .extend({ events: eventsField.default(['*']) })
  .meta({ example: { url: 'https://dealer.example.com/hooks/motors', events: ['crm.customers.created', 'crm.invoices.*'], description: 'DMS sync' } });

const webhookUpdate = webhookInput.partial().meta({ example: { events: ['*'], enabled: true } });

const exampleWebhook = {
  id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
  environment: 'live',
  url: 'https://dealer.example.com/hooks/motors',
  events: ['crm.customers.created', 'crm.invoices.*'],
  description: 'DMS sync',
  enabled: true,
  disabled_reason: null,
  failing_since: null,
  last_success_at: '2026-01-15T10:31:02.120Z',
  previous_secret_expires_at: null,
  created_at: '2026-01-15T10:30:00.000Z',
  updated_at: '2026-01-15T10:30:00.000Z',
};

const webhookFields = {
  id: z.string(),
  environment: z.enum(['live', 'test']),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable().meta({ description: 'Why the endpoint is disabled (e.g. 5 days without a success).' }),
  failing_since: z.string().nullable().meta({ description: 'First failure since the last success.' }),
  last_success_at: z.string().nullable(),
  previous_secret_expires_at: z.string().nullable().meta({ description: 'Until then deliveries also carry a signature made with the previous secret.' }),
  created_at: z.string(),
  updated_at: z.string(),
};

const webhook = z.object(webhookFields).meta({ id: 'CrmWebhook', example: exampleWebhook });
const webhookWithSecret = z
  .object({ ...webhookFields, secret: z.string().meta({ description: 'Signing secret, shown only here: store it now.' }) })
  .meta({ id: 'CrmWebhookWithSecret', example: { ...exampleWebhook, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } });

function toWebhook(w: WebhookEndpointView) {
  return {
    id: w.id,
    environment: w.environment,
    url: w.url,
    events: w.events,
    description: w.description,
    enabled: w.enabled,
    disabled_reason: w.disabledReason,
    failing_since: w.failingSince,
    last_success_at: w.lastSuccessAt,
    previous_secret_expires_at: w.previousSecretExpiresAt,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

const attempt = z.object({
  id: z.string(),
  request_id: z.string().meta({ description: 'The X-Motors-Request-Id sent with this attempt.' }),
  started_at: z.string(),
  duration_ms: z.number().int(),
  status_code: z.number().int().nullable(),
  response_body: z.string().nullable().meta({ description: 'The first 4 KiB of the response body, as text.' }),
  error: z.string().nullable(),
});

const delivery = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event_id: z.string(),
    event: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'dead']).meta({
      description: '`pending`: not tried yet; `failed`: the last attempt failed and a retry is scheduled; `dead`: the retry schedule is exhausted (can still be resent).',
    }),
    attempt_count: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    attempts: z.array(attempt),
  })
  .meta({
    id: 'CrmWebhookDelivery',
    example: {
      id: '0193a5b2-8000-7a3d-9f10-4b2c8d9e0a12',
      webhook_id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
      event_id: '0193a5b2-7f00-7a3d-9f10-4b2c8d9e0a13',
      event: 'crm.customers.created',
      status: 'succeeded',
      attempt_count: 2,
      next_attempt_at: null,
      last_status_code: 200,
      last_error: null,
      created_at: '2026-01-15T10:30:00.010Z',
      delivered_at: '2026-01-15T10:30:05.230Z',
      attempts: [
        {
          id: '0193a5b2-8001-7a3d-9f10-4b2c8d9e0a14',
          request_id: '6f1c1e9e-3f0e-4f4e-9d55-0b7f8f3c2a10',
          started_at: '2026-01-15T10:30:00.020Z',
          duration_ms: 41,
          status_code: 500,
          response_body: 'upstream error',
          error: 'HTTP 500',
        },
        {
          id: '0193a5b2-8002-7a3d-9f10-4b2c8d9e0a15',
          request_id: '0c5bd2a4-52a5-4b8e-8a51-2f4f0d5f1b77',
          started_at: '2026-01-15T10:30:05.200Z',
          duration_ms: 30,
          status_code: 200,
          response_body: 'ok',
          error: null,
        },
      ],
    },
  });

function toDelivery(d: DeliveryView) {
  return {
    id: d.id,
    webhook_id: d.endpointId,
    event_id: d.eventId,
    event: d.eventType,
    status: d.status,
    attempt_count: d.attemptCount,
    next_attempt_at: d.nextAttemptAt,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: d.createdAt,
    delivered_at: d.deliveredAt,
    attempts: d.attempts.map((a) => ({
      id: a.id,
      request_id: a.requestId,
      started_at: a.startedAt,
      duration_ms: a.durationMs,
      status_code: a.statusCode,
      response_body: a.responseBody,
      error: a.error,
    })),
  };
}

const testResult = z
  .object({
    delivery_id: z.string(),
    event_id: z.string(),
    success: z.boolean(),
    request_id: z.string(),
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    response_body: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({
    example: {
      delivery_id: '0193a5b2-8000-7a3d-9f10-4b2c8d9e0a12',
      event_id: '0193a5b2-7f00-7a3d-9f10-4b2c8d9e0a13',
      success: true,
      request_id: '6f1c1e9e-3f0e-4f4e-9d55-0b7f8f3c2a10',
      status_code: 200,
      duration_ms: 38,
      response_body: 'ok',
      error: null,
    },
  });

const idParams = idParam({ description: 'Resource id (UUID)' });
const deliveryParams = idParams.extend({ deliveryId: z.string().min(1).max(100).meta({ description: 'Delivery id' }) });

/**
 * The webhook routes on `surface`: the CRM API (scopes webhooks:read/write) and, with the same
 * shapes, the management API for the dashboard (webhooks:manage: staff owners and admins only).
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: Deps, surface: 'crm' | 'manage', opts: { tags: string[]; read: string; write: string }) {
  const { tags, read, write } = opts;
  const settings = () => deps.webhookSettings;

  defineRoute(app, deps, surface, {
    method: 'GET',
    path: '/webhooks',
    scope: read,
    summary: 'List webhooks',
    description: `The endpoints of this key's environment (a test key sees test endpoints, which receive only test events), newest first.\n\n${receiverGuide}`,
    tags,
    querystring: z.strictObject(pageQuery),
    responses: { 200: pageEnvelope(webhook) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await webhooks.listWebhookEndpoints(ctx, query);
      return { body: { data: rows.map(toWebhook), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, surface, {
    method: 'GET',
    path: '/webhooks/:id',
    scope: read,
    summary: 'Get a webhook',
    description: 'The secret is not shown again; rotate it to get a new one.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(webhook) },
    handler: async (ctx, { params }) => ({ body: { data: toWebhook(await webhooks.getWebhookEndpoint(ctx, params.id)) } }),
  });
  defineRoute(app, deps, surface, {
    method: 'POST',
    path: '/webhooks',
    scope: write,
    summary: 'Create a webhook',
    description: `Subscribes a URL to events of this key's environment. The response carries the signing secret (\`whsec_…\`), shown only here. Outside development the URL must resolve to a public address.\n\n${receiverGuide}`,
    tags,
    body: webhookCreate,
    responses: { 201: dataEnvelope(webhookWithSecret) },
    secretFields: ['data.secret'],
    handler: async (ctx, { body }) => {
      const created = await webhooks.createWebhookEndpoint(ctx, body, settings());
      return { status: 201, body: { data: { ...toWebhook(created), secret: created.secret } } };
    },
  });
  defineRoute(app, deps, surface, {
    method: 'PUT',
    path: '/webhooks/:id',
    scope: write,
    summary: 'Update a webhook',
    description: 'Partial update: omitted fields keep their values. `enabled: true` re-enables an endpoint disabled after 5 days of failures.',
    tags,
    params: idParams,
    body: webhookUpdate,
    responses: { 200: dataEnvelope(webhook) },
    handler: async (ctx, { params, body }) => ({ body: { data: toWebhook(await webhooks.updateWebhookEndpoint(ctx, params.id, body, settings())) } }),
  });
  defineRoute(app, deps, surface, {
    method: 'DELETE',
    path: '/webhooks/:id',
    scope: write,
    summary: 'Delete a webhook',
    description: 'No more deliveries are made to it; deliveries still queued are dropped.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(z.object({ id: z.string(), deleted: z.literal(true) })) },
    handler: async (ctx, { params }) => {
      const deleted = await webhooks.deleteWebhookEndpoint(ctx, params.id);
      return { body: { data: { id: deleted.id, deleted: true as const } } };
    },
  });
  defineRoute(app, deps, surface, {
    method: 'POST',
    path: '/webhooks/:id/test',
    scope: write,
    summary: 'Test a webhook',
    description: 'Sends a signed `webhook.test` event to the endpoint now and returns the outcome of that one attempt (it is logged, never retried). Not idempotent: each call sends a new test event.',
    tags,
    params: idParams,
    transaction: false,
    responses: { 200: dataEnvelope(testResult) },
    handler: async (ctx, { params }) => {
      const r = await webhooks.testWebhookEndpoint(ctx, params.id, deps.send);
      return {
        body: {
          data: {
            delivery_id: r.deliveryId,
            event_id: r.eventId,
            success: r.success,
            request_id: r.requestId,
            status_code: r.statusCode,
            duration_ms: r.durationMs,
            response_body: r.responseBody,
            error: r.error,
          },
        },
      };
    },
  });
  defineRoute(app, deps, surface, {
    method: 'POST',
    path: '/webhooks/:id/rotate-secret',
    scope: write,
    summary: 'Rotate a webhook secret',
    description: 'Returns a new secret. For 24 hours deliveries carry signatures made with both the new and the previous secret, so receivers can switch without losing an event.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(webhookWithSecret) },
    secretFields: ['data.secret'],
    handler: async (ctx, { params }) => {
      const rotated = await webhooks.rotateWebhookSecret(ctx, params.id);
      return { body: { data: { ...toWebhook(rotated), secret: rotated.secret } } };
    },
  });
  defineRoute(app, deps, surface, {
    method: 'GET',
    path: '/webhooks/:id/deliveries',
    scope: read,
    summary: 'List deliveries of a webhook',
    description: 'The delivery log, newest first: one delivery per event, each with every attempt (time, duration, status code, first 4 KiB of the response body, error). Kept 30 days.',
    tags,
    params: idParams,
    querystring: z.strictObject({
      ...pageQuery,
      status: z.enum(['pending', 'succeeded', 'failed', 'dead']).optional(),
      event_id: z.string().max(100).optional().meta({ description: 'Only the delivery of this event.' }),
    }),
    responses: { 200: pageEnvelope(delivery) },
    handler: async (ctx, { params, query }) => {
      const { rows, total } = await webhooks.listWebhookDeliveries(ctx, params.id, { page: query.page, limit: query.limit, status: query.status, eventId: query.event_id });
      return { body: { data: rows.map(toDelivery), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, surface, {
    method: 'POST',
    path: '/webhooks/:id/deliveries/:deliveryId/resend',
    scope: write,
    summary: 'Resend a delivery',
    description: 'Queues the delivery again at once, whatever its state, with the same event id and a fresh retry schedule.',
    tags,
    params: deliveryParams,
    responses: { 202: dataEnvelope(delivery) },
    handler: async (ctx, { params }) => ({ status: 202, body: { data: toDelivery(await webhooks.resendWebhookDelivery(ctx, params.id, params.deliveryId)) } }),
  });
  defineRoute(app, deps, surface, {
    method: 'POST',
    path: '/webhooks/:id/recover',
    scope: write,
    summary: 'Recover failed deliveries',
    description: 'Queues again every failed or dead delivery of the endpoint created since `since` — after an outage of the receiver, for example.',
    tags,
    params: idParams,
    body: z.strictObject({ since: z.iso.datetime({ offset: true }).meta({ description: 'Deliveries created at or after this instant.' }) }).meta({ example: { since: '2026-01-14T00:00:00.000Z' } }),
    responses: { 202: dataEnvelope(z.object({ recovered: z.number().int() }).meta({ example: { recovered: 42 } })) },
    handler: async (ctx, { params, body }) => ({ status: 202, body: { data: await webhooks.recoverWebhookDeliveries(ctx, params.id, new Date(body.since)) } }),
  });
}
