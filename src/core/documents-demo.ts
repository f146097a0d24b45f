import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, inventoryItems } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { createVendor, type VendorView } from './vendors.ts';
import { createInventoryItem, inventoryItemView, type InventoryItemInput, type InventoryItemView } from './inventory-items.ts';
import { createMarketplaceItem } from './marketplace-items.ts';
import { createQuote, setQuoteStatus } from './quotes.ts';
import { convertQuoteToInvoice, createInvoice, setInvoiceStatus } from './invoices.ts';
import { createPurchaseOrder, updatePurchaseOrder } from './purchase-orders.ts';
import { createMarketplaceOrder, updateMarketplaceOrder } from './marketplace-orders.ts';

// Demo catalogue, suppliers and documents for a UK workshop. Prices in pence.
const catalogue: InventoryItemInput[] = [
  { kind: 'part', name: 'Brake pads, front (set)', sku: 'BP-F-2231', unitAmount: 4999, costAmount: 2750, taxRate: 20, trackStock: true, stockOnHand: 12, reorderLevel: 4 },
  { kind: 'part', name: 'Brake disc, front', sku: 'BD-F-1180', unitAmount: 6450, costAmount: 3820, taxRate: 20, trackStock: true, stockOnHand: 6, reorderLevel: 4 },
  { kind: 'part', name: 'Oil filter', sku: 'OF-0042', unitAmount: 899, costAmount: 310, taxRate: 20, trackStock: true, stockOnHand: 40, reorderLevel: 15 },
  { kind: 'part', name: 'Engine oil 5W-30', sku: 'EO-5W30', unitAmount: 1150, costAmount: 620, taxRate: 20, trackStock: true, stockOnHand: 180.5, reorderLevel: 50, unit: 'litre' },
  { kind: 'part', name: 'Wiper blade set', sku: 'WB-24-16', unitAmount: 2499, costAmount: 1100, taxRate: 20, trackStock: true, stockOnHand: 3, reorderLevel: 5 },
  { kind: 'service', name: 'Workshop labour', sku: 'LAB-STD', unitAmount: 8500, taxRate: 20, unit: 'hour' },
  { kind: 'service', name: 'MOT test', sku: 'SRV-MOT', unitAmount: 5485, taxRate: 0 },
  { kind: 'service', name: 'Full service', sku: 'SRV-FULL', unitAmount: 24900, taxRate: 20 },
  { kind: 'product', name: 'Dash camera, front and rear', sku: 'ACC-DC-2', unitAmount: 12999, costAmount: 7400, taxRate: 20, trackStock: true, stockOnHand: 8, reorderLevel: 2 },
  { kind: 'product', name: 'All-weather floor mats', sku: 'ACC-MAT-4', unitAmount: 5999, costAmount: 2200, taxRate: 20, trackStock: true, stockOnHand: 15, reorderLevel: 5 },
];

const vendorList = [
  {
    name: 'Bradford Motor Factors Ltd',
    contactName: 'Dev Patel',
    email: 'orders@bradfordmotorfactors.example',
    phone: '+44 1274 555 010',
    address: { line1: 'Unit 4, Canal Road', city: 'Bradford', postalCode: 'BD1 4SJ', country: 'GB' },
    taxId: 'GB123456789',
    paymentTermsDays: 30,
  },
  {
    name: 'Northern Lubricants',
    contactName: 'Sarah Lowe',
    email: 'sales@northernlubes.example',
    phone: '+44 113 555 0199',
    address: { city: 'Leeds', country: 'GB' },
    taxId: 'GB987654321',
    paymentTermsDays: 14,
  },
  {
    name: 'AutoTech Accessories GmbH',
    contactName: 'Lukas Brandt',
    email: 'b2b@autotech.example',
    address: { city: 'Cologne', country: 'DE' },
    taxId: 'DE811223344',
    paymentTermsDays: 45,
    notes: 'Ships Tuesdays and Fridays.',
  },
];

