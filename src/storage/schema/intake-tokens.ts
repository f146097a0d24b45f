import { pgTable, text, timestamp, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns } from './columns.ts';

// Secret addresses given to a partner instead of an API key, one row per token, only its hash
// stored. `purpose` says what the address opens: `adf`, a lead provider's intake (the path of
// POST /intake/adf/<token> and the local part of <token>@SMTP_DOMAIN); `feed`, a marketplace's
// inventory feed (GET /feeds/<token>/…). One table, so the token rules live in one place.
export const intakeTokens = pgTable(
  'intake_tokens',
  {
    ...tenantColumns(),
    purpose: text('purpose', { enum: ['adf', 'feed'] })
      .notNull()
      .default('adf'),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The first characters of the token, to recognise it in lists. */
    prefix: text('prefix').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('intake_tokens_hash_uq').on(t.tokenHash)],
);
