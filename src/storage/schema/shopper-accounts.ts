import { pgTable, text, timestamp, jsonb, uniqueIndex, primaryKey, index } from 'drizzle-orm/pg-core';

// A shopper's sign-in, global across dealers: each dealer keeps its own customer record linked to
// it (customers.account_id), and sees only that record.
export const shopperAccounts = pgTable(
  'shopper_accounts',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    phone: jsonb('phone').$type<{ mobile?: string; whatsapp?: string }>().notNull().default({}),
    profileImageUrl: text('profile_image_url'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('shopper_accounts_email_uq').on(t.email)],
);

// Refresh tokens rotate on use; a token used twice revokes its whole family (RFC 6819 §5.2.2.3).
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tenantId: text('tenant_id').notNull(),
    environment: text('environment', { enum: ['live', 'test'] }).notNull(),
    id: text('id').notNull(),
    familyId: text('family_id').notNull(),
    accountId: text('account_id').notNull(),
    customerId: text('customer_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash), index('refresh_tokens_family_idx').on(t.tenantId, t.familyId)],
);
