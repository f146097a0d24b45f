import { z } from 'zod';
import { withArticle } from '../../core/errors.ts';
import { lineKinds, type Lifecycle } from '../../core/documents.ts';
import { invoiceCollection, invoiceLifecycle, invoiceStatuses } from '../../core/invoices.ts';
import { quoteCollection, quoteLifecycle, quoteStatuses } from '../../core/quotes.ts';
import { purchaseOrderCollection, purchaseOrderLifecycle, purchaseOrderStatuses } from '../../core/purchase-orders.ts';
import { marketplaceOrderCollection, marketplaceOrderLifecycle, marketplaceOrderStatuses } from '../../core/marketplace-orders.ts';
import { recordCollection, type CollectionOps } from './collection-routes.ts';
import { addressInput, currency, decimal3, isoDate, metadata, minorAmount, recordTimestamps, reference } from './record-fields.ts';

// Quotes, invoices, purchase orders and marketplace orders: one line model, one set of totals,
// numbering and lifecycle rules (core/documents.ts), four collections.

const lineFields = {
  kind: z
    .enum(lineKinds)
    .meta({ description: "part, labour, fee, discount, product or service. Discount lines count negatively. Defaults to the inventory item's kind, else product.", example: 'labour' }),
  description: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .meta({ description: 'Required unless the line references an item (then defaults to its name/title).', example: 'Front brake pads and discs — labour' }),
  quantity: decimal3('Quantity, e.g. 1.5 hours. Must be greater than 0.', 1.5),
  unitAmount: minorAmount('Price per unit before tax. Required unless the line references an item (then defaults to its price).', 8500),
  taxRate: decimal3("Tax in percent, 0–100 (20 = 20%, 7.125 = 7.125%). Defaults to the inventory item's rate, else 0.", 20),
  inventoryItemId: reference('inventory item').nullable(),
};

export const lineInput = (withListing: boolean) =>
  z
    .strictObject({
      ...lineFields,
      ...(withListing ? { marketplaceItemId: reference('marketplace item (defaults description and unitAmount from its title and price)').nullable() } : {}),
    })
    .partial()
    .required({ quantity: true })
    .meta({ example: { kind: 'labour', description: 'Brake service', quantity: 1.5, unitAmount: 8500, taxRate: 20 } });

export const lineRecord = (withListing: boolean) =>
  z
    .object({
      id: z.string().meta({ description: 'Line id, new on every change of the lines.' }),
      kind: lineFields.kind,
      description: z.string(),
      quantity: z.number().meta({ example: 1.5 }),
      unitAmount: z.number().int().meta({ example: 8500 }),
      taxRate: z.number().meta({ example: 20 }),
      inventoryItemId: z.string().nullable(),
      ...(withListing ? { marketplaceItemId: z.string().nullable() } : {}),
      subtotalAmount: z.number().int().meta({ description: 'round(quantity × unitAmount), half up; negative for discounts.', example: 12750 }),
      taxAmount: z.number().int().meta({ description: 'round(subtotalAmount × taxRate / 100), half up.', example: 2550 }),
      totalAmount: z.number().int().meta({ description: 'subtotalAmount + taxAmount.', example: 15300 }),
    })
    .meta({ description: 'A line with its computed amounts (integer minor units).' });

export const totalsText =
  "Amounts are integer minor units of `currency` (1999 = 19.99), computed by the server and never taken from the request: each line's subtotal is quantity × unitAmount rounded half up to the minor unit, its tax is subtotal × taxRate / 100 rounded half up, and the document's subtotalAmount, taxAmount and totalAmount are exact sums of its lines (exact decimal arithmetic, no floating point). All lines share the document's currency.";

export function lifecycleText(label: string, lifecycle: Lifecycle<string>) {
  const moves = Object.entries(lifecycle.next)
    .map(([from, to]) => (to.length ? `${from} → ${to.join(' | ')}` : `${from} (final)`))
    .join('; ');
  return `Status starts as \`${lifecycle.initial}\`; change it with PUT. Allowed: ${moves}. Any other change is a 409 \`invalid_transition\` naming the allowed next statuses. Lines can no longer change once ${withArticle(label)} is ${lifecycle.locked.join(', ')} (409).`;
}

