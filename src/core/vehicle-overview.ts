import { desc, eq, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { appointments, customers, events, leads, workOrders } from '../storage/schema/index.ts';
import { scoped, scopedLive } from '../storage/tenant-scope.ts';
import { customerView, type CustomerView } from './customers.ts';
import { motorCollection, type MotorView } from './motors.ts';
import { workOrderView, type WorkOrderView } from './work-orders.ts';
import { leadView, type LeadView } from './leads.ts';
import { appointmentView } from './engagement.ts';
import { OVERVIEW_LIMIT, recordTimeline, type TimelineItem } from './customer-overview.ts';

// The vehicle page's history in one call: its owner, its service history (work orders), the
// leads and test drives it drew, and the events of the vehicle and of the records naming it.
// The listing is the vehicle's own fields (listingType, listingStatus, price).

export type VehicleOverview = {
  vehicle: MotorView;
  owner: CustomerView | null;
  workOrders: WorkOrderView[];
  leads: LeadView[];
  testDrives: ReturnType<typeof appointmentView>[];
  timeline: TimelineItem[];
};

export async function vehicleOverview(ctx: Ctx, id: string): Promise<VehicleOverview> {
  const vehicle = await motorCollection.get(ctx, id);
  const [owner, workOrderRows, leadRows, testDriveRows, timeline] = await Promise.all([
    vehicle.ownerCustomerId
      ? ctx.db
          .select()
          .from(customers)
          .where(scopedLive(ctx, customers, eq(customers.id, vehicle.ownerCustomerId)))
          .limit(1)
      : Promise.resolve([]),
    ctx.db
      .select()
      .from(workOrders)
      .where(scopedLive(ctx, workOrders, eq(workOrders.motorId, id)))
      .orderBy(desc(workOrders.createdAt), desc(workOrders.id))
      .limit(OVERVIEW_LIMIT),
    ctx.db
      .select()
      .from(leads)
      .where(scopedLive(ctx, leads, eq(leads.motorId, id)))
      .orderBy(desc(leads.createdAt), desc(leads.id))
      .limit(OVERVIEW_LIMIT),
    ctx.db
      .select()
      .from(appointments)
      .where(scoped(ctx, appointments, eq(appointments.motorId, id)))
      .orderBy(desc(appointments.createdAt), desc(appointments.id))
      .limit(OVERVIEW_LIMIT),
    recordTimeline(ctx, sql`(${events.data}->>'id' = ${id} or ${events.data}->>'motorId' = ${id})`),
  ]);
  return {
    vehicle,
    owner: owner[0] ? customerView(owner[0]) : null,
    workOrders: workOrderRows.map(workOrderView),
    leads: leadRows.map(leadView),
    testDrives: testDriveRows.map(appointmentView),
    timeline,
  };
}
