import { text, bigint, jsonb, date } from 'drizzle-orm/pg-core';

/** A document line as stored: the input after defaults, with its computed amounts. */
export type StoredLine = {
  id: string;
  kind: 'part' | 'labour' | 'fee' | 'discount' | 'product' | 'service';
  description: string;
  quantity: number;
  unitAmount: number;
  taxRate: number;
  inventoryItemId: string | null;
  marketplaceItemId?: string | null;
  subtotalAmount: number;
  taxAmount: number;
  totalAmount: number;
};

// Columns every line-item document (quote, invoice, purchase order, marketplace order) carries.
export const documentColumns = () => ({
  number: text('number').notNull(),
  status: text('status').notNull(),
  currency: text('currency').notNull(),
  lines: jsonb('lines').$type<StoredLine[]>().notNull().default([]),
  subtotalAmount: bigint('subtotal_amount', { mode: 'number' }).notNull(),
  taxAmount: bigint('tax_amount', { mode: 'number' }).notNull(),
  totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
  issueDate: date('issue_date', { mode: 'string' }),
  notes: text('notes'),
});
