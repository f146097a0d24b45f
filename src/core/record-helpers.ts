import type { RecordTable } from './collection.ts';
import { AppError, invalidField } from './errors.ts';

type SystemColumn = 'tenantId' | 'environment' | 'id' | 'createdAt' | 'updatedAt' | 'deletedAt';

/** What an API may write on a plain record: every column but the system ones, all optional (PUT merges). */
export type RecordInput<T extends RecordTable> = Partial<Omit<T['$inferInsert'], SystemColumn>>;

type StoredRow = { tenantId: string; environment: string; createdAt: Date; updatedAt: Date; deletedAt: Date | null };

/**
 * The Records API representation of a record whose API fields are its columns: tenancy stays
 * internal, timestamps become ISO 8601 with milliseconds.
 */
export function plainView<R extends StoredRow & { searchText?: string | null }>(row: R) {
  // searchText is the generated search document (storage/search-text.ts): the database's, not the API's.
  const { tenantId: _tenant, environment: _env, createdAt, updatedAt, deletedAt, searchText: _search, ...fields } = row;
  return { ...fields, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString(), deletedAt: deletedAt?.toISOString() ?? null };
}

/** Refuses a record whose required fields are missing or being cleared with null. */
export function requireFields(row: Record<string, unknown>, fields: string[]): void {
  const missing = fields.filter((f) => row[f] === null || row[f] === undefined || row[f] === '');
  if (!missing.length) return;
  throw new AppError('validation_failed', missing.map((f) => `${f}: is required`).join('; '), {
    fields: missing.map((field) => ({ field, message: 'is required' })),
  });
}

/** Money is an integer amount in minor units plus its ISO 4217 currency: an amount alone is ambiguous. */
export function requireCurrency(row: Record<string, unknown>, currencyField: string, ...amountFields: string[]): void {
  const withAmount = amountFields.find((f) => row[f] !== null && row[f] !== undefined);
  if (withAmount && !row[currencyField]) throw invalidField(currencyField, `is required with ${withAmount}`);
}

/** The record as it will be after the write, for rules that span fields. */
export const merged = <R>(current: R | undefined, patch: Record<string, unknown>) => ({ ...(current ?? {}), ...patch }) as Record<string, unknown>;
