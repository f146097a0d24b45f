import { sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';

// A create on a one-statement route (ctx.deferWrite) whose prepare depends on the database in the
// ways one statement can answer: a reference that must exist (held FOR SHARE), the tenant's
// currency (known from an earlier read, checked again), a gap-free number (the counter row bumped).
// assertReferences, tenantCurrency and nextDocumentNumber put those into the create's statement
// (core/collection.ts `createInOneStatement`) instead of running them (ARCHITECTURE.md, "Concurrency").

/** What the create's statement must do and check before its write counts. */
export type StatementFacts = {
  /** `name as (…)` CTEs that come before the write: a reference held, a counter row bumped. */
  ctes: SQL[];
  /** Conditions that must all hold; when one does not, the statement stores nothing at all. */
  guards: SQL[];
  /**
   * Text the prepared values and the view hold in place of a value only the statement knows (a
   * document number), and that value in SQL. The value is plain text (no quote or backslash), so
   * it takes the stand-in's place inside JSON as it is.
   */
  standIns: { text: string; value: SQL }[];
};

/**
 * Thrown when a one-statement write turns out to need a transaction (a line that reads an
 * inventory item, an update of the record just created, a currency not read yet). Nothing has been
 * written: the platform runs the request again, in a transaction.
 */
export class NeedsTransaction extends Error {}

export const newStatementFacts = (): StatementFacts => ({ ctes: [], guards: [], standIns: [] });

/** Adds a CTE before the write; answers its name, for the guards and values that read it. */
export function addCte(facts: StatementFacts, prefix: string, body: SQL): SQL {
  const name = sql`${sql.identifier(`motors_${prefix}_${facts.ctes.length}`)}`;
  facts.ctes.push(sql`${name} as (${body})`);
  return name;
}

/** The database a one-statement create's prepare gets: any read means it needs a transaction. */
export const transactionNeeded = new Proxy(
  {},
  {
    get(_target, key) {
      throw new NeedsTransaction(`a one-statement create read the database (db.${String(key)})`);
    },
  },
) as Ctx['db'];
