import { and, asc, eq } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { appointments, contactMessages, customers, motors, type appointmentStatuses } from '../storage/schema/index.ts';
import { owner, scopedLive } from '../storage/tenant-scope.ts';
import { activeListingWhere } from './vehicles.ts';
import { createLead } from './leads.ts';
import { emit } from './events.ts';
import { invalidField } from './errors.ts';
import { newId, now } from './ids.ts';
import { subscribe } from './newsletter.ts';

// What shoppers send from the dealer's website. Each lands in the CRM as a lead (crm.leads.created)
// so the dealer's other systems hear of it.

// A shopper who is already the dealer's customer gets the lead on their record.
async function customerIdByEmail(ctx: Ctx, email: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(scopedLive(ctx, customers, eq(customers.email, email)))
    .orderBy(asc(customers.createdAt))
    .limit(1);
  return row?.id ?? null;
}

export type ContactInput = { name: string; email: string; message: string; subject?: string | null };

/** Stores the message and opens a contact_form lead; the message id is the shopper's reference. */
export async function submitContactForm(ctx: Ctx, input: ContactInput): Promise<{ referenceId: string; leadId: string }> {
  const email = input.email.trim().toLowerCase();
  const subject = input.subject?.trim() || null;
  const lead = await createLead(ctx, {
    source: 'contact_form',
    status: 'new',
    customerId: await customerIdByEmail(ctx, email),
    contactName: input.name.trim(),
    contactEmail: email,
    message: subject ? `${subject}\n\n${input.message}` : input.message,
  });
  const id = newId();
  const at = now();
  await ctx.db.insert(contactMessages).values({ ...owner(ctx), id, name: input.name.trim(), email, subject, message: input.message, leadId: lead.id, createdAt: at, updatedAt: at });
  return { referenceId: id, leadId: lead.id };
}

export type TestDriveInput = { vehicleId: string; name: string; email: string; phone?: string | null; preferredDate?: Date | null };
export type AppointmentStatus = (typeof appointmentStatuses)[number];
export type AppointmentRow = typeof appointments.$inferSelect;

export const appointmentView = (row: AppointmentRow) => ({
  id: row.id,
  kind: row.kind,
  motorId: row.motorId,
  leadId: row.leadId,
  name: row.name,
  email: row.email,
  phone: row.phone,
  preferredDate: row.preferredDate?.toISOString() ?? null,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * A test-drive request: the motor must be this dealer's available active listing (else a 400
 * naming vehicleId); opens a test_drive lead on the motor and a pending appointment.
 */
export async function requestTestDrive(ctx: Ctx, input: TestDriveInput) {
  const [motor] = await ctx.db
    .select({ id: motors.id, make: motors.make, model: motors.model, year: motors.year })
    .from(motors)
    .where(scopedLive(ctx, motors, and(activeListingWhere(), eq(motors.status, 'in_stock')), eq(motors.id, input.vehicleId)))
    .limit(1);
  if (!motor) throw invalidField('vehicleId', `no available vehicle with id ${input.vehicleId}`);
  const email = input.email.trim().toLowerCase();
  const lead = await createLead(ctx, {
    source: 'test_drive',
    status: 'new',
    interest: 'test-drive',
    customerId: await customerIdByEmail(ctx, email),
    contactName: input.name.trim(),
    contactEmail: email,
    contactPhone: input.phone?.trim() || null,
    motorId: motor.id,
    vehicleOfInterest: { year: motor.year, make: motor.make, model: motor.model },
    message: input.preferredDate ? `Preferred date: ${input.preferredDate.toISOString()}` : null,
  });
  const at = now();
  const [row] = await ctx.db
    .insert(appointments)
    .values({
      ...owner(ctx),
      id: newId(),
      kind: 'test_drive',
      motorId: motor.id,
      leadId: lead.id,
      name: input.name.trim(),
      email,
      phone: input.phone?.trim() || null,
      preferredDate: input.preferredDate ?? null,
      status: 'pending',
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  // No crm.appointments.created: appointments are not a record any API reads, so their event
  // could not be followed up. The test drive is announced by its lead's crm.leads.created
  // (source test_drive, motorId, the preferred date in its message).
  return appointmentView(row);
}

/** Newsletter sign-up from the storefront, announced as crm.newsletter.subscribed. */
export async function subscribeFromStorefront(ctx: Ctx, email: string) {
  const result = await subscribe(ctx, email, 'storefront');
  await emit(ctx, 'crm.newsletter.subscribed', { ...result, source: 'storefront' });
  return result;
}
