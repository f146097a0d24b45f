import { z } from 'zod';
import type { AppError } from '../../core/errors.ts';

export type Surface = 'records' | 'crm' | 'storefront' | 'manage';

export const surfacePrefix: Record<Surface, string> = {
  records: '/api/public/v1',
  crm: '/crm-api/v1',
  storefront: '/external',
  manage: '/manage/v1',
};

export function surfaceOf(url: string): Surface {
  if (url.startsWith('/external')) return 'storefront';
  if (url.startsWith('/api/public/v1')) return 'records';
  if (url.startsWith('/manage/v1')) return 'manage';
  return 'crm';
}

const reasonPhrase: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

// One renderer per surface, each in the shape its document shows.
// Storefront: {statusCode, message, error, timestamp} as in its 401 example, where `message` is
// the status text and `error` says what went wrong. The CRM document's {error:{message, code}}
// is also used by the Records API (whose document shows no error body) and the management API.
export function renderError(surface: Surface, err: AppError): Record<string, unknown> {
  if (surface === 'storefront') {
    return {
      statusCode: err.status,
      message: reasonPhrase[err.status] ?? 'Error',
      error: err.message,
      code: err.code,
      ...(err.fields ? { details: err.fields } : {}),
      timestamp: new Date().toISOString(),
    };
  }
  return { error: { message: err.message, code: err.code, ...(err.fields ? { details: err.fields } : {}) } };
}

const fieldErrors = z.array(z.object({ field: z.string(), message: z.string() })).optional();

export const errorSchemas: Record<Surface, z.ZodType> = {
  storefront: z
    .object({
      statusCode: z.number().int(),
      message: z.string(),
      error: z.string(),
      code: z.string(),
      details: fieldErrors,
      timestamp: z.string(),
    })
    .meta({ example: { statusCode: 401, message: 'Unauthorized', error: 'Invalid or missing API key', code: 'unauthorized', timestamp: '2026-01-15T10:30:00.000Z' } }),
  crm: crmError('CrmError'),
  records: crmError('RecordsError'),
  manage: crmError('ManageError'),
};

function crmError(_name: string) {
  return z
    .object({ error: z.object({ message: z.string(), code: z.string(), details: fieldErrors }) })
    .meta({ example: { error: { message: 'Invalid or missing API key', code: 'unauthorized' } } });
}
