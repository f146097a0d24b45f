import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { eventRegistry, type EventSpec } from '../core/events.ts';
import { operationsByScope } from './platform/scope-operations.ts';

// The schema of an event's `data`: a record type's Records API schema (components filled by the
// Records routes, so the $ref resolves), or the named payloads that are no record.
const recordSchemaNames: Record<string, string> = {
  customers: 'Customer',
  motors: 'Motor',
  quotes: 'Quote',
  workOrders: 'WorkOrder',
  invoices: 'Invoice',
  inventoryItems: 'InventoryItem',
  vendors: 'Vendor',
  purchaseOrders: 'PurchaseOrder',
  employees: 'Employee',
  logisticsEntries: 'LogisticsEntry',
  leads: 'Lead',
  supportTickets: 'SupportTicket',
  marketplaceItems: 'MarketplaceItem',
  marketplaceOrders: 'MarketplaceOrder',
  policies: 'Policy',
  directoryListings: 'DirectoryListing',
  blogPosts: 'BlogPost',
};

const instant = { type: 'string', format: 'date-time' };
const namedPayloads: Record<string, object> = {
  // core/payments.ts paymentView
  payments: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      invoiceId: { type: 'string', format: 'uuid' },
      customerId: { type: ['string', 'null'], format: 'uuid' },
      amount: { type: 'integer', description: 'Minor units of the currency (cents).' },
      currency: { type: 'string', example: 'USD' },
      method: { type: ['string', 'null'] },
      reference: { type: ['string', 'null'] },
      paidAt: instant,
      notes: { type: ['string', 'null'] },
      metadata: { type: 'object', additionalProperties: true },
      createdAt: instant,
      updatedAt: instant,
      deletedAt: { type: ['string', 'null'], format: 'date-time' },
    },
    required: ['id', 'invoiceId', 'amount', 'currency', 'paidAt', 'createdAt', 'updatedAt'],
  },
  newsletterSubscription: {
    type: 'object',
    properties: { email: { type: 'string', format: 'email' }, subscribed: { type: 'boolean' }, source: { type: 'string', example: 'storefront' } },
    required: ['email', 'subscribed', 'source'],
  },
  webhookTest: {
    type: 'object',
    properties: { message: { type: 'string' }, webhookId: { type: 'string', format: 'uuid' } },
    required: ['message', 'webhookId'],
  },
};

const dataSchema = (record: string): object =>
  recordSchemaNames[record] ? { $ref: `#/components/schemas/${recordSchemaNames[record]}` } : (namedPayloads[record] ?? { type: 'object', additionalProperties: true });

// One entry per registered event type under OpenAPI 3.1's `webhooks`: the signed POST a
// subscribed endpoint receives (docs/webhooks.md describes the signature headers).
function webhook(spec: EventSpec) {
  return {
    post: {
      operationId: `on${spec.type
        .split(/[._]/)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('')}`,
      summary: spec.type,
      description: `${spec.description} Sent to every webhook endpoint subscribed to \`${spec.type}\` (or a wildcard covering it); verify the signature before trusting it.`,
      tags: ['Webhooks'],
      // We call the receiver: no key of ours is involved; the signature headers authenticate the call.
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                id: { type: 'string', format: 'uuid', description: 'Event id; the same on every retry of this event.' },
                event: { type: 'string', const: spec.type },
                createdAt: { ...instant, description: 'When the event happened.' },
                environment: { type: 'string', enum: ['live', 'test'] },
                data: dataSchema(spec.record),
              },
              required: ['id', 'event', 'createdAt', 'environment', 'data'],
            },
          },
        },
      },
      responses: {
        '200': { description: 'Any 2xx acknowledges the event; anything else (or no answer in time) is retried.' },
      },
    },
  };
}

export const webhooks = Object.fromEntries(eventRegistry.map((spec) => [spec.type, webhook(spec)]));

