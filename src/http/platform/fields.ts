import { z } from 'zod';
import { AppError } from '../../core/errors.ts';

// Field rules every surface shares, so a URL, an amount or a free-form JSON value is refused the
// same way on each of them (README.md, "Security limits").

/**
 * The `{id}` path parameter of every surface: 1–100 characters and no format check, so an id that
 * is not one of ours is a 404 like any unknown id. `meta` is the surface's documentation of it.
 */
export const idParam = (meta?: { description: string; format?: string; example?: string }) => {
  const id = z.string().min(1).max(100);
  return z.object({ id: meta ? id.meta(meta) : id });
};

/** The `{data: item}` envelope of the Records, CRM and management APIs (the Storefront's has its statusCode). */
export const dataEnvelope = <T extends z.ZodType>(item: T) => z.object({ data: item });

/**
 * A postal address's fields and their limits, the same on the Records and CRM APIs; each surface
 * names the postal code in its own style (`postalCode`, `postal_code`), so the key is the caller's.
 */
export const addressFields = <K extends string>(postalCodeKey: K) => ({
  line1: z.string().max(200).optional(),
  line2: z.string().max(200).optional(),
  city: z.string().max(100).optional(),
  region: z.string().max(100).optional(),
  ...({ [postalCodeKey]: z.string().max(20).optional() } as Record<K, z.ZodOptional<z.ZodString>>),
  country: z.string().length(2).toUpperCase().optional().meta({ description: 'ISO 3166-1 alpha-2' }),
});

/**
 * A link a browser will follow as a web page or image: http(s) only. Vehicle media, blog covers
 * and listing pages are handed to dealer websites, where a `javascript:` or `data:` URL would run
 * or render whatever the sender put in it.
 */
export const webUrl = () => z.url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' }).max(2000);

/**
 * Amounts and quantities are stored exactly: a JSON number is a binary double, which keeps every
 * decimal of at most 15 significant digits. Below 10^12 with at most 3 decimal places, what is
 * stored is what was sent; 90071992547409.91 would be billed as …409.9, and a quantity of
 * "900719925474099.3" stored as …099.2.
 */
export const MAX_DECIMAL = 1e12;
const LIMIT_TEXT = 'less than 10^12 (1,000,000,000,000); larger values are not kept exactly';

/**
 * A decimal as a JSON number or a string, within ±10^12 (≥ 0 unless `signed`) and with at most
 * `places` decimal places in a string (core checks a currency's own places).
 */
export function exactDecimal(opts: { signed: boolean; places?: number }) {
  const fraction = opts.places === undefined ? '(\\.\\d+)?' : `(\\.\\d{1,${opts.places}})?`;
  const sign = opts.signed ? '-?' : '';
  const number = opts.signed ? z.number().gt(-MAX_DECIMAL, `must be above -10^12`) : z.number().min(0, 'must be 0 or more');
  return z.union([
    number.lt(MAX_DECIMAL, `must be ${LIMIT_TEXT}`),
    z
      .string()
      .regex(
        new RegExp(`^${sign}\\d{1,12}${fraction}$`),
        `must be a ${opts.signed ? '' : 'non-negative '}decimal${opts.places === undefined ? '' : ` with at most ${opts.places} places`}, ${LIMIT_TEXT}`,
      ),
  ]);
}

/** Text for a schema's description: the range exactDecimal accepts. */
export const decimalLimitText = `Absolute value ${LIMIT_TEXT}.`;

/** Arrays and objects nest at most this deep in a request body, counting the body itself. */
export const MAX_JSON_DEPTH = 32;

/**
 * Checks a parsed request body before anything else reads it: nesting beyond MAX_JSON_DEPTH
 * (5,000 nested arrays in `metadata` overflowed the stack of every recursive reader: validation,
 * hashing, the database driver), non-finite numbers (`1e999` parses as Infinity and is stored as
 * null) and integers beyond 2^53 (stored rounded) are a 400 naming the field.
 */
export function assertBoundedJson(body: unknown): void {
  const path: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw refused(path, 'must be a finite number');
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throw refused(path, 'is an integer beyond ±9007199254740991, which JSON numbers do not keep exactly; send it as a string');
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (depth >= MAX_JSON_DEPTH) throw refused(path, `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(String(i));
        visit(value[i], depth + 1);
        path.pop();
      }
      return;
    }
    for (const key of Object.keys(value)) {
      path.push(key);
      visit((value as Record<string, unknown>)[key], depth + 1);
      path.pop();
    }
  };
  visit(body, 0);
}

function refused(path: string[], message: string): AppError {
  // Named as schema validation names fields (body.line_items.0.rate), so both read alike.
  const field = ['body', ...path].join('.');
  return new AppError('validation_failed', `${field}: ${message}`, { fields: [{ field, message }] });
}

/** An ISO 4217 code, upper-cased; `example` is the surface's own (its documents use USD or GBP). */
export const currencyCode = (description: string, example: string) =>
  z
    .string()
    .regex(/^[A-Za-z]{3}$/, `must be an ISO 4217 code such as ${example}`)
    .toUpperCase()
    .meta({ description, example });

/** A quantity with up to 3 decimal places, as a JSON number or a string (exact either way). */
export const decimal3 = (description: string, example: number) =>
  exactDecimal({ signed: true, places: 3 }).meta({ description: `${description} Up to 3 decimal places; a JSON number or a decimal string. ${decimalLimitText}`, example });

// PostgreSQL has no year 0 (and JavaScript dates stop at 275760): every surface keeps dates to
// plausible years.
const plausibleYear = (value: string) => {
  const year = Number(value.slice(0, 4));
  return year >= 1900 && year <= 9999;
};

/** YYYY-MM-DD between the years 1900 and 9999. */
export const plausibleDay = () => z.iso.date().refine(plausibleYear, 'must be a date between the years 1900 and 9999');

/** An ISO 8601 instant with a time zone, between the years 1900 and 9999. */
export const plausibleInstant = () => z.iso.datetime({ offset: true }).refine(plausibleYear, 'must be an instant between the years 1900 and 9999');
