import { pgTable, text, timestamp, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';

// Dashboard sign-ins. The cookie holds a random token; only its hash is stored, so a database
// leak does not hand out sessions, and signing out revokes at once.
export const staffSessions = pgTable(
  'staff_sessions',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('staff_sessions_token_uq').on(t.tokenHash)],
);
