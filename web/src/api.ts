// The dashboard talks only to the management API. The session is an httpOnly cookie the browser
// sends by itself; the environment header picks live or test data on every call.
import type { ScopedOperation } from './lib/scopes.ts';
import type { FieldError } from './lib/field-errors.ts';

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
export type { FieldError };

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

const UNREACHABLE = 'Cannot reach the Motors CRM server. Check that it is running and your connection is up, then try again.';

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
    throw new ApiError(0, 'network', UNREACHABLE);
  }
  const text = await res.text();
  let parsed: { error?: { code?: string; message?: string; details?: FieldError[]; fields?: FieldError[] } } | undefined;
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
  scopeOperations: () => call<{ data: Record<string, ScopedOperation[]> }>('GET', '/scopes/operations').then((r) => r.data),
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
/** A list page: `sort` is the order applied (null: search rank), `sortable` what `sort` takes. */
export type RecordPage = { data: RecordRow[]; total: number; page: number; limit: number; sort: string | null; sortable: string[]; searchable: boolean };
const withQuery = (query: URLSearchParams) => (query.toString() ? `?${query}` : '');
const rec = (c: string, id?: string) => `/records/${encodeURIComponent(c)}${id ? `/${encodeURIComponent(id)}` : ''}`;
export const recordsApi = {
  collections: () => call<{ data: CollectionInfo[] }>('GET', '/records').then((r) => r.data),
  /** With `q`: the server's search (ranked, over the collection's names, email, phone, VIN, numbers …). */
  list: (c: string, q: { page: number; limit: number; deleted?: boolean; q?: string }) =>
    call<{ data: RecordRow[]; total: number; page: number; limit: number }>(
      'GET',
      `${rec(c)}?page=${q.page}&limit=${q.limit}${q.deleted ? '&deleted=true' : ''}${q.q?.trim() ? `&q=${encodeURIComponent(q.q.trim())}` : ''}`,
    ),
  /** A page of the dashboard's list: `query` from lib/list-state.ts (page, limit, sort, q, filters). */
  page: (c: string, query: URLSearchParams) => call<RecordPage>('GET', `${rec(c)}?${query}`),
  /** The CSV export of the same selection (no paging): its address, and the file itself. */
  csvPath: (c: string, query: URLSearchParams) => `/manage/v1${rec(c)}.csv${withQuery(query)}`,
  csv: (c: string, query: URLSearchParams) => fetchFile(`${rec(c)}.csv${withQuery(query)}`),
  get: (c: string, id: string) => call<{ data: RecordRow }>('GET', rec(c, id)).then((r) => r.data),
  create: (c: string, body: Record<string, unknown>) => call<{ data: RecordRow }>('POST', rec(c), body).then((r) => r.data),
  update: (c: string, id: string, body: Record<string, unknown>) => call<{ data: RecordRow }>('PUT', rec(c, id), body).then((r) => r.data),
  remove: (c: string, id: string) => call<{ data: RecordRow }>('DELETE', rec(c, id)).then((r) => r.data),
  restore: (c: string, id: string) => call<{ data: RecordRow }>('POST', `${rec(c, id)}/restore`).then((r) => r.data),
};

// Inventory feeds: the addresses (tokens) Google and Meta fetch, the dealership profile the feeds
// print, and the report of vehicles left out.
export type FeedToken = { id: string; name: string; environment: Environment; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };
export type CreatedFeedToken = FeedToken & { token: string; googleVehicleListingsUrl: string; metaAutomotiveUrl: string };
export type DealershipAddress = { street: string; city: string; region: string | null; postalCode: string; country: string };
export type Dealership = {
  name: string;
  storeCode: string;
  address: DealershipAddress | null;
  phone: string | null;
  vehicleUrlTemplate: string | null;
  taxId: string | null;
  paymentTerms: string | null;
  timeZone: string | null;
  updatedAt: string | null;
  problems: FieldError[];
};
export type DealershipInput = Partial<Pick<Dealership, 'name' | 'storeCode' | 'address' | 'phone' | 'vehicleUrlTemplate' | 'taxId' | 'paymentTerms' | 'timeZone'>>;
export type FeedName = 'google-vehicle-listings' | 'meta-automotive';
export type FeedReport = {
  feed: FeedName;
  listed: number;
  included: number;
  leftOut: { motorId: string; name: string; vin: string | null; stockNumber: string | null; problems: FieldError[] }[];
};
export type FeedsReport = { generatedAt: string; dealership: Dealership; feeds: FeedReport[] };