// The top of the OpenAPI document: the three documented surfaces, their auth and conventions.
export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Motors CRM API',
    version: '1.0.0',
    license: { name: 'MIT', identifier: 'MIT' },
    // Self-hosted: whoever runs this instance is the contact; the software has no central support.
    contact: { name: 'The operator of this Motors CRM instance' },
    description: [
      'Motors CRM serves three public APIs on one shared data store: a customer written through one is read through the others and fires the same webhook event.',
      '',
      '| surface | base path | key header | error body |',
      '| --- | --- | --- | --- |',
      '| Records API | `/api/public/v1` | `X-API-Key` or `Authorization: Bearer` | `{"error":{"message","code"}}` |',
      '| Storefront API | `/external` | `x-api-key` (Bearer carries the shopper\'s JWT) | `{"statusCode","message","error","timestamp"}` |',
      '| CRM API | `/crm-api/v1` (also `/functions/v1/crm-api/v1`) | `Authorization: Bearer` or `X-API-Key` | `{"error":{"message","code"}}` |',
      '',
      '**Keys** look like `motors_sk_live_…` or `motors_sk_test_…`. The key fixes the dealership (tenant) and the environment: test keys see only test data, live keys only live data. Create them in the dashboard or with `npx motors keys create`.',
      '',
      '**Scopes**: each route names the scope it needs (`<resource>:read` / `<resource>:write`); `*` grants all. A missing scope is a 403 naming it.',
      '',
      '**Rate limits**: 100 requests a minute per key unless the key says otherwise. Every authenticated response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (epoch seconds) and the IETF `RateLimit-Policy` / `RateLimit` headers; over the limit, 429 with `Retry-After`.',
      '',
      '**Idempotency**: every POST whose description says so accepts `Idempotency-Key` (1–255 characters). The first response (2xx or 4xx) is kept 24 hours: the same key with the same request replays it with `Idempotent-Replayed: true`; with a different request it is a 422; while the first is still running, a 409.',
      '',
      '**Request ids**: send `X-Request-Id` to correlate; every response carries one.',
    ].join('\n'),
  },
  servers: [{ url: '/', description: 'This server' }],
  webhooks,
  tags: [
    {
      name: 'Records API',
      description: 'Back-office sync of the CRM collections (`/api/public/v1`), and the event log (`GET /events`, scope `events:read`): every webhook event of the key’s dealership and environment.',
    },
    { name: 'Storefront API', description: "A dealer's website or app (`/external`)." },
    { name: 'Storefront API: Customer Management', description: "The dealership's storefront shoppers (`/external/customers`), as the Storefront document lists them." },
    { name: 'Storefront API: Vehicle Listings', description: 'Vehicles for sale and their statistics (`/external/vehicles`).' },
    { name: 'Storefront API: Vehicle Metadata', description: 'The catalog: brands, models, generations, trims, engines, body, drivetrain and transmission types.' },
    { name: 'Storefront API: Engagement & Forms', description: 'Contact forms, test-drive requests and the newsletter.' },
    {
      name: 'CRM API',
      description: [
        'Clients, invoices, products and services, quotes, payments, marketing subscribers and webhooks (`/crm-api/v1`), as the autoch.at CRM REST API document describes them. The document’s own base URL, `https://<instance>/functions/v1/crm-api/v1`, is served too: every CRM route listed here answers under both `/crm-api/v1/…` and `/functions/v1/crm-api/v1/…` (the same operation, listed once), so a client configured with either works unchanged. Fields are snake_case; money is a decimal number in the record’s `currency`; timestamps are ISO 8601 UTC with milliseconds. Lists take `page` (from 1) and `limit` (1–100, default 25) and answer `{data, pagination: {page, limit, total, total_pages}}` in a stable order.',
        '',
        'Scopes, exactly as the document lists them: `clients:read|write`, `invoices:read|write`, `quotes:read|write`, `payments:read|write`, `products:read|write`, `projects:read|write`, `webhooks:read|write`, `marketing:write`. Clients are the same records as Records API customers and Storefront customers; invoices and quotes are the Records API’s; products are its inventoryItems (parts count as products). `projects:*` are reserved for work orders (a CRM project is a Motors work order; no project routes yet). `marketing:write` manages the newsletter subscribers (`/marketing/subscribers`). Beyond the document: `events:read` reads the event log (`GET /events`), every event of the key’s dealership and environment.',
      ].join('\n'),
    },
    {
      name: 'Webhooks',
      description:
        'The events a webhook endpoint receives (OpenAPI `webhooks`): one signed POST per event, `{id, event, createdAt, environment, data}`, where `data` is the record in its Records API representation.',
    },
    {
      name: 'Inventory feeds',
      description:
        "The dealership's listed vehicles as marketplace feeds (`/feeds/<token>/…`): Google Vehicle Listings TSV and Meta's automotive catalog CSV, fetched by the marketplace on its schedule with the token from the dashboard instead of an API key. Full snapshots with `ETag` / `Last-Modified`; docs/feeds.md lists every column and its source.",
    },
    {
      name: 'Management API',
      description:
        'What the dashboard uses (`/manage/v1`): staff session cookie only, never an API key. Sign in with `POST /manage/v1/session {email, password}`; send `X-Motors-Environment: live|test` to choose the data.',
    },
  ],
  components: {
    securitySchemes: {
      ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Records and CRM APIs: the key in X-API-Key.' },
      BearerApiKey: { type: 'http', scheme: 'bearer', description: 'Records and CRM APIs: the key as a Bearer token.' },
      StorefrontApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Storefront API: the key, always in x-api-key.' },
      CustomerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "Storefront API: the shopper's access token, beside x-api-key." },
      SessionCookie: { type: 'apiKey', in: 'cookie', name: 'motors_session', description: 'Dashboard session (management API only).' },
    },
  },
};