function documentSchemas<S extends readonly [string, ...string[]]>(opts: {
  id: string;
  statuses: S;
  withListing?: boolean;
  fields: Record<string, z.ZodType>;
  recordFields: Record<string, z.ZodType>;
  example: Record<string, unknown>;
}) {
  const input = z
    .strictObject({
      status: z.enum(opts.statuses).meta({ description: 'See the lifecycle above. On create only the initial status is accepted.' }),
      currency: currency.meta({ description: "ISO 4217, one for all lines. Defaults to the first referenced item's currency, else the tenant's settings.currency, else USD.", example: 'GBP' }),
      lines: z
        .array(lineInput(Boolean(opts.withListing)))
        .max(500)
        .meta({ description: 'Replaces all lines when given; the totals are recomputed.' }),
      issueDate: isoDate('Date of issue; an invoice sent without one gets the day it is sent.', '2026-03-01').nullable(),
      notes: z.string().max(10_000).nullable().meta({ example: 'Thank you for your business.' }),
      metadata,
      ...opts.fields,
    })
    .partial();
  const create = input.meta({ id: `${opts.id}Create`, example: opts.example });
  const record = z
    .object({
      id: z.string(),
      number: z.string().meta({ description: 'Per-tenant, per-environment number, consecutive without gaps.', example: 'INV-000042' }),
      status: z.enum(opts.statuses),
      currency: z.string().meta({ example: 'GBP' }),
      lines: z.array(lineRecord(Boolean(opts.withListing))),
      subtotalAmount: z.number().int().meta({ description: 'Sum of line subtotals (minor units).', example: 12750 }),
      taxAmount: z.number().int().meta({ description: 'Sum of line taxes (minor units).', example: 2550 }),
      totalAmount: z.number().int().meta({ description: 'subtotalAmount + taxAmount (minor units).', example: 15300 }),
      issueDate: z.string().nullable(),
      notes: z.string().nullable(),
      ...opts.recordFields,
      metadata: z.record(z.string(), z.unknown()),
      ...recordTimestamps,
    })
    .meta({ id: opts.id });
  return { input, create, record };
}

const customerRef = reference('customer');

const quote = documentSchemas({
  id: 'Quote',
  statuses: quoteStatuses,
  fields: { customerId: customerRef.meta({ description: 'The customer quoted. Required on create.' }), validUntil: isoDate('Last day the quote can be accepted.', '2026-03-31').nullable() },
  recordFields: { customerId: z.string(), validUntil: z.string().nullable() },
  example: {
    customerId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
    currency: 'GBP',
    validUntil: '2026-03-31',
    lines: [
      { kind: 'part', description: 'Front brake pads (set)', quantity: 1, unitAmount: 4999, taxRate: 20 },
      { kind: 'labour', description: 'Fit pads', quantity: 1.5, unitAmount: 8500, taxRate: 20 },
    ],
  },
});

const invoice = documentSchemas({
  id: 'Invoice',
  statuses: invoiceStatuses,
  fields: {
    customerId: customerRef.meta({ description: 'The customer billed. Required on create.' }),
    quoteId: reference('quote this invoice comes from (lineage)').nullable(),
    dueDate: isoDate('Payment due; a sent invoice past it is overdue.', '2026-03-31').nullable(),
  },
  recordFields: {
    overdue: z.boolean().meta({ description: 'Derived: status is sent and dueDate is in the past (UTC). Not a stored status.', example: false }),
    displayStatus: z.enum([...invoiceStatuses, 'overdue']).meta({ description: 'status, or overdue when overdue is true.', example: 'sent' }),
    customerId: z.string(),
    quoteId: z.string().nullable(),
    dueDate: z.string().nullable(),
    amountPaid: z.number().int().meta({ description: 'Payments received (minor units).', example: 0 }),
    amountDue: z.number().int().meta({ description: 'totalAmount − amountPaid; 0 once paid or void.', example: 15300 }),
    sentAt: z.string().nullable(),
    paidAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
  },
  example: {
    customerId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
    currency: 'GBP',
    dueDate: '2026-03-31',
    lines: [
      { kind: 'part', description: 'Oil filter', quantity: 3, unitAmount: 1999, taxRate: 20 },
      { kind: 'fee', description: 'Disposal', quantity: 0.1, unitAmount: 20, taxRate: 0 },
    ],
  },
});