export const feedsApi = {
  tokens: () => call<{ data: FeedToken[] }>('GET', '/feed-tokens').then((r) => r.data),
  createToken: (name: string) => call<{ data: CreatedFeedToken }>('POST', '/feed-tokens', name ? { name } : {}).then((r) => r.data),
  revokeToken: (id: string) => call<{ data: FeedToken }>('POST', `/feed-tokens/${encodeURIComponent(id)}/revoke`).then((r) => r.data),
  dealership: () => call<{ data: Dealership }>('GET', '/dealership').then((r) => r.data),
  updateDealership: (input: DealershipInput) => call<{ data: Dealership }>('PUT', '/dealership', input).then((r) => r.data),
  report: () => call<{ data: FeedsReport }>('GET', '/feeds/report').then((r) => r.data),
};

// The Leads inbox: the Records API's lead plus what a list of leads needs (title, origin, names).
export type LeadOrigin = 'adf' | 'email' | 'form' | 'api';
export type InboxLead = RecordRow & {
  title: string;
  origin: LeadOrigin;
  status: string;
  source: string;
  provider: string | null;
  channel: string | null;
  createdAt: string;
  customerId: string | null;
  customerName: string | null;
  replyEmail: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  assignedEmployeeId: string | null;
  assigneeName: string | null;
  message: string | null;
  vehicleOfInterest: { year?: number | null; make?: string | null; model?: string | null } | null;
  rawDocument: string | null;
  parseWarnings: string[];
};
export type InboxQuery = { status?: string; origin?: string; assignee?: string; page: number; limit: number };
export const leadInboxApi = {
  list: (q: InboxQuery) => {
    const params = new URLSearchParams({ page: String(q.page), limit: String(q.limit) });
    for (const k of ['status', 'origin', 'assignee'] as const) if (q[k]) params.set(k, q[k]!);
    return call<{ data: InboxLead[]; total: number; counts: Record<string, number>; page: number; limit: number }>('GET', `/lead-inbox?${params}`);
  },
  get: (id: string) => call<{ data: InboxLead }>('GET', `/lead-inbox/${encodeURIComponent(id)}`).then((r) => r.data),
};

// ADF forwarding: every new lead as ADF/XML to a DMS (URL and/or e-mail), delivered like webhooks.
export type AdfTarget = { id: string; kind: 'http' | 'email'; target: string; enabled: boolean; disabledReason: string | null; failingSince: string | null; lastSuccessAt: string | null };
export type AdfForwarding = { enabled: boolean; url: string | null; email: string | null; emailAvailable: boolean; targets: AdfTarget[] };
export type AdfAttempt = { id: string; requestId: string; startedAt: string; durationMs: number; statusCode: number | null; responseBody: string | null; error: string | null };
export type AdfDelivery = {
  id: string;
  kind: 'http' | 'email';
  target: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'dead';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attempts: AdfAttempt[];
};
export type AdfTestResult = { kind: 'http' | 'email'; target: string; deliveryId: string; success: boolean; statusCode: number | null; durationMs: number; responseBody: string | null; error: string | null };
export const adfForwardingApi = {
  get: () => call<{ data: AdfForwarding }>('GET', '/adf-forwarding').then((r) => r.data),
  save: (input: { url?: string | null; email?: string | null; enabled?: boolean }) => call<{ data: AdfForwarding }>('PUT', '/adf-forwarding', input).then((r) => r.data),
  test: () => call<{ data: AdfTestResult[] }>('POST', '/adf-forwarding/test').then((r) => r.data),
  deliveries: (page: number) => call<{ data: AdfDelivery[]; total: number; page: number; limit: number }>('GET', `/adf-forwarding/deliveries?page=${page}&limit=25`),
  resend: (deliveryId: string) => call<{ data: AdfDelivery }>('POST', `/adf-forwarding/deliveries/${encodeURIComponent(deliveryId)}/resend`).then((r) => r.data),
};

