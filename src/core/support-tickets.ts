import type { Ctx } from './context.ts';
import { customers, employees, motors, supportTickets } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { assertReferences } from './references.ts';
import { merged, plainView, requireFields, type RecordInput } from './record-helpers.ts';

export type SupportTicketRow = typeof supportTickets.$inferSelect;
export type SupportTicketInput = RecordInput<typeof supportTickets>;
export const supportTicketView = (row: SupportTicketRow) => plainView(row);
export type SupportTicketView = ReturnType<typeof supportTicketView>;

export const supportTicketCollection = defineCollection({
  name: 'supportTickets',
  label: 'Support ticket',
  table: supportTickets,
  view: supportTicketView,
  prepare: async (ctx, input: SupportTicketInput, current) => {
    const patch = defined(input);
    requireFields(merged(current, patch), ['subject']);
    await assertReferences(ctx, {
      customerId: [customers, input.customerId],
      motorId: [motors, input.motorId],
      assigneeEmployeeId: [employees, input.assigneeEmployeeId],
    });
    return patch;
  },
});

export const createSupportTicket = (ctx: Ctx, input: SupportTicketInput) => supportTicketCollection.create(ctx, input);
