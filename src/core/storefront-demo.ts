import { asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, invoices, motors } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { createInvoice, setInvoiceStatus } from './invoices.ts';
import { updateMotor } from './motors.ts';
import { requestTestDrive, submitContactForm } from './engagement.ts';

// Storefront demo: vehicle sales and rentals invoiced and paid (so customers have stats and every
// segment has members), one reserved listing, a contact message and a test-drive request.
// Needs seedRecordsDemo's motors and the demo customers first.

const dayOffset = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

export async function seedStorefrontDemo(ctx: Ctx): Promise<Record<string, number>> {
  const people = await ctx.db
    .select({ id: customers.id, isVip: customers.isVip })
    .from(customers)
    .where(scopedLive(ctx, customers, eq(customers.type, 'person')))
    .orderBy(asc(customers.createdAt), asc(customers.id));
  const listed = await ctx.db
    .select({ id: motors.id, name: motors.make, model: motors.model, year: motors.year, listingType: motors.listingType, price: motors.listingPriceAmount })
    .from(motors)
    .where(scopedLive(ctx, motors, isNotNull(motors.listingType), eq(motors.listingStatus, 'active')))
    .orderBy(asc(motors.createdAt), asc(motors.id));
  const nonVip = people.filter((p) => !p.isVip);
  if (nonVip.length < 5 || listed.length < 6) return { vehicleInvoices: 0 };
  // Seeding twice adds nothing: the vehicle invoices are the marker.
  const [seeded] = await ctx.db
    .select({ id: invoices.id })
    .from(invoices)
    .where(scopedLive(ctx, invoices, sql`${invoices.metadata}->>'vehicleTransaction' is not null`))
    .limit(1);
  if (seeded) return { vehicleInvoices: 0 };

  const sales = listed.filter((m) => m.listingType === 'sale');
  const rentals = listed.filter((m) => m.listingType === 'rental');
  // [customer, motor, kind, days ago]: two regulars, one repeat buyer, one lapsed (at risk).
  const deals: [string, (typeof listed)[number], 'sale' | 'rental', number][] = [
    [nonVip[0].id, sales[0], 'sale', 45],
    [nonVip[0].id, rentals[0] ?? sales[1], 'rental', 10],
    [nonVip[1].id, sales[1], 'sale', 120],
    [nonVip[2].id, rentals[1] ?? sales[2], 'rental', 3],
    [nonVip[3].id, sales[2], 'sale', 500],
    [people.find((p) => p.isVip)?.id ?? nonVip[4].id, sales[3], 'sale', 200],
  ];
  let invoiceCount = 0;
  for (const [customerId, motor, kind, daysAgo] of deals) {
    if (!motor) continue;
    const amount = kind === 'sale' ? (motor.price ?? 2000000) : (motor.price ?? 5000) * 5;
    const invoice = await createInvoice(ctx, {
      customerId,
      currency: 'USD',
      issueDate: dayOffset(-daysAgo),
      dueDate: dayOffset(-daysAgo + 7),
      lines: [
        {
          kind: kind === 'sale' ? 'product' : 'service',
          description: `${kind === 'sale' ? 'Vehicle sale' : '5-day rental'}: ${motor.year} ${motor.name} ${motor.model}`,
          quantity: 1,
          unitAmount: amount,
          taxRate: 0,
        },
      ],
      metadata: { vehicleTransaction: kind, motorId: motor.id },
    });
    await setInvoiceStatus(ctx, invoice.id, 'sent');
    await setInvoiceStatus(ctx, invoice.id, 'paid');
    invoiceCount++;
  }

  // One listing on hold, so "available" differs from "listed".
  const reserved = sales.at(-1);
  if (reserved) await updateMotor(ctx, reserved.id, { status: 'reserved' });

  await submitContactForm(ctx, { name: 'Maya Fischer', email: 'maya.fischer@example.com', subject: 'Trade-in valuation', message: 'Could you value my 2017 Golf before I come in on Saturday?' });
  const forTestDrive = sales.find((m) => m.id !== reserved?.id);
  if (forTestDrive)
    await requestTestDrive(ctx, { vehicleId: forTestDrive.id, name: 'Owen Park', email: 'owen.park@example.com', phone: '+1 415 555 0142', preferredDate: new Date(`${dayOffset(3)}T17:00:00.000Z`) });
  return { vehicleInvoices: invoiceCount, contactMessages: 1, appointments: forTestDrive ? 1 : 0 };
}
