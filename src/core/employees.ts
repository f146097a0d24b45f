import type { Ctx } from './context.ts';
import { employeeRoles, employees, employeeSearchFields } from '../storage/schema/index.ts';
import { defineCollection, defined } from './collection.ts';
import { merged, plainView, requireCurrency, requireFields, type RecordInput } from './record-helpers.ts';
import { createdFilter, filter } from './search.ts';

export type EmployeeRow = typeof employees.$inferSelect;
export type EmployeeInput = RecordInput<typeof employees>;
export const employeeView = (row: EmployeeRow) => plainView(row);
export type EmployeeView = ReturnType<typeof employeeView>;

export const employeeCollection = defineCollection({
  name: 'employees',
  search: { fields: employeeSearchFields(employees), text: employees.searchText, filters: { role: filter.equals(employees.role, 'role', employeeRoles), created: createdFilter(employees.createdAt) } },
  label: 'Employee',
  table: employees,
  view: employeeView,
  pure: true,
  prepare: async (_ctx, input: EmployeeInput, current) => {
    const patch = defined({ ...input, email: input.email?.trim().toLowerCase() ?? input.email });
    const next = merged(current, patch);
    requireFields(next, ['firstName']);
    requireCurrency(next, 'currency', 'hourlyCostAmount');
    return patch;
  },
});

export const createEmployee = (ctx: Ctx, input: EmployeeInput) => employeeCollection.create(ctx, input);
