import { eq } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { AppError } from './errors.ts';
import type { RecordTable } from './collection.ts';

/**
 * Checks that every referenced record exists in the caller's tenant and environment. A reference
 * to a record that does not exist, or belongs to someone else, is a 400 naming the field, never a
 * hint that the other tenant's record exists.
 */
export async function assertReferences(ctx: Ctx, refs: Record<string, [RecordTable, string | null | undefined]>): Promise<void> {
  for (const [field, [table, id]] of Object.entries(refs)) {
    if (id === null || id === undefined) continue;
    const [row] = await ctx.db
      .select({ id: table.id })
      .from(table as never)
      .where(scopedLive(ctx, table, eq(table.id, id)))
      .limit(1);
    if (!row) {
      throw new AppError('validation_failed', `${field}: no record with id ${id}`, { fields: [{ field, message: `no record with id ${id}` }] });
    }
  }
}
