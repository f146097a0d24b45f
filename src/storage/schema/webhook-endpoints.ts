import { pgTable, text, boolean, jsonb, timestamp, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps } from './columns.ts';

// A receiver of one tenant and environment. The secret is kept in clear because every delivery
// is signed with it; during a rotation the previous secret signs too, until it expires.
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    ...tenantColumns(),
    url: text('url').notNull(),
    description: text('description'),
    /** Event names, `crm.customers.*` prefixes, or `*`. */
    events: jsonb('events').$type<string[]>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true, mode: 'date' }),
    disabledReason: text('disabled_reason'),
    /** First failure since the last success; five days of it disables the endpoint. */
    failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'date' }),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('webhook_endpoints_env_idx').on(t.tenantId, t.environment, t.createdAt)],
);
