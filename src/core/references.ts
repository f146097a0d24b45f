import { eq, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { AppError } from './errors.ts';
import type { RecordTable } from './collection.ts';
import { addCte } from './one-statement.ts';

/**
 * Checks that every referenced record exists in the caller's tenant and environment. A reference
 * to a record that does not exist, or belongs to someone else, is a 400 naming the field, never a
 * hint that the other tenant's record exists. Each referenced row is held `FOR SHARE` until the
 * write's transaction ends: a concurrent delete or change of it waits, and then decides on what this
 * write did (a client being deleted sees the invoice being created for it, and refuses).
 * In a one-statement create the statement holds them, and stores nothing when one is missing (the
 * request then runs again in a transaction, which answers as above).
 */
export async function assertReferences(ctx: Ctx, refs: Record<string, [RecordTable, string | null | undefined]>): Promise<void> {
  for (const [field, [table, id]] of Object.entries(refs)) {
    if (id === null || id === undefined) continue;
    if (ctx.statement) {
      const held = addCte(ctx.statement, 'reference', sql`select 1 from ${table} where ${scopedLive(ctx, table, eq(table.id, id))} for share`);
      ctx.statement.guards.push(sql`exists (select 1 from ${held})`);
      continue;
    }
    const [row] = await ctx.db
      .select({ id: table.id })
      .from(table as never)
      .where(scopedLive(ctx, table, eq(table.id, id)))
      .limit(1)
      .for('share');
    if (!row) {
      throw new AppError('validation_failed', `${field}: no record with id ${id}`, { fields: [{ field, message: `no record with id ${id}` }] });
    }
  }
}
