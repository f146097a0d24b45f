import { z } from 'zod';
import { addressFields, currencyCode, decimal3, plausibleDay } from '../platform/fields.ts';

// Field schemas the Records API collections share, so money, dates and ids read the same everywhere.

export const addressInput = z.strictObject(addressFields('postalCode')).meta({ example: { line1: 'Unit 4, Canal Road', city: 'Bradford', postalCode: 'BD1 4SJ', country: 'GB' } });

export const currency = currencyCode('ISO 4217 currency code; amounts are in its minor unit.', 'GBP');

export const minorAmount = (description: string, example: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .meta({ description: `${description} Integer minor units (cents): 1999 is 19.99; at most 9007199254740991 (2^53 − 1), the largest integer a JSON number keeps exactly.`, example });

export { decimal3 };

export const isoDate = (description: string, example: string) => plausibleDay().meta({ description: `${description} ISO 8601 date (YYYY-MM-DD).`, example });

export const metadata = z.record(z.string(), z.unknown()).meta({ description: "Integrators' own keys, stored as given.", example: { dmsId: 'X-1042' } });

export const recordTimestamps = {
  createdAt: z.string().meta({ description: 'ISO 8601, UTC, milliseconds.', example: '2026-03-01T09:30:00.000Z' }),
  updatedAt: z.string().meta({ description: 'ISO 8601, UTC, milliseconds; moves on every write.', example: '2026-03-02T14:05:12.345Z' }),
  deletedAt: z.string().nullable().meta({ description: 'Set on tombstones (includeDeleted=true).', example: null }),
};

/** A reference to another record: `what` names the collection or kind, `description` says what it is for. */
export const reference = (what: string, description = '') =>
  z
    .string()
    .min(1)
    .max(100)
    .meta({
      description: `${description ? description + ' ' : ''}Id of a record in ${what} of the same dealership and environment; anything else is a 400 naming this field.`,
      example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
    });

export const recordId = z.string().meta({ description: 'Record id (UUIDv7), assigned by the server.', example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' });