const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Adds the demo inventory, vendors, listings and documents; safe to run again (SKUs are reused). */
export async function seedDocumentsDemo(ctx: Ctx): Promise<{ inventoryItems: number; vendors: number; documents: number }> {
  const vendorsMade: VendorView[] = [];
  for (const v of vendorList) vendorsMade.push(await createVendor(ctx, v));
  const existing = await ctx.db
    .select()
    .from(inventoryItems)
    .where(scopedLive(ctx, inventoryItems, isNotNull(inventoryItems.sku)));
  const bySku = new Map(existing.map((r) => [r.sku!, inventoryItemView(r)]));
  const items: InventoryItemView[] = [];
  for (const [i, item] of catalogue.entries()) {
    const vendorId = item.kind === 'service' ? null : vendorsMade[item.kind === 'product' ? 2 : item.sku === 'EO-5W30' ? 1 : 0].id;
    items.push(bySku.get(item.sku!) ?? (await createInventoryItem(ctx, { ...item, currency: 'GBP', vendorId, description: i < 5 ? `Genuine-equivalent ${item.name!.toLowerCase()}.` : null })));
  }
  const sku = (s: string) => items.find((i) => i.sku === s)!.id;

  const people = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(scopedLive(ctx, customers, and(eq(customers.type, 'person'))))
    .orderBy(asc(customers.createdAt), asc(customers.id))
    .limit(6);
  let documents = 0;
  if (people.length >= 4) {
    const [a, b, c, d] = people.map((p) => p.id);
    const brakeJob = [
      { inventoryItemId: sku('BP-F-2231'), quantity: 1 },
      { inventoryItemId: sku('BD-F-1180'), quantity: 2 },
      { inventoryItemId: sku('LAB-STD'), quantity: 1.5, kind: 'labour' as const, description: 'Replace front pads and discs' },
    ];
    const q1 = await createQuote(ctx, { customerId: a, lines: brakeJob, validUntil: daysFromToday(30), notes: 'Includes disposal of old parts.' });
    await setQuoteStatus(ctx, q1.id, 'sent');
    await convertQuoteToInvoice(ctx, q1.id, { dueDate: daysFromToday(14), issueDate: daysFromToday(0) });
    const q2 = await createQuote(ctx, {
      customerId: b,
      lines: [
        { inventoryItemId: sku('SRV-FULL'), quantity: 1 },
        { inventoryItemId: sku('WB-24-16'), quantity: 1 },
      ],
      validUntil: daysFromToday(14),
    });
    await setQuoteStatus(ctx, q2.id, 'sent');
    await createQuote(ctx, {
      customerId: c,
      lines: [
        { inventoryItemId: sku('ACC-DC-2'), quantity: 1 },
        { kind: 'labour', description: 'Hard-wire installation', quantity: 0.75, unitAmount: 8500, taxRate: 20 },
      ],
    });

    const mot = await createInvoice(ctx, { customerId: b, issueDate: daysFromToday(-40), dueDate: daysFromToday(-10), lines: [{ inventoryItemId: sku('SRV-MOT'), quantity: 1 }] });
    await setInvoiceStatus(ctx, mot.id, 'sent'); // overdue
    const service = await createInvoice(ctx, {
      customerId: c,
      issueDate: daysFromToday(-20),
      dueDate: daysFromToday(-6),
      lines: [
        { inventoryItemId: sku('OF-0042'), quantity: 1 },
        { inventoryItemId: sku('EO-5W30'), quantity: 4.5 },
        { inventoryItemId: sku('LAB-STD'), quantity: 1, kind: 'labour', description: 'Oil and filter change' },
        { kind: 'discount', description: 'Loyalty discount', quantity: 1, unitAmount: 1000, taxRate: 20 },
      ],
    });
    await setInvoiceStatus(ctx, service.id, 'sent');
    await setInvoiceStatus(ctx, service.id, 'paid');
    await createInvoice(ctx, {
      customerId: d,
      dueDate: daysFromToday(30),
      lines: [
        { inventoryItemId: sku('ACC-MAT-4'), quantity: 1 },
        { kind: 'fee', description: 'Courier delivery', quantity: 1, unitAmount: 695, taxRate: 20 },
      ],
    });
    documents += 7;
  }

  const po1 = await createPurchaseOrder(ctx, {
    vendorId: vendorsMade[0].id,
    currency: 'GBP',
    expectedDate: daysFromToday(2),
    reference: 'BMF-88123',
    lines: [
      { inventoryItemId: sku('WB-24-16'), quantity: 10, unitAmount: 1100 },
      { inventoryItemId: sku('BD-F-1180'), quantity: 6, unitAmount: 3820 },
    ],
  });
  await updatePurchaseOrder(ctx, po1.id, { status: 'ordered' });
  await createPurchaseOrder(ctx, { vendorId: vendorsMade[1].id, currency: 'GBP', lines: [{ inventoryItemId: sku('EO-5W30'), quantity: 200, unitAmount: 620 }] });

  const wheel = await createMarketplaceItem(ctx, {
    title: 'OEM alloy wheel 17" — VW Golf Mk7',
    description: 'Single wheel, light kerb marks, no buckles.',
    condition: 'used',
    priceAmount: 8500,
    currency: 'GBP',
    quantity: 2,
    status: 'active',
    channel: 'ebay',
    externalId: '334455667788',
    mediaUrls: ['https://cdn.example.com/listings/wheel-1.jpg'],
  });
  await createMarketplaceItem(ctx, {
    title: 'Dash camera, front and rear (boxed)',
    condition: 'new',
    priceAmount: 11999,
    currency: 'GBP',
    quantity: 5,
    status: 'active',
    channel: 'website',
    inventoryItemId: sku('ACC-DC-2'),
  });
  await createMarketplaceItem(ctx, { title: 'Set of 4 winter tyres 205/55 R16', condition: 'used', priceAmount: 16000, currency: 'GBP', status: 'draft', channel: 'ebay' });
  const mo = await createMarketplaceOrder(ctx, {
    channel: 'ebay',
    externalOrderId: '12-34567-89012',
    buyerName: 'Sam Carter',
    buyerEmail: 'sam.carter@example.com',
    currency: 'GBP',
    shippingAddress: { line1: '3 Mill Lane', city: 'York', postalCode: 'YO1 7HH', country: 'GB' },
    lines: [
      { marketplaceItemId: wheel.id, quantity: 1, taxRate: 20 },
      { kind: 'fee', description: 'Postage', quantity: 1, unitAmount: 1295, taxRate: 20 },
    ],
  });
  await updateMarketplaceOrder(ctx, mo.id, { status: 'paid' });
  await updateMarketplaceOrder(ctx, mo.id, { status: 'shipped', carrier: 'Royal Mail', trackingNumber: 'RM123456789GB' });
  await createMarketplaceOrder(ctx, { channel: 'website', buyerName: 'Ava Li', buyerEmail: 'ava.li@example.com', lines: [{ marketplaceItemId: wheel.id, quantity: 1 }] });
  documents += 4;
  return { inventoryItems: items.length, vendors: vendorsMade.length, documents };
}
