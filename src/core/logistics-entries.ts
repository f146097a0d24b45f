import type { Ctx } from './context.ts';
import { employees, logisticsEntries, motors } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { merged, requireCurrency, requireFields, type RecordInput } from './record-helpers.ts';

export type LogisticsEntryRow = typeof logisticsEntries.$inferSelect;
export type LogisticsEntryInput = RecordInput<typeof logisticsEntries>;

export function logisticsEntryView(row: LogisticsEntryRow) {
  const { tenantId: _t, environment: _e, scheduledAt, completedAt, createdAt, updatedAt, deletedAt, ...fields } = row;
  return {
    ...fields,
    scheduledAt: scheduledAt?.toISOString() ?? null,
    completedAt: completedAt?.toISOString() ?? null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    deletedAt: deletedAt?.toISOString() ?? null,
  };
}
export type LogisticsEntryView = ReturnType<typeof logisticsEntryView>;

export const logisticsEntryCollection = defineCollection({
  name: 'logisticsEntries',
  label: 'Logistics entry',
  table: logisticsEntries,
  view: logisticsEntryView,
  prepare: async (ctx, input: LogisticsEntryInput, current) => {
    const patch = defined(input);
    const next = merged(current, patch);
    requireFields(next, ['motorId', 'kind']);
    requireCurrency(next, 'currency', 'costAmount');
    const { scheduledAt, completedAt } = next as { scheduledAt?: Date | null; completedAt?: Date | null };
    if (scheduledAt && completedAt && completedAt < scheduledAt) throw invalidField('completedAt', 'cannot be before scheduledAt');
    await assertReferences(ctx, { motorId: [motors, input.motorId], driverEmployeeId: [employees, input.driverEmployeeId] });
    return patch;
  },
});

export const createLogisticsEntry = (ctx: Ctx, input: LogisticsEntryInput) => logisticsEntryCollection.create(ctx, input);
