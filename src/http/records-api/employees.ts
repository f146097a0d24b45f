import { z } from 'zod';
import { employeeCollection } from '../../core/employees.ts';
import { employeeRoles } from '../../storage/schema/index.ts';
import { recordCollection } from './collection-routes.ts';
import { minorAmount, currency, isoDate, metadata, recordId, recordTimestamps } from './record-fields.ts';

const fields = {
  firstName: z.string().trim().min(1).max(100).meta({ description: 'Required.', example: 'Marcus' }),
  lastName: z.string().trim().max(100).nullable().meta({ example: 'Bell' }),
  email: z.email().max(254).nullable().meta({ example: 'marcus.bell@dealer.example' }),
  phone: z.string().trim().max(40).nullable().meta({ example: '+1 555 0142' }),
  role: z.enum(employeeRoles).meta({ description: 'Job role; defaults to other.', example: 'technician' }),
  hourlyCostAmount: minorAmount('What an hour of this employee costs the business (for labour margins).', 4500).nullable(),
  currency: currency.nullable().meta({ description: 'ISO 4217; required with hourlyCostAmount.', example: 'USD' }),
  active: z.boolean().meta({ description: 'False for former staff; defaults to true.', example: true }),
  hiredOn: isoDate('First working day.', '2021-04-12').nullable(),
  metadata,
};

const input = z.strictObject(fields).partial();
const create = input.required({ firstName: true }).meta({
  id: 'EmployeeCreate',
  example: { firstName: 'Marcus', lastName: 'Bell', email: 'marcus.bell@dealer.example', role: 'technician', hourlyCostAmount: 4500, currency: 'USD', hiredOn: '2021-04-12' },
});
const update = input.meta({ id: 'EmployeeUpdate', example: { role: 'service_advisor', active: true } });

export const employeeRecord = z.object({ id: recordId, ...fields, ...recordTimestamps }).meta({ id: 'Employee' });

export const employeeRoutes = recordCollection({
  name: 'employees',
  singular: 'employee',
  plural: 'employees',
  description: 'Staff of the dealership or workshop: technicians, advisors, salespeople. Work orders, leads, tickets and logistics entries refer to them.',
  record: employeeRecord,
  create,
  update,
  ops: employeeCollection,
});
