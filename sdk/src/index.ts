// @motors-crm/sdk: typed clients for the Records, CRM and Storefront APIs (types generated from
// the server's /openapi.json by scripts/generate-sdk.ts), retries, pagination and webhook checks.
export { createRecordsClient, createCrmClient, createStorefrontClient } from './clients.ts';
export type { ClientOptions, RecordsClient, CrmClient, StorefrontClient, RecordsPaths, CrmPaths, StorefrontPaths } from './clients.ts';
export { retryingFetch, retryAfterMs, type RetryOptions } from './retry.ts';
export { MotorsApiError } from './paginate.ts';
export { verifyWebhook, WebhookVerificationError, type VerifiedWebhook, type VerifyOptions, type WebhookHeaders } from './webhooks.ts';
export type { paths, components } from './schema.d.ts';
