import { z } from 'zod';

// Field schemas the Records API collections share, so money, dates and ids read the same everywhere.

export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. USD')
  .meta({ description: 'ISO 4217 currency code of the amounts beside it.', example: 'USD' });

/** Integer minor units (cents): 1234567 is 12,345.67. */
export const amount = (description: string, example: number) =>
  z.number().int().min(0).max(2_000_000_000).meta({ description: `${description} In minor units (cents), an integer.`, example });

export const isoDate = (description: string, example: string) => z.iso.date().meta({ description: `${description} ISO 8601 date (YYYY-MM-DD).`, example });

export const reference = (collection: string, description: string) =>
  z.string().min(1).max(100).meta({ description: `${description} Id of a record in ${collection} of the same dealership and environment; anything else is a 400 naming this field.`, example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' });

export const metadata = z
  .record(z.string(), z.unknown())
  .meta({ description: "Integrators' own keys, stored and returned as given.", example: { dmsId: 'X-1042' } });

export const recordId = z.string().meta({ description: 'Record id (UUIDv7), assigned by the server.', example: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11' });

export const systemFields = {
  createdAt: z.string().meta({ description: 'ISO 8601, milliseconds, UTC.', example: '2026-03-01T10:00:00.000Z' }),
  updatedAt: z.string().meta({ description: 'ISO 8601, milliseconds, UTC; moves on every write.', example: '2026-03-02T08:30:00.000Z' }),
  deletedAt: z.string().nullable().meta({ description: 'Set on tombstones (includeDeleted=true).', example: null }),
};
