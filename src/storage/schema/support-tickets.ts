import { pgTable, text, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';

export const ticketStatuses = ['open', 'pending', 'resolved', 'closed'] as const;
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const ticketChannels = ['email', 'phone', 'web', 'in_person'] as const;

export const supportTickets = pgTable(
  'support_tickets',
  {
    ...tenantColumns(),
    subject: text('subject').notNull(),
    description: text('description'),
    status: text('status', { enum: ticketStatuses }).notNull().default('open'),
    priority: text('priority', { enum: ticketPriorities }).notNull().default('normal'),
    customerId: text('customer_id'),
    motorId: text('motor_id'),
    assigneeEmployeeId: text('assignee_employee_id'),
    channel: text('channel', { enum: ticketChannels }),
    metadata: metadataColumn(),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('support_tickets_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id)],
);
