import { z } from 'zod';
import { supportTicketCollection } from '../../core/support-tickets.ts';
import { ticketChannels, ticketPriorities, ticketStatuses } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { metadata, recordId, reference, recordTimestamps } from './record-fields.ts';

const fields = {
  subject: z.string().trim().min(1).max(300).meta({ description: 'Required.', example: 'Check-engine light after service' }),
  description: z.string().max(20_000).nullable().meta({ example: 'The light came on two days after the 30k service.' }),
  status: z.enum(ticketStatuses).meta({ description: 'Defaults to open.', example: 'open' }),
  priority: z.enum(ticketPriorities).meta({ description: 'Defaults to normal.', example: 'high' }),
  customerId: reference('customers', 'Who raised the ticket.').nullable(),
  motorId: reference('motors', 'The vehicle concerned.').nullable(),
  assigneeEmployeeId: reference('employees', 'Who handles it.').nullable(),
  channel: z.enum(ticketChannels).nullable().meta({ description: 'How it reached us.', example: 'phone' }),
  metadata,
};

const input = z.strictObject(fields).partial();
const create = input.required({ subject: true }).meta({
  id: 'SupportTicketCreate',
  example: { subject: 'Check-engine light after service', priority: 'high', channel: 'phone', description: 'The light came on two days after the 30k service.' },
});
const update = input.meta({ id: 'SupportTicketUpdate', example: { status: 'resolved' } });

export const supportTicketRecord = z.object({ id: recordId, ...fields, ...recordTimestamps }).meta({ id: 'SupportTicket' });

export const supportTicketRoutes = recordCollection({
  name: 'supportTickets',
  singular: 'support ticket',
  plural: 'support tickets',
  description: 'Customer complaints and questions, with the vehicle and the employee handling them.',
  record: supportTicketRecord,
  create,
  update,
  ops: supportTicketCollection,
});
