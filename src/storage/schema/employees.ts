import { pgTable, text, boolean, integer, date, primaryKey, index } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps, metadataColumn } from './columns.ts';
import { type SearchColumns, type SearchField, digitsField, searchIndex, searchTextColumn, textField } from '../search-text.ts';

export const employeeRoles = ['technician', 'service_advisor', 'salesperson', 'manager', 'admin', 'other'] as const;

/** What the Records API's `q` searches in an employee (core/search.ts): names, email, phone digits. */
export const employeeSearchFields = (t: SearchColumns<'firstName' | 'lastName' | 'email' | 'phone'>) => [textField(t.firstName), textField(t.lastName), textField(t.email), digitsField(t.phone)];

export const employees = pgTable(
  'employees',
  {
    ...tenantColumns(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name'),
    email: text('email'),
    phone: text('phone'),
    role: text('role', { enum: employeeRoles }).notNull().default('other'),
    hourlyCostAmount: integer('hourly_cost_amount'),
    currency: text('currency'),
    active: boolean('active').notNull().default(true),
    hiredOn: date('hired_on', { mode: 'string' }),
    metadata: metadataColumn(),
    searchText: searchTextColumn((): SearchField[] => employeeSearchFields(employees)),
    ...recordTimestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('employees_sync_idx').on(t.tenantId, t.environment, t.updatedAt, t.id), searchIndex('employees_search_grams_idx', t)],
);