type JsonSchema = { type?: string | string[]; format?: string; properties?: Record<string, JsonSchema>; [k: string]: unknown };

// Field names that hold something other than one of our UUIDv7/UUIDv5 ids.
const notOurId = /request|external|vpic|stripe|provider|idempotency|tax/i;
const isString = (s: JsonSchema) => s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));

/** The `format` an SDK generator needs for a field of this name, if it has none yet. */
function formatFor(name: string, schema: JsonSchema): string | undefined {
  if (schema.format || !isString(schema) || schema.enum || schema.const !== undefined) return undefined;
  if ((name === 'id' || /[a-z]Id$/.test(name) || /_id$/.test(name)) && !notOurId.test(name)) return 'uuid';
  if (/^(email|.*Email|.*_email)$/.test(name)) return 'email';
  if (/(At|_at)$/.test(name)) return 'date-time';
  return undefined;
}

function annotate(schema: unknown, seen = new Set<unknown>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const s = schema as JsonSchema;
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const format = formatFor(name, prop);
    if (format) prop.format = format;
    // `anyOf: [string, null]` (a nullable id) carries the format on its string branch.
    for (const branch of (prop.anyOf as JsonSchema[] | undefined) ?? []) {
      const f = formatFor(name, branch);
      if (f) branch.format = f;
    }
  }
  for (const value of Object.values(s)) {
    if (Array.isArray(value)) value.forEach((v) => annotate(v, seen));
    else if (value && typeof value === 'object') annotate(value, seen);
  }
}

/**
 * Drops the component schemas nothing refers to. A schema with an id is registered by zod in an
 * input and an output form (`CustomerCreateInput` / `CustomerCreate`); a request body refers to
 * the one, a response to the other, so half of them are never used (a linter warns of each, and
 * an SDK generator emits a type nobody can reach). Kept: every schema reachable from the paths and
 * webhooks, following $refs through components.
 */
function pruneUnusedSchemas(doc: object): void {
  const d = doc as { paths?: unknown; webhooks?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = d.components?.schemas;
  if (!schemas) return;
  const used = new Set<string>();
  const visit = (node: unknown, seen: Set<unknown>): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!used.has(name)) {
        used.add(name);
        visit(schemas[name], seen);
      }
    }
    for (const value of Object.values(node)) visit(value, seen);
  };
  const seen = new Set<unknown>();
  visit(d.paths, seen);
  visit(d.webhooks, seen);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

/**
 * The last pass over the generated document, in one place rather than on each of ~100 zod
 * schemas: ids, timestamps and emails get their `format` (uuid, date-time, email) wherever a
 * parameter or field is named like one and says no format of its own.
 */
export function refineDocument<T extends object>(doc: T): T {
  const d = doc as { paths?: Record<string, Record<string, { parameters?: { name: string; schema?: JsonSchema }[] }>>; components?: { schemas?: Record<string, unknown> } };
  for (const ops of Object.values(d.paths ?? {})) {
    for (const op of Object.values(ops)) {
      for (const p of op.parameters ?? []) {
        const format = p.schema && formatFor(p.name, p.schema);
        if (format) p.schema!.format = format;
      }
      annotate(op);
    }
  }
  annotate(d.components?.schemas);
  pruneUnusedSchemas(doc);
  // One scope name can open operations on several APIs (`customers:write` on the Records API and
  // the Storefront): the document says exactly which, from the same declarations the platform
  // enforces. The dashboard's scope checklist shows the same map (GET /manage/v1/scopes/operations).
  const byScope = operationsByScope(d as never);
  (doc as Record<string, unknown>)['x-scope-operations'] = Object.fromEntries(
    Object.entries(byScope)
      .filter(([, ops]) => ops.some((o) => o.surface !== 'manage'))
      .map(([scope, ops]) => [scope, ops.filter((o) => o.surface !== 'manage').map((o) => `${o.method} ${o.path}`)]),
  );
  return doc;
}

