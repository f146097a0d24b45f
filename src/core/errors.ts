// One closed list of error codes. Core throws AppError; each surface renders it in its own shape.
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  insufficient_scope: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_in_use: 409,
  invalid_transition: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type FieldError = { field: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { fields?: FieldError[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.code = code;
    this.status = errorStatus[code];
    this.fields = opts.fields;
    this.headers = opts.headers;
  }
}

export const notFound = (what: string, id?: string) => new AppError('not_found', id ? `${what} ${id} was not found` : `${what} was not found`);

export const invalidField = (field: string, message: string) => new AppError('validation_failed', `${field}: ${message}`, { fields: [{ field, message }] });

/** `invoice` → `an invoice`, `work order` → `a work order`: for messages and summaries built from a noun. */
export const withArticle = (noun: string): string => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
