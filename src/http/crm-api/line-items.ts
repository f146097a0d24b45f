import { z } from 'zod';
import { lineKinds, type DocumentLineInput, type StoredLine } from '../../core/documents.ts';
import { minorToDecimal } from '../../core/money.ts';
import { decimalMoney, decimalQuantity, uuidRef } from './common.ts';

// Line items as invoices and quotes show them in the CRM API: `rate` and amounts are decimals in
// the document's currency; core keeps integer minor units and computes every amount.

export const lineItemInput = z
  .strictObject({
    description: z.string().trim().min(1).max(1000).optional().meta({ description: 'Required unless product_id is given (then defaults to the product name).', example: 'Service' }),
    quantity: decimalQuantity('Quantity, greater than 0; defaults to 1.', 1).optional(),
    rate: decimalMoney('Price per unit before tax. Required unless product_id is given (then defaults to the product price).', 100).optional(),
    tax_rate: decimalQuantity('Tax in percent, 0–100 (20 = 20 %). Defaults to the product’s rate, else 0.', 0).optional(),
    product_id: uuidRef('product or service (GET /products)').nullable().optional(),
    type: z.enum(lineKinds).optional().meta({ description: 'product, service, part, labour, fee or discount (counts negatively). Defaults to the product’s type, else product.', example: 'service' }),
  })
  .meta({ example: { description: 'Service', quantity: 1, rate: 100.0 } });

export const lineItem = z
  .object({
    id: z.string(),
    type: z.enum(lineKinds),
    description: z.string(),
    quantity: z.number(),
    rate: z.number().meta({ description: 'Price per unit before tax (decimal).' }),
    tax_rate: z.number().meta({ description: 'Percent.' }),
    product_id: z.string().nullable(),
    amount: z.number().meta({ description: 'quantity × rate, rounded half up to the currency’s minor unit; negative for discounts.' }),
    tax_amount: z.number().meta({ description: 'amount × tax_rate / 100, rounded half up.' }),
    total: z.number().meta({ description: 'amount + tax_amount.' }),
  })
  .meta({
    example: { id: '0193a5b2-8d00-7a3d-9f10-4b2c8d9e0a12', type: 'service', description: 'Service', quantity: 1, rate: 100, tax_rate: 0, product_id: null, amount: 100, tax_amount: 0, total: 100 },
  });

export const toCoreLines = (items: z.output<typeof lineItemInput>[]): DocumentLineInput[] =>
  items.map((l) => ({
    kind: l.type,
    description: l.description,
    quantity: l.quantity ?? 1,
    unitPrice: l.rate,
    taxRate: l.tax_rate,
    inventoryItemId: l.product_id,
  }));

export const toCrmLine = (l: StoredLine, currency: string): z.output<typeof lineItem> => ({
  id: l.id,
  type: l.kind,
  description: l.description,
  quantity: l.quantity,
  rate: minorToDecimal(l.unitAmount, currency),
  tax_rate: l.taxRate,
  product_id: l.inventoryItemId ?? null,
  amount: minorToDecimal(l.subtotalAmount, currency),
  tax_amount: minorToDecimal(l.taxAmount, currency),
  total: minorToDecimal(l.totalAmount, currency),
});

/** Core field names → the CRM API's, for documents and their lines. */
export const documentFieldNames: Record<string, string> = {
  customerId: 'client_id',
  lines: 'line_items',
  unitAmount: 'rate',
  unitPrice: 'rate',
  inventoryItemId: 'product_id',
  kind: 'type',
};

export const totalsText =
  'Money is a decimal in the document’s `currency` (100.00 is rendered `100`). The server computes every amount with exact decimal arithmetic, never floating point: a line’s `amount` is quantity × rate rounded half up to the currency’s minor unit, its `tax_amount` is amount × tax_rate / 100 rounded half up, and `subtotal`, `tax` and `total` are exact sums of the lines. Amounts sent by the client are never trusted.';