// Staff accounts: the people of the dealership, invitations, and the two single-use links a
// signed-out person opens (accept an invitation, reset a password).
export type Role = Me['role'];
export type StaffUser = { id: string; email: string; name: string; role: Role; createdAt: string };
export type Invitation = { id: string; email: string; role: Role; status: 'pending' | 'accepted' | 'expired' | 'revoked'; createdAt: string; expiresAt: string; usedAt: string | null; revokedAt: string | null };
const openLink = (token: string) => `/invitation-links/${encodeURIComponent(token)}`;
const resetLink = (token: string) => `/password-resets/${encodeURIComponent(token)}`;
export const staffApi = {
  users: () => call<{ data: StaffUser[] }>('GET', '/users').then((r) => r.data),
  invitations: () => call<{ data: Invitation[] }>('GET', '/invitations').then((r) => r.data),
  invite: (input: { email: string; role: Role }) => call<{ data: Invitation & { url: string } }>('POST', '/invitations', input).then((r) => r.data),
  revokeInvitation: (id: string) => call<{ data: Invitation }>('POST', `/invitations/${encodeURIComponent(id)}/revoke`).then((r) => r.data),
  peekInvitation: (token: string) => call<{ data: { email: string; role: Role; tenantName: string; expiresAt: string } }>('GET', openLink(token), undefined, { quiet401: true }).then((r) => r.data),
  acceptInvitation: (token: string, input: { name: string; password: string }) => call<{ data: StaffUser }>('POST', openLink(token), input, { quiet401: true }).then((r) => r.data),
  askReset: (email: string) => call<{ data: { accepted: true; mailed: boolean } }>('POST', '/password-resets', { email }, { quiet401: true }).then((r) => r.data),
  peekReset: (token: string) => call<{ data: { email: string; tenantName: string; expiresAt: string } }>('GET', resetLink(token), undefined, { quiet401: true }).then((r) => r.data),
  reset: (token: string, password: string) => call<{ data: { reset: true; email: string } }>('POST', resetLink(token), { password }, { quiet401: true }).then((r) => r.data),
};

/** A file from the management API (a PDF, a CSV export), with this environment's header, so a plain link would not do. */
async function fetchFile(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(`/manage/v1${path}`, { credentials: 'same-origin', headers: { 'x-motors-environment': environment } });
  } catch {
    throw new ApiError(0, 'network', UNREACHABLE);
  }
  if (!res.ok) {
    const err = (await res.json().catch(() => ({})))?.error ?? {};
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, err.code ?? 'error', err.message ?? `The server answered ${res.status}.`);
  }
  return res.blob();
}

// Invoices and quotes as documents: the server's PDF (downloaded with this environment's header,
// so a plain link would not do) and "record payment" through the payments core.
export const documentApi = {
  pdf: (kind: 'invoices' | 'quotes', id: string): Promise<Blob> => fetchFile(`/${kind}/${encodeURIComponent(id)}.pdf`),
  recordPayment: (invoiceId: string, input: { amount: number; method: string; paidAt?: string; reference?: string | null }) =>
    call<{ data: { payment: RecordRow; invoice: RecordRow } }>('POST', `/invoices/${encodeURIComponent(invoiceId)}/payments`, input).then((r) => r.data),
};

// Customer 360 and Today: one call per page (/manage/v1/customers/:id/overview, /manage/v1/today).
export type Money = { currency: string; amount: number };
export type TimelineItem = { id: string; event: string; createdAt: string; collection: string; recordId: string; label: string | null; status: string | null };
export type TestDrive = { id: string; motorId: string; leadId: string; name: string; email: string; phone: string | null; preferredDate: string | null; status: string; createdAt: string };
export type CustomerOverview = {
  customer: RecordRow;
  vehicles: RecordRow[];
  invoices: RecordRow[];
  openBalance: Money[];
  quotes: RecordRow[];
  workOrders: RecordRow[];
  leads: RecordRow[];
  testDrives: TestDrive[];
  timeline: TimelineItem[];
};
export type VehicleOverview = { vehicle: RecordRow; owner: RecordRow | null; workOrders: RecordRow[]; leads: RecordRow[]; testDrives: TestDrive[]; timeline: TimelineItem[] };
export type TodayLead = InboxLead & { respondedAt: string | null; responseSeconds: number };
export type Today = {
  date: string;
  timeZone: string;
  start: string;
  end: string;
  leads: { new: number; receivedToday: number; items: TodayLead[] };
  testDrives: { count: number; items: { id: string; motorId: string; motorName: string; name: string; email: string; phone: string | null; preferredDate: string | null; status: string; leadId: string }[] };
  overdueInvoices: { count: number; amountDue: Money[]; items: { id: string; number: string; customerId: string; customerName: string; dueDate: string | null; currency: string; amountDue: number }[] };
  workOrdersInProgress: { count: number; items: { id: string; number: string; customerId: string; customerName: string; motorId: string; motorName: string; promisedAt: string | null; currency: string; totalAmount: number }[] };
  sales: { invoicesPaid: number; invoicedPaid: Money[]; paymentsReceived: number; received: Money[] };
};
export const overviewApi = {
  customer: (id: string) => call<{ data: CustomerOverview }>('GET', `/customers/${encodeURIComponent(id)}/overview`).then((r) => r.data),
  vehicle: (id: string) => call<{ data: VehicleOverview }>('GET', `/motors/${encodeURIComponent(id)}/overview`).then((r) => r.data),
  today: () => call<{ data: Today }>('GET', '/today').then((r) => r.data),
};
