import { pgTable, text, timestamp, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';

// Single-use links for staff accounts: `invite` (an owner or admin asks someone to join the
// dealership with a role) and `reset` (a signed-out user sets a new password). Only the token's
// hash is stored; a link is spent by a conditional UPDATE (used_at is null, not revoked, not
// expired), so two clicks of one link cannot both win.
export const staffLinks = pgTable(
  'staff_links',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    kind: text('kind', { enum: ['invite', 'reset'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    email: text('email').notNull(),
    /** The role an invitation grants; null for a reset. */
    role: text('role', { enum: ['owner', 'admin', 'member'] }),
    /** The user a reset is for, or who sent an invitation. */
    userId: text('user_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('staff_links_token_uq').on(t.tokenHash)],
);
