import { sql } from 'drizzle-orm';
import { pgTable, text, boolean, jsonb, timestamp, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps } from './columns.ts';

/**
 * What an endpoint receives: `webhook` the signed JSON events; `adf_http` / `adf_email` every new
 * lead as an ADF/XML document (ADF forwarding to a DMS), POSTed to `url` or mailed to the address
 * of a `mailto:` url. All three share the outbox, the delivery queue, its retries and its log.
 */
export const endpointKinds = ['webhook', 'adf_http', 'adf_email'] as const;
export type EndpointKind = (typeof endpointKinds)[number];

// A receiver of one tenant and environment. The secret is kept in clear because every delivery
// is signed with it; during a rotation the previous secret signs too, until it expires.
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    ...tenantColumns(),
    kind: text('kind', { enum: endpointKinds }).notNull().default('webhook'),
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
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_endpoints_env_idx').on(t.tenantId, t.environment, t.createdAt),
    // One ADF target of each kind per tenant and environment: the settings form's two fields.
    uniqueIndex('webhook_endpoints_adf_uq').on(t.tenantId, t.environment, t.kind).where(sql`${t.kind} <> 'webhook' and ${t.deletedAt} is null`),
  ],
);
