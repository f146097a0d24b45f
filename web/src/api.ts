// The dashboard talks only to the management API. The session is an httpOnly cookie the browser
// sends by itself; the environment header picks live or test data on every call.

export type Environment = 'live' | 'test';
export type Me = { userId: string; tenantId: string; tenantName: string; email: string; name: string; role: 'owner' | 'admin' | 'member'; environment: Environment };
export type ApiKey = {
  id: string;
  name: string;
  environment: Environment;
  prefix: string;
  last4: string;
  scopes: string[];
  rateLimit: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};
export type CreatedKey = ApiKey & { key: string };
export type RequestLog = { id: string; keyId: string; environment: string; method: string; path: string; status: number; durationMs: number; requestId: string; createdAt: string };
export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

let environment: Environment = 'test';
let onUnauthorized: () => void = () => {};
export const setEnvironment = (env: Environment) => (environment = env);
export const setUnauthorizedHandler = (fn: () => void) => (onUnauthorized = fn);

export async function call<T>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/manage/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: { 'x-motors-environment': environment, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Motors CRM server. Check that it is running and your connection is up, then try again.');
  }
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = parsed?.error ?? {};
    const fields: FieldError[] = Array.isArray(err.details) ? err.details : Array.isArray(err.fields) ? err.fields : [];
    const message = err.message ?? `The server answered ${res.status}. Try again; if it keeps happening, check the server logs.`;
    if (res.status === 401 && !opts.quiet401) onUnauthorized();
    throw new ApiError(res.status, err.code ?? 'error', message, fields);
  }
  return parsed as T;
}

export const api = {
  me: () => call<{ data: Me }>('GET', '/me', undefined, { quiet401: true }).then((r) => r.data),
  signIn: (email: string, password: string) => call<{ data: Omit<Me, 'environment'> }>('POST', '/session', { email, password }, { quiet401: true }).then((r) => r.data),
  signOut: () => call('DELETE', '/session', undefined, { quiet401: true }),
  changePassword: (currentPassword: string, newPassword: string) => call('PUT', '/me/password', { currentPassword, newPassword }),
  scopes: () => call<{ data: Record<string, string[]> }>('GET', '/scopes').then((r) => r.data),
  keys: () => call<{ data: ApiKey[] }>('GET', '/keys').then((r) => r.data),
  createKey: (input: { name: string; environment: Environment; scopes: string[]; rateLimit: number | null; expiresAt: string | null }) =>
    call<{ data: CreatedKey }>('POST', '/keys', input).then((r) => r.data),
  revokeKey: (id: string) => call<{ data: ApiKey }>('POST', `/keys/${encodeURIComponent(id)}/revoke`).then((r) => r.data),
  rotateKey: (id: string, overlapHours: number) =>
    call<{ data: CreatedKey & { replaces: ApiKey } }>('POST', `/keys/${encodeURIComponent(id)}/rotate`, { overlapHours }).then((r) => r.data),
  requestLogs: (q: { keyId?: string; status?: 'success' | 'error'; page: number; limit: number }) => {
    const params = new URLSearchParams({ page: String(q.page), limit: String(q.limit) });
    if (q.keyId) params.set('keyId', q.keyId);
    if (q.status) params.set('status', q.status);
    return call<{ data: RequestLog[]; total: number; page: number; limit: number }>('GET', `/request-logs?${params}`);
  },
  requestStats: (q: { keyId?: string; days: number }) => {
    const params = new URLSearchParams({ days: String(q.days) });
    if (q.keyId) params.set('keyId', q.keyId);
    return call<{ data: { hour: string; requests: number; errors: number }[] }>('GET', `/request-stats?${params}`).then((r) => r.data);
  },
};

// Webhooks: the CRM API's shapes (snake_case), served to owners and admins under /manage/v1.
export type Webhook = {
  id: string;
  environment: Environment;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  last_success_at: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
};
export type WebhookWithSecret = Webhook & { secret: string };
export type DeliveryAttempt = { id: string; request_id: string; started_at: string; duration_ms: number; status_code: number | null; response_body: string | null; error: string | null };
export type Delivery = {
  id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  status: 'pending' | 'succeeded' | 'failed' | 'dead';
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  attempts: DeliveryAttempt[];
};
export type TestResult = { delivery_id: string; event_id: string; success: boolean; request_id: string; status_code: number | null; duration_ms: number; response_body: string | null; error: string | null };
export type Paged<T> = { data: T[]; pagination: { page: number; limit: number; total: number; total_pages: number } };
export type WebhookInput = { url?: string; events?: string[]; description?: string | null; enabled?: boolean };

const hook = (id: string) => `/webhooks/${encodeURIComponent(id)}`;
export const webhookApi = {
  events: () => call<{ data: string[] }>('GET', '/webhook-events').then((r) => r.data),
  list: (page = 1) => call<Paged<Webhook>>('GET', `/webhooks?page=${page}&limit=100`),
  get: (id: string) => call<{ data: Webhook }>('GET', hook(id)).then((r) => r.data),
  create: (input: WebhookInput) => call<{ data: WebhookWithSecret }>('POST', '/webhooks', input).then((r) => r.data),
  update: (id: string, input: WebhookInput) => call<{ data: Webhook }>('PUT', hook(id), input).then((r) => r.data),
  remove: (id: string) => call('DELETE', hook(id)),
  test: (id: string) => call<{ data: TestResult }>('POST', `${hook(id)}/test`).then((r) => r.data),
  rotateSecret: (id: string) => call<{ data: WebhookWithSecret }>('POST', `${hook(id)}/rotate-secret`).then((r) => r.data),
  deliveries: (id: string, q: { page: number; limit: number; status?: string }) =>
    call<Paged<Delivery>>('GET', `${hook(id)}/deliveries?page=${q.page}&limit=${q.limit}${q.status ? `&status=${q.status}` : ''}`),
  resend: (id: string, deliveryId: string) => call<{ data: Delivery }>('POST', `${hook(id)}/deliveries/${encodeURIComponent(deliveryId)}/resend`).then((r) => r.data),
  recover: (id: string, since: string) => call<{ data: { recovered: number } }>('POST', `${hook(id)}/recover`, { since }).then((r) => r.data),
};

// Records: the Records API's shapes (camelCase, money in minor units), per collection.
export type RecordRow = { id: string; [field: string]: unknown };
export type CollectionInfo = { name: string; singular: string; plural: string };
const rec = (c: string, id?: string) => `/records/${encodeURIComponent(c)}${id ? `/${encodeURIComponent(id)}` : ''}`;
export const recordsApi = {
  collections: () => call<{ data: CollectionInfo[] }>('GET', '/records').then((r) => r.data),
  list: (c: string, q: { page: number; limit: number; deleted?: boolean }) =>
    call<{ data: RecordRow[]; total: number; page: number; limit: number }>('GET', `${rec(c)}?page=${q.page}&limit=${q.limit}${q.deleted ? '&deleted=true' : ''}`),
  get: (c: string, id: string) => call<{ data: RecordRow }>('GET', rec(c, id)).then((r) => r.data),
  create: (c: string, body: Record<string, unknown>) => call<{ data: RecordRow }>('POST', rec(c), body).then((r) => r.data),
  update: (c: string, id: string, body: Record<string, unknown>) => call<{ data: RecordRow }>('PUT', rec(c, id), body).then((r) => r.data),
  remove: (c: string, id: string) => call<{ data: RecordRow }>('DELETE', rec(c, id)).then((r) => r.data),
  restore: (c: string, id: string) => call<{ data: RecordRow }>('POST', `${rec(c, id)}/restore`).then((r) => r.data),
};
