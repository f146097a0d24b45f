import type { Queryable } from '../storage/db.ts';
import type { DeferredWrite } from './collection.ts';
import type { PendingEvent } from './events.ts';
import type { StatementFacts } from './one-statement.ts';

export type Environment = 'live' | 'test';

// Everything a core function needs to know about who is asking. `db` is the request's
// transaction for writes, so events and idempotency records commit with the change.
export type Ctx = {
  tenantId: string;
  environment: Environment;
  scopes: readonly string[];
  actor: { type: 'api_key' | 'user' | 'customer' | 'system'; id: string };
  requestId: string;
  db: Queryable;
  /** Inside an API request's transaction: the events its write emitted, written at its end (core/events.ts). */
  pendingEvents?: PendingEvent[];
  /**
   * Set by the platform on the create and update routes of a pure collection (core/collection.ts):
   * `db` is then the pool, not a transaction. A create hands its statement here, and the platform
   * runs it with the idempotency record as one statement; an update runs one conditional statement.
   */
  deferWrite?: (write: DeferredWrite) => void;
  /**
   * While a one-statement create prepares its row (core/one-statement.ts): references, the
   * tenant's currency and document numbers go into its statement instead of being read.
   */
  statement?: StatementFacts;
};
