import { sql } from 'drizzle-orm';
import { pgTable, text, integer, timestamp, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns } from './columns.ts';

// One event for one endpoint: the unit a worker claims (FOR UPDATE SKIP LOCKED plus a lease, so
// a worker that dies mid-delivery only delays it until the lease expires).
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    ...tenantColumns(),
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** pending: not tried yet; failed: last attempt failed, a retry is scheduled; dead: schedule exhausted. */
    status: text('status', { enum: ['pending', 'succeeded', 'failed', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('webhook_deliveries_event_endpoint_idx').on(t.tenantId, t.eventId, t.endpointId),
    index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.createdAt),
    // The workers' queue spans tenants, like the events outbox index: the one index not led by tenant_id.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status in ('pending', 'failed')`),
  ],
);
