import { and, asc, count, eq, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { inventoryItems, inventoryItemSearchFields, vendors } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { defineCollection, defined } from './collection.ts';
import { AppError, invalidField } from './errors.ts';
import { assertReferences } from './references.ts';
import { formatScaled, parseScaled } from './money.ts';
import { createdFilter, filter } from './search.ts';
import { containing } from '../storage/like.ts';

export type InventoryItemRow = typeof inventoryItems.$inferSelect;
export type InventoryItemKind = InventoryItemRow['kind'];

export type InventoryItemInput = {
  kind?: InventoryItemKind;
  name?: string;
  sku?: string | null;
  description?: string | null;
  /** Integer minor units. */
  unitAmount?: number;
  currency?: string;
  costAmount?: number | null;
  /** Percent, up to 3 decimals. */
  taxRate?: number | string;
  trackStock?: boolean;
  /** Decimal, up to 3 places (litres, metres). */
  stockOnHand?: number | string;
  reorderLevel?: number | string | null;
  unit?: string;
  vendorId?: string | null;
  active?: boolean;
  metadata?: Record<string, unknown>;
};

const decimal = (v: string | null) => (v === null ? null : Number(v));

// The Records API representation; the CRM API maps it to a product.
export function inventoryItemView(row: InventoryItemRow) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    sku: row.sku,
    description: row.description,
    unitAmount: row.unitAmount,
    currency: row.currency,
    costAmount: row.costAmount,
    taxRate: Number(row.taxRate),
    trackStock: row.trackStock,
    stockOnHand: Number(row.stockOnHand),
    reorderLevel: decimal(row.reorderLevel),
    // Derived so a purchasing integration need not repeat the rule.
    needsReorder: row.trackStock && row.reorderLevel !== null && Number(row.stockOnHand) <= Number(row.reorderLevel),
    unit: row.unit,
    vendorId: row.vendorId,
    active: row.active,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
export type InventoryItemView = ReturnType<typeof inventoryItemView>;

const decimalColumn = (v: number | string | null | undefined, field: string) => (v === undefined ? undefined : v === null ? null : formatScaled(parseScaled(v, 3, field), 3));

export const inventoryItemCollection = defineCollection({
  name: 'inventoryItems',
  search: {
    fields: inventoryItemSearchFields(inventoryItems),
    text: inventoryItems.searchText,
    filters: {
      kind: filter.equals(inventoryItems.kind, 'product, service or part', ['product', 'service', 'part']),
      vendorId: filter.equals(inventoryItems.vendorId, "the vendor's id"),
      unitAmount: filter.amount(inventoryItems.unitAmount, 'price per unit (minor units)'),
      created: createdFilter(inventoryItems.createdAt),
    },
  },
  label: 'Inventory item',
  table: inventoryItems,
  view: inventoryItemView,
  prepare: async (ctx, input: InventoryItemInput, current) => {
    if (!current) {
      if (!input.name) throw invalidField('name', 'required');
      if (input.unitAmount === undefined) throw invalidField('unitAmount', 'required (integer minor units, e.g. 1999 for 19.99)');
      if (!input.currency) throw invalidField('currency', 'required (ISO 4217, e.g. GBP)');
    }
    const taxRate = decimalColumn(input.taxRate, 'taxRate');
    if (taxRate != null && (Number(taxRate) < 0 || Number(taxRate) > 100)) throw invalidField('taxRate', 'must be between 0 and 100 (percent)');
    const sku = input.sku === undefined ? undefined : input.sku?.trim() || null;
    if (sku) {
      // Serialises creates of one SKU in a tenant, so the check below cannot race another writer.
      await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`sku:${ctx.tenantId}:${ctx.environment}:${sku}`}))`);
      const [clash] = await ctx.db
        .select({ id: inventoryItems.id })
        .from(inventoryItems)
        .where(scopedLive(ctx, inventoryItems, eq(inventoryItems.sku, sku), current ? ne(inventoryItems.id, current.id) : undefined))
        .limit(1);
      if (clash) throw new AppError('conflict', `sku: ${sku} is already used by inventory item ${clash.id}`, { fields: [{ field: 'sku', message: 'already used' }] });
    }
    await assertReferences(ctx, { vendorId: [vendors, input.vendorId] });
    return defined({
      ...input,
      // A catalogue entry without a kind is a product, as the CRM API's products default.
      kind: input.kind ?? (current ? undefined : 'product'),
      sku,
      currency: input.currency?.toUpperCase(),
      taxRate: taxRate ?? undefined,
      stockOnHand: decimalColumn(input.stockOnHand, 'stockOnHand') ?? undefined,
      reorderLevel: decimalColumn(input.reorderLevel, 'reorderLevel'),
    });
  },
});

export const createInventoryItem = (ctx: Ctx, input: InventoryItemInput) => inventoryItemCollection.create(ctx, input);
export const getInventoryItem = (ctx: Ctx, id: string) => inventoryItemCollection.get(ctx, id);
export const updateInventoryItem = (ctx: Ctx, id: string, patch: InventoryItemInput, opts: { ifMatch?: string } = {}) => inventoryItemCollection.update(ctx, id, patch, opts);

export type InventoryItemSearch = { page: number; limit: number; kind?: InventoryItemKind | InventoryItemKind[]; active?: boolean; search?: string; updatedSince?: Date };

/** Page-numbered search, for the CRM API's products list; stable order by name, then id. */
export async function listInventoryItems(ctx: Ctx, q: InventoryItemSearch) {
  const conditions: (SQL | undefined)[] = [
    Array.isArray(q.kind) ? inArray(inventoryItems.kind, q.kind) : q.kind ? eq(inventoryItems.kind, q.kind) : undefined,
    q.active === undefined ? undefined : eq(inventoryItems.active, q.active),
    q.updatedSince ? sql`${inventoryItems.updatedAt} > ${q.updatedSince.toISOString()}` : undefined,
  ];
  if (q.search) {
    const pattern = containing(q.search);
    conditions.push(or(ilike(inventoryItems.name, pattern), ilike(inventoryItems.sku, pattern)));
  }
  const where = scopedLive(ctx, inventoryItems, and(...conditions.filter(Boolean)));
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(inventoryItems)
      .where(where)
      .orderBy(asc(inventoryItems.name), asc(inventoryItems.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    ctx.db.select({ total: count() }).from(inventoryItems).where(where),
  ]);
  return { rows: rows.map(inventoryItemView), total: Number(total) };
}
