import { pgTable, text, integer, date, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns } from './columns.ts';

// Storefront views of a listed motor, one row per motor and UTC day: enough for daily charts
// without a row per hit. The motor's own views_count holds the running total.
export const vehicleViews = pgTable(
  'vehicle_views',
  {
    ...tenantColumns(),
    motorId: text('motor_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('vehicle_views_motor_day_uq').on(t.tenantId, t.environment, t.motorId, t.day)],
);