const purchaseOrder = documentSchemas({
  id: 'PurchaseOrder',
  statuses: purchaseOrderStatuses,
  fields: {
    vendorId: reference('vendor').meta({ description: 'The vendor ordered from. Required on create.' }),
    expectedDate: isoDate('Expected delivery.', '2026-03-05').nullable(),
    reference: z.string().trim().max(100).nullable().meta({ description: "The vendor's order or quote reference.", example: 'BMF-88123' }),
  },
  recordFields: { vendorId: z.string(), expectedDate: z.string().nullable(), reference: z.string().nullable() },
  example: {
    vendorId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11',
    currency: 'GBP',
    expectedDate: '2026-03-05',
    lines: [{ kind: 'part', description: 'Brake pads, front (set)', quantity: 10, unitAmount: 2750, taxRate: 20 }],
  },
});

const marketplaceOrder = documentSchemas({
  id: 'MarketplaceOrder',
  statuses: marketplaceOrderStatuses,
  withListing: true,
  fields: {
    customerId: customerRef.meta({ description: 'The buyer, when known as a customer.' }).nullable(),
    channel: z.string().trim().max(50).nullable().meta({ example: 'ebay' }),
    externalOrderId: z.string().trim().max(200).nullable().meta({ description: "The marketplace's order id.", example: '12-34567-89012' }),
    buyerName: z.string().trim().max(200).nullable().meta({ example: 'Sam Carter' }),
    buyerEmail: z.email().max(254).nullable().meta({ example: 'sam.carter@example.com' }),
    shippingAddress: addressInput.nullable(),
    carrier: z.string().trim().max(100).nullable().meta({ example: 'Royal Mail' }),
    trackingNumber: z.string().trim().max(100).nullable().meta({ example: 'RM123456789GB' }),
  },
  recordFields: {
    customerId: z.string().nullable(),
    channel: z.string().nullable(),
    externalOrderId: z.string().nullable(),
    buyerName: z.string().nullable(),
    buyerEmail: z.string().nullable(),
    shippingAddress: z.record(z.string(), z.string()).nullable(),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
  },
  example: { channel: 'ebay', externalOrderId: '12-34567-89012', buyerName: 'Sam Carter', currency: 'GBP', lines: [{ marketplaceItemId: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11', quantity: 1 }] },
});

function documentRoutes(
  name: string,
  singular: string,
  plural: string,
  intro: string,
  lifecycle: Lifecycle<string>,
  schemas: { input: z.ZodType; create: z.ZodType; record: z.ZodType },
  ops: unknown,
) {
  return recordCollection({
    name,
    singular,
    plural,
    description: [intro, lifecycleText(singular, lifecycle), totalsText].join('\n\n'),
    record: schemas.record,
    create: schemas.create,
    update: schemas.input,
    ops: ops as CollectionOps<unknown>,
  });
}

export const quoteRoutes = documentRoutes(
  'quotes',
  'quote',
  'quotes',
  'Quotes to customers, numbered `QUO-000001`…; shared with the CRM API. An accepted quote converts to an invoice keeping its lines.',
  quoteLifecycle,
  quote,
  quoteCollection,
);
export const invoiceRoutes = documentRoutes(
  'invoices',
  'invoice',
  'invoices',
  'Invoices to customers, numbered `INV-000001`… per tenant and environment without gaps; shared with the CRM API. `overdue` is derived, not stored.',
  invoiceLifecycle,
  invoice,
  invoiceCollection,
);
export const purchaseOrderRoutes = documentRoutes(
  'purchaseOrders',
  'purchase order',
  'purchase orders',
  'Orders to vendors, numbered `PO-000001`…',
  purchaseOrderLifecycle,
  purchaseOrder,
  purchaseOrderCollection,
);
export const marketplaceOrderRoutes = documentRoutes(
  'marketplaceOrders',
  'marketplace order',
  'marketplace orders',
  'Orders received through marketplaces, numbered `MO-000001`…; lines may reference marketplace items.',
  marketplaceOrderLifecycle,
  marketplaceOrder,
  marketplaceOrderCollection,
);
