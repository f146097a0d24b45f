import { z } from 'zod';
import { AppError, type FieldError } from '../../core/errors.ts';
import { fieldLabel } from '../../core/field-label.ts';

export type Surface = 'records' | 'crm' | 'storefront' | 'manage';

export const surfacePrefix: Record<Surface, string> = {
  records: '/api/public/v1',
  crm: '/crm-api/v1',
  storefront: '/external',
  manage: '/manage/v1',
};

// Further prefixes under which a surface's routes are served too. The CRM document's base URL is
// `https://<instance>/functions/v1/crm-api/v1` (where its first host ran it): a client configured
// with it must work unchanged. The copies are left out of /openapi.json (the CRM tag names the alias).
export const surfaceAliases: Partial<Record<Surface, string[]>> = {
  crm: ['/functions/v1/crm-api/v1'],
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
  const message = surface === 'crm' ? inCrmWords(err.message) : err.message;
  const details = err.fields && surface === 'manage' ? err.fields.map(inWords) : err.fields;
  return { error: { message, code: err.code, ...(details ? { details } : {}) } };
}

// The dashboard shows a field error to people: the management API adds the field in words. A
// request's own fields are named with where they came from (`body.lines.0.description`, see
// http/server.ts); the words leave that out ("Line 1 description").
const inWords = (f: FieldError) => ({ field: f.field, label: fieldLabel(f.field.replace(/^(body|query|params)\./, '')), message: f.message });

// Core names record types as the Records API does; the CRM API document calls a customer a
// "client" and an inventory item a "product", so its messages do too ("Client … was not found").
// Whole words only: field names such as customerId and event names such as crm.customers.* are
// left alone (fields are renamed by inSurfaceTerms); a sentence's own full stop is no part of a name.
const word = (w: string) => new RegExp(`(?<![\\w.])${w}(?!\\w|\\.[\\w*])`, 'g');
const crmWords: [RegExp, string][] = [
  [word('Customers'), 'Clients'],
  [word('Customer'), 'Client'],
  [word('customers'), 'clients'],
  [word('customer'), 'client'],
  [word('Inventory items'), 'Products'],
  [word('Inventory item'), 'Product'],
  [word('inventory items'), 'products'],
  [word('an inventory item'), 'a product'],
  [word('inventory item'), 'product'],
];
export const inCrmWords = (message: string): string => crmWords.reduce((m, [from, to]) => m.replace(from, to), message);

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());

/** A core field path (`lines[0].unitAmount`) in the CRM API's words (`line_items[0].rate`). */
function crmFieldName(path: string, renames: Readonly<Record<string, string>>): string {
  return path
    .split('.')
    .map((segment) => {
      const [, name = segment, index = ''] = /^([^[]+)(\[.*)?$/.exec(segment) ?? [];
      return (renames[name] ?? snake(name)) + index;
    })
    .join('.');
}

// How a surface names core's fields (the Records API's camelCase) in its error details: the CRM
// API in snake_case, with each route's own words (`fieldNames` in defineRoute). A surface not
// listed speaks core's names.
const fieldNaming: Partial<Record<Surface, (path: string, renames: Readonly<Record<string, string>>) => string>> = {
  crm: crmFieldName,
};

export const namesFields = (surface: Surface): boolean => fieldNaming[surface] !== undefined;

/**
 * A handler whose validation errors name fields as its surface does, so a CRM integrator reads
 * `line_items[0].rate`, the field it sent, not core's `lines[0].unitAmount`. The handler itself
 * on a surface that speaks core's names.
 */
export function inSurfaceTerms<A extends unknown[], R>(surface: Surface, renames: Readonly<Record<string, string>>, run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  const name = fieldNaming[surface];
  if (!name) return run;
  return async (...args) => {
    try {
      return await run(...args);
    } catch (err) {
      if (!(err instanceof AppError) || !err.fields?.length) throw err;
      const fields = err.fields.map((f) => ({ field: name(f.field, renames), message: f.message }));
      const first = err.fields[0].field;
      const message = err.message.startsWith(`${first}:`) ? fields[0].field + err.message.slice(first.length) : err.message;
      throw new AppError(err.code, message, { fields, headers: err.headers });
    }
  };
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
  manage: z
    .object({
      error: z.object({
        message: z.string(),
        code: z.string(),
        details: z.array(z.object({ field: z.string(), label: z.string().meta({ description: 'The field in words, for people: "Line 1 description".' }), message: z.string() })).optional(),
      }),
    })
    .meta({ example: { error: { message: 'Invalid or missing API key', code: 'unauthorized' } } }),
};

function crmError(_name: string) {
  return z.object({ error: z.object({ message: z.string(), code: z.string(), details: fieldErrors }) }).meta({ example: { error: { message: 'Invalid or missing API key', code: 'unauthorized' } } });
}
