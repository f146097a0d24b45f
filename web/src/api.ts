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