// Converting a route's zod schemas to JSON Schema is most of the cost of /openapi.json (≈ 1 s of
// CPU for ~300 routes, each with ten error responses). The zod schemas are module constants shared
// by every server a process builds (a test process builds dozens), so each is converted once per
// process, keyed by the schema object, and handed out as a copy: the document is refined in place
// (refineDocument). The route's own wrappers (`{ description, content }`) are rebuilt as
// fastify-type-provider-zod builds them.
type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type ContentResponse = { description?: string; content: Record<string, { schema: object }> };
type RouteSchema = { response?: Record<string, object>; headers?: object; querystring?: object; body?: object; params?: object; hide?: boolean };
const convertedInputs = new WeakMap<object, unknown>();
const convertedOutputs = new WeakMap<object, unknown>();
const isContentResponse = (part: object): part is ContentResponse => 'content' in part && typeof part.content === 'object' && part.content !== null;

// A route's response schemas are read by /openapi.json and by the strict test serializer only:
// production serialises every response with JSON.stringify (server.ts). Fastify would keep, per
// route, a table of serializers keyed by status code next to the schema's own `response`, and V8
// stores an object keyed by 200…429 as an array of ~430 slots (4 KB): the two held 4 MB at idle.
// So the document reads them from here, as entries (a short list), and the route keeps its
// `response` only when asked (strict responses).
const responsesByRoute = new WeakMap<object, [string, object][]>();

/** An `onRoute` hook: the route's response schemas kept for the document, and dropped from the route unless `keepOnRoute`. */
export function keepResponsesForDocument(route: { schema?: unknown }, keepOnRoute: boolean): void {
  const schema = route.schema as RouteSchema | undefined;
  if (!schema?.response) return;
  responsesByRoute.set(route, Object.entries(schema.response));
  // Emptied in place (a GET's HEAD route shares the object): Fastify reads `response` by truthiness,
  // and a copy of the schema without it cost another 1.5 MB.
  if (!keepOnRoute) schema.response = undefined;
}

/** fastify-type-provider-zod's jsonSchemaTransform, each zod schema converted once per process. */
export function cachedSchemaTransform(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const schema = input.schema as RouteSchema | undefined;
  if (!schema || schema.hide) return jsonSchemaTransform(input);
  const { response: onRoute, headers, querystring, body, params, ...rest } = schema;
  const kept = responsesByRoute.get(input.route);
  const response = kept ? Object.fromEntries(kept) : onRoute;
  const one = (part: Record<string, unknown>) => jsonSchemaTransform({ ...input, schema: part } as TransformInput).schema as Record<string, Record<string, unknown>>;
  const converted = (cache: WeakMap<object, unknown>, zod: object, convert: () => unknown) => {
    if (!cache.has(zod)) cache.set(zod, convert());
    return structuredClone(cache.get(zod));
  };
  const output = (zod: object) => converted(convertedOutputs, zod, () => one({ response: { 200: zod } }).response[200]);
  const transformed: Record<string, unknown> = {};
  for (const [name, part] of Object.entries({ headers, querystring, body, params })) {
    if (part) transformed[name] = converted(convertedInputs, part, () => one({ [name]: part })[name]);
  }
  if (response) {
    transformed.response = Object.fromEntries(
      Object.entries(response).map(([code, part]) => {
        if (!isContentResponse(part)) return [code, output(part)];
        const content = Object.fromEntries(Object.entries(part.content).map(([type, { schema: zod }]) => [type, { schema: output(zod) }]));
        return [code, { ...(part.description ? { description: part.description } : {}), content }];
      }),
    );
  }
  for (const [name, value] of Object.entries(rest)) if (value) transformed[name] = value;
  return { schema: transformed, url: input.url } as ReturnType<typeof jsonSchemaTransform>;
}
