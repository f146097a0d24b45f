// One typed client per API surface: openapi-fetch's createClient over the generated `paths`,
// narrowed to the surface's prefix (so `records.GET('/customers')` is typed by the Records
// document), plus the surface's credentials, retries, automatic Idempotency-Key on POST and the
// surface's pagination iterator.
import crypto from 'node:crypto';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema.d.ts';
import { retryingFetch, type RetryOptions } from './retry.ts';
import { cursorPages, numberedPages, type ItemOf, type ListPath, type PageOptions } from './paginate.ts';

/** The paths under `Prefix`, with the prefix removed. */
type Under<Prefix extends string> = { [K in keyof paths as K extends `${Prefix}${infer Rest}` ? (Rest extends '' ? never : Rest) : never]: paths[K] };
export type RecordsPaths = Under<'/api/public/v1'>;
export type CrmPaths = Under<'/crm-api/v1'>;
export type StorefrontPaths = Under<'/external'>;

export type ClientOptions = {
  /** Where the server is, e.g. https://crm.example.com (no path). */
  baseUrl: string;
  /** A Records/CRM or Storefront API key (motors_sk_live_… / motors_sk_test_…). */
  apiKey: string;
  retry?: RetryOptions;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** The fetch underneath retries (default globalThis.fetch). */
  fetch?: typeof fetch;
};

// One UUID per logical call: set here, once, before the retrying fetch clones the Request for each
// attempt — so retries of one call replay its answer, and two calls never share a key.
const idempotencyKey: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('Idempotency-Key', crypto.randomUUID());
    return request;
  },
};

function base<P extends {}>(prefix: string, options: ClientOptions, auth: Record<string, string>): Client<P> {
  const client = createClient<P>({
    baseUrl: options.baseUrl.replace(/\/+$/, '') + prefix,
    headers: { ...options.headers, ...auth },
    fetch: retryingFetch(options.retry, options.fetch),
  });
  client.use(idempotencyKey);
  return client;
}

type RecordsListBody = { data: unknown[]; hasMore: boolean; nextCursor: string | null };
type CrmListBody = { data: unknown[]; pagination: { total_pages: number } };
type StorefrontListBody = { data: unknown[]; totalPages: number };

export type RecordsClient = Client<RecordsPaths> & {
  /** Every record of a list, following `nextCursor` while `hasMore` (Records sync order: updatedAt, id). */
  iterate<K extends ListPath<RecordsPaths, RecordsListBody>>(path: K, options?: PageOptions<RecordsPaths, K, 'cursor' | 'skip'>): AsyncGenerator<ItemOf<RecordsPaths, K>>;
};
export type CrmClient = Client<CrmPaths> & {
  /** Every row of a list, page 1 up to `pagination.total_pages`. */
  iterate<K extends ListPath<CrmPaths, CrmListBody>>(path: K, options?: PageOptions<CrmPaths, K, 'page'>): AsyncGenerator<ItemOf<CrmPaths, K>>;
};
export type StorefrontClient = Client<StorefrontPaths> & {
  /** Every row of a list, page 1 up to `totalPages`. */
  iterate<K extends ListPath<StorefrontPaths, StorefrontListBody>>(path: K, options?: PageOptions<StorefrontPaths, K, 'page'>): AsyncGenerator<ItemOf<StorefrontPaths, K>>;
  /** The shopper's access token (from /auth/register, /auth/login or /auth/refresh), sent as Authorization: Bearer beside x-api-key; undefined signs out. */
  setAccessToken(token: string | undefined): void;
};

/** Records API (`/api/public/v1`): the key in X-API-Key. */
export function createRecordsClient(options: ClientOptions): RecordsClient {
  const client = base<RecordsPaths>('/api/public/v1', options, { 'X-API-Key': options.apiKey });
  return Object.assign(client, {
    iterate: (path: string, opts: object = {}) => cursorPages(client.GET as never, path, opts),
  }) as RecordsClient;
}

/** CRM API (`/crm-api/v1`): the key in X-API-Key. */
export function createCrmClient(options: ClientOptions): CrmClient {
  const client = base<CrmPaths>('/crm-api/v1', options, { 'X-API-Key': options.apiKey });
  return Object.assign(client, {
    iterate: (path: string, opts: object = {}) => numberedPages(client.GET as never, path, opts, (b: CrmListBody) => b.pagination.total_pages),
  }) as CrmClient;
}

/** Storefront API (`/external`): the key always in x-api-key, because Authorization carries the shopper's JWT. */
export function createStorefrontClient(options: ClientOptions): StorefrontClient {
  const client = base<StorefrontPaths>('/external', options, { 'x-api-key': options.apiKey });
  let accessToken: string | undefined;
  client.use({
    onRequest({ request }) {
      if (accessToken && !request.headers.has('authorization')) request.headers.set('Authorization', `Bearer ${accessToken}`);
      return request;
    },
  });
  return Object.assign(client, {
    iterate: (path: string, opts: object = {}) => numberedPages(client.GET as never, path, opts, (b: StorefrontListBody) => b.totalPages),
    setAccessToken(token: string | undefined) {
      accessToken = token;
    },
  }) as StorefrontClient;
}
