import type { Ctx } from './context.ts';
import { customers, employees, leads, leadSearchFields, leadSources, motors, leadStatuses } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { AppError, invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { merged, plainView, type RecordInput } from './record-helpers.ts';
import { createdFilter, filter } from './search.ts';

export type LeadRow = typeof leads.$inferSelect;
export type LeadInput = RecordInput<typeof leads>;
export type LeadStatus = (typeof leadStatuses)[number];
export const leadView = (row: LeadRow) => plainView(row);
export type LeadView = ReturnType<typeof leadView>;

// The sales funnel; won and lost close a lead (a returning prospect is a new lead, so reports
// count each attempt once).
export const leadTransitions: Record<LeadStatus, LeadStatus[]> = {
  new: ['contacted', 'qualified', 'lost'],
  contacted: ['qualified', 'won', 'lost'],
  qualified: ['won', 'lost'],
  won: [],
  lost: [],
};

export function assertLeadTransition(from: LeadStatus, to: LeadStatus): void {
  if (from === to || leadTransitions[from].includes(to)) return;
  const allowed = leadTransitions[from];
  throw new AppError('invalid_transition', `status: a ${from} lead cannot become ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (the lead is closed)'}`, {
    fields: [{ field: 'status', message: `allowed from ${from}: ${allowed.join(', ') || 'none'}` }],
  });
}

export const leadCollection = defineCollection({
  name: 'leads',
  search: {
    fields: leadSearchFields(leads),
    text: leads.searchText,
    filters: {
      status: filter.equals(leads.status, 'status', leadStatuses),
      source: filter.equals(leads.source, 'source', leadSources),
      customerId: filter.equals(leads.customerId, "the customer's id"),
      assignedEmployeeId: filter.equals(leads.assignedEmployeeId, "the assigned employee's id"),
      created: createdFilter(leads.createdAt),
    },
  },
  label: 'Lead',
  table: leads,
  view: leadView,
  prepare: async (ctx, input: LeadInput, current) => {
    const patch = defined({ ...input, contactEmail: input.contactEmail?.trim().toLowerCase() ?? input.contactEmail });
    // Imports may create a lead in any status; afterwards the funnel's order holds.
    if (current && patch.status) assertLeadTransition(current.status, patch.status);
    const next = merged(current, patch);
    // An intake lead keeps its raw document, so one without any contact is still worth a call.
    if (!next.customerId && !next.contactEmail && !next.contactPhone && !next.rawDocument) {
      throw invalidField('contactEmail', 'a lead without customerId needs contactEmail or contactPhone');
    }
    await assertReferences(ctx, {
      customerId: [customers, input.customerId],
      motorId: [motors, input.motorId],
      assignedEmployeeId: [employees, input.assignedEmployeeId],
    });
    return patch;
  },
});

export const createLead = (ctx: Ctx, input: LeadInput) => leadCollection.create(ctx, input);
