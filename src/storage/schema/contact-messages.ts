import { pgTable, text, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps } from './columns.ts';

// Messages sent through the dealer website's contact form; each also opens a lead.
export const contactMessages = pgTable(
  'contact_messages',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    subject: text('subject'),
    message: text('message').notNull(),
    leadId: text('lead_id').notNull(),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('contact_messages_created_idx').on(t.tenantId, t.environment, t.createdAt)],
);
