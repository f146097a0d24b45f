import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Ctx } from '../core/context.ts';

type TenantOwned = PgTable & {
  tenantId: PgColumn;
  environment: PgColumn;
  id: PgColumn;
  deletedAt?: PgColumn;
};

// The one place where tenancy and environment enter a query. Every read and write of a
// tenant-owned table goes through these, so another tenant's record is simply not found.
export function scoped(ctx: Pick<Ctx, 'tenantId' | 'environment'>, table: TenantOwned, ...where: (SQL | undefined)[]): SQL {
  return and(eq(table.tenantId, ctx.tenantId), eq(table.environment, ctx.environment), ...where)!;
}

/** Scope plus "not soft-deleted" for tables that have deleted_at. */
export function scopedLive(ctx: Pick<Ctx, 'tenantId' | 'environment'>, table: TenantOwned, ...where: (SQL | undefined)[]): SQL {
  return scoped(ctx, table, table.deletedAt ? isNull(table.deletedAt) : undefined, ...where);
}

/**
 * Shared reference rows (no tenant: the global vehicle catalog) and the caller's own; the
 * caller's part still goes through scoped(), so another dealer's own rows are never seen.
 */
export function globalOrOwn(ctx: Pick<Ctx, 'tenantId' | 'environment'>, table: TenantOwned, ...where: (SQL | undefined)[]): SQL {
  return and(or(isNull(table.tenantId), scoped(ctx, table)), ...where)!;
}

export function scopedId(ctx: Pick<Ctx, 'tenantId' | 'environment'>, table: TenantOwned, id: string): SQL {
  return scoped(ctx, table, eq(table.id, id));
}

/** The tenant columns to spread into every insert. */
export function owner(ctx: Pick<Ctx, 'tenantId' | 'environment'>) {
  return { tenantId: ctx.tenantId, environment: ctx.environment };
}

/**
 * scoped() for a prepared statement: tenant and environment are the placeholders `tenantId` and
 * `environment`, filled from owner(ctx) when the statement runs (see storage/prepared.ts).
 */
export function scopedPlaceholders(table: TenantOwned, ...where: (SQL | undefined)[]): SQL {
  return scoped(placeholderOwner, table, ...where);
}

/** The owner of a prepared statement's rows, as its placeholders: scoped(placeholderOwner, …) is scopedPlaceholders. */
export const placeholderOwner = { tenantId: sql.placeholder('tenantId'), environment: sql.placeholder('environment') } as unknown as Pick<Ctx, 'tenantId' | 'environment'>;
