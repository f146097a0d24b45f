import { pgTable, text, integer, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns } from './columns.ts';

// Every HTTP attempt of a delivery, kept for the delivery log (30 days by default).
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    ...tenantColumns(),
    deliveryId: text('delivery_id').notNull(),
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    /** X-Motors-Request-Id of this attempt. */
    requestId: text('request_id').notNull(),
    worker: text('worker').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    /** The first 4 KiB of the response body, as text. */
    responseBody: text('response_body'),
    error: text('error'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_attempts_delivery_idx').on(t.tenantId, t.deliveryId, t.startedAt),
    index('webhook_attempts_started_idx').on(t.tenantId, t.startedAt),
  ],
);
