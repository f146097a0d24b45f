import type { Queryable } from '../storage/db.ts';
import type { PendingEvent } from './events.ts';

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
};

export function withDb(ctx: Ctx, db: Queryable): Ctx {
  return { ...ctx, db };
}
