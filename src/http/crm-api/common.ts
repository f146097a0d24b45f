import { z } from 'zod';
import { withArticle } from '../../core/errors.ts';
import { currencyCode as currencyCodeField, dataEnvelope, decimal3, decimalLimitText, exactDecimal, idParam, plausibleDay, plausibleInstant } from '../platform/fields.ts';
import { pageEnvelope, pageQuery, pagination } from '../platform/pages.ts';

export { dataEnvelope, pageQuery, pagination };
export const idParams = idParam({ description: 'Resource id (UUID)' });

/** A CRM document list's query (page, limit, client_id, status, updated_since) as core's list options. */
export const documentListOptions = <S>(q: { page: number; limit: number; client_id?: string; status?: S; updated_since?: string }) => ({
  page: q.page,
  limit: q.limit,
  customerId: q.client_id,
  status: q.status,
  updatedSince: q.updated_since ? new Date(q.updated_since) : undefined,
});

/** The example of a schema given with `.meta({ example })`, to build its envelopes' examples. */
const exampleOf = (schema: z.ZodType): unknown => schema.meta()?.example;

/** `{data: item}` with the item's example wrapped, so every response in /docs has an example. */
export function dataExample<T extends z.ZodType>(item: T) {
  const example = exampleOf(item);
  const envelope = dataEnvelope(item);
  return example === undefined ? envelope : envelope.meta({ example: { data: example } });
}

/** pageEnvelope with an example of one item on one page. */
export function pageExample<T extends z.ZodType>(item: T) {
  const example = exampleOf(item);
  const envelope = pageEnvelope(item);
  return example === undefined ? envelope : envelope.meta({ example: { data: [example], pagination: { page: 1, limit: 25, total: 1, total_pages: 1 } } });
}

// Money in the CRM API is a decimal in the currency's major unit, as the document's example
// (`"rate": 100.00`) shows; a string is accepted too, for senders who keep decimals as text.
export const decimalMoney = (description: string, example: number) =>
  exactDecimal({ signed: false }).meta({
    description: `${description} Decimal in the currency's major unit (19.99), at most the currency's decimal places (2 for USD/EUR/GBP, 0 for JPY); a JSON number or a decimal string. ${decimalLimitText}`,
    example,
  });

export const decimalQuantity = decimal3;

export const currencyCode = currencyCodeField('ISO 4217 currency code.', 'USD');

export const isoDay = (description: string, example: string) => plausibleDay().meta({ description: `${description} YYYY-MM-DD.`, example });

export const isoInstant = (description: string, example: string) => plausibleInstant().meta({ description: `${description} ISO 8601 with a time zone.`, example });

export const uuidRef = (what: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .meta({ description: `Id of ${withArticle(what)} of the same tenant and environment.`, example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' });

export const updatedSince = isoInstant('Only records updated after this instant, for incremental sync.', '2026-01-01T00:00:00Z').optional();
