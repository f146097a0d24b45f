import type { Ctx } from './context.ts';
import { employees } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { merged, plainView, requireCurrency, requireFields, type RecordInput } from './record-helpers.ts';

export type EmployeeRow = typeof employees.$inferSelect;
export type EmployeeInput = RecordInput<typeof employees>;
export const employeeView = (row: EmployeeRow) => plainView(row);
export type EmployeeView = ReturnType<typeof employeeView>;

export const employeeCollection = defineCollection({
  name: 'employees',
  label: 'Employee',
  table: employees,
  view: employeeView,
  prepare: async (_ctx, input: EmployeeInput, current) => {
    const patch = defined({ ...input, email: input.email?.trim().toLowerCase() ?? input.email });
    const next = merged(current, patch);
    requireFields(next, ['firstName']);
    requireCurrency(next, 'currency', 'hourlyCostAmount');
    return patch;
  },
});

export const createEmployee = (ctx: Ctx, input: EmployeeInput) => employeeCollection.create(ctx, input);
export const getEmployee = (ctx: Ctx, id: string) => employeeCollection.get(ctx, id);
export const updateEmployee = (ctx: Ctx, id: string, patch: EmployeeInput, opts: { ifMatch?: string } = {}) => employeeCollection.update(ctx, id, patch, opts);
