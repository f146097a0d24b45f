// The top of the OpenAPI document: the three documented surfaces, their auth and conventions.
export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Motors CRM API',
    version: '1.0.0',
    description: [
      'Motors CRM serves three public APIs on one shared data store: a customer written through one is read through the others and fires the same webhook event.',
      '',
      '| surface | base path | key header | error body |',
      '| --- | --- | --- | --- |',
      '| Records API | `/api/public/v1` | `X-API-Key` or `Authorization: Bearer` | `{"error":{"message","code"}}` |',
      '| Storefront API | `/external` | `x-api-key` (Bearer carries the shopper\'s JWT) | `{"statusCode","message","error","timestamp"}` |',
      '| CRM API | `/crm-api/v1` | `Authorization: Bearer` or `X-API-Key` | `{"error":{"message","code"}}` |',
      '',
      '**Keys** look like `motors_sk_live_…` or `motors_sk_test_…`. The key fixes the dealership (tenant) and the environment: test keys see only test data, live keys only live data. Create them in the dashboard or with `npx motors keys create`.',
      '',
      '**Scopes**: each route names the scope it needs (`<resource>:read` / `<resource>:write`); `*` grants all. A missing scope is a 403 naming it.',
      '',
      '**Rate limits**: 100 requests a minute per key unless the key says otherwise. Every authenticated response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (epoch seconds) and the IETF `RateLimit-Policy` / `RateLimit` headers; over the limit, 429 with `Retry-After`.',
      '',
      '**Idempotency**: every POST accepts `Idempotency-Key` (1–255 characters). The first response (2xx or 4xx) is kept 24 hours: the same key with the same request replays it with `Idempotent-Replayed: true`; with a different request it is a 422; while the first is still running, a 409.',
      '',
      '**Request ids**: send `X-Request-Id` to correlate; every response carries one.',
    ].join('\n'),
  },
  servers: [{ url: '/', description: 'This server' }],
  tags: [
    { name: 'Records API', description: 'Back-office sync of the CRM collections (`/api/public/v1`).' },
    { name: 'Storefront API', description: "A dealer's website or app (`/external`)." },
    {
      name: 'CRM API',
      description: [
        'Clients, invoices, products and services, quotes, payments, marketing subscribers and webhooks (`/crm-api/v1`), as the autoch.at CRM REST API document describes them: point a client written for it at `…/crm-api/v1` and it works unchanged. Fields are snake_case; money is a decimal number in the record’s `currency`; timestamps are ISO 8601 UTC with milliseconds. Lists take `page` (from 1) and `limit` (1–100, default 25) and answer `{data, pagination: {page, limit, total, total_pages}}` in a stable order.',
        '',
        'Scopes, exactly as the document lists them: `clients:read|write`, `invoices:read|write`, `quotes:read|write`, `payments:read|write`, `products:read|write`, `projects:read|write`, `webhooks:read|write`, `marketing:write`. Clients are the same records as Records API customers and Storefront customers; invoices and quotes are the Records API’s; products are its inventoryItems (parts count as products). `projects:*` are reserved for work orders (a CRM project is a Motors work order; no project routes yet). `marketing:write` manages the newsletter subscribers (`/marketing/subscribers`).',
      ].join('\n'),
    },
    { name: 'Management API', description: 'What the dashboard uses (`/manage/v1`): staff session cookie only, never an API key. Sign in with `POST /manage/v1/session {email, password}`; send `X-Motors-Environment: live|test` to choose the data.' },
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
