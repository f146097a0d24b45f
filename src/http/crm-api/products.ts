import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as items from '../../core/inventory-items.ts';
import type { InventoryItemInput, InventoryItemKind, InventoryItemView } from '../../core/inventory-items.ts';
import { tenantCurrency } from '../../core/documents.ts';
import { invalidField } from '../../core/errors.ts';
import { decimalToMinor, minorToDecimal } from '../../core/money.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { currencyCode, dataExample, decimalMoney, decimalQuantity, idParams, pageExample, pageQuery, pagination, updatedSince } from './common.ts';

// CRM API products and services are the Records API's inventoryItems: one catalogue. The CRM
// document knows two types; workshop parts are sold goods, so they are products here (their
// `kind` stays visible for integrators that tell them apart).

const typeOf = (kind: InventoryItemKind): 'product' | 'service' => (kind === 'service' ? 'service' : 'product');
const kindsOf = { product: ['product', 'part'], service: ['service'] } as const satisfies Record<string, InventoryItemKind[]>;

const fields = {
  name: z.string().trim().min(1).max(200).meta({ description: 'Required on create.', example: 'Full service' }),
  type: z.enum(['product', 'service']).meta({ description: 'product (goods, including workshop parts) or service. Defaults to product.', example: 'service' }),
  kind: z.enum(['product', 'service', 'part']).meta({ description: 'Finer than type: part is a workshop part (a product). Given alone it sets type.', example: 'service' }),
  description: z.string().max(10_000).nullable().meta({ example: 'Oil and filter change, 40-point inspection.' }),
  sku: z.string().trim().max(100).nullable().meta({ description: 'Unique within the dealership when given (409 otherwise).', example: 'SVC-FULL' }),
  price: decimalMoney('Selling price per unit before tax. Required on create.', 249.99),
  currency: currencyCode.meta({ description: 'ISO 4217. Defaults to the dealership’s currency, else USD.', example: 'USD' }),
  tax_rate: decimalQuantity('Tax in percent (20 = 20 %), the default on invoice lines.', 0),
  unit: z.string().trim().min(1).max(20).meta({ description: 'each, hour, litre …', example: 'each' }),
  active: z.boolean().meta({ example: true }),
  track_stock: z.boolean().meta({ description: 'Whether stock_on_hand is kept.', example: false }),
  stock_on_hand: decimalQuantity('Units in stock.', 0),
  metadata: z.record(z.string(), z.unknown()).meta({ example: { accounting_code: '4000' } }),
};

const productInput = z.strictObject(fields).partial();
const productCreate = productInput.meta({ example: { name: 'Full service', type: 'service', price: 249.99, currency: 'USD', tax_rate: 0, unit: 'each' } });
const productUpdate = productInput.meta({ example: { price: 259.99 } });

const product = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['product', 'service']),
    kind: z.enum(['product', 'service', 'part']),
    description: z.string().nullable(),
    sku: z.string().nullable(),
    price: z.number(),
    currency: z.string(),
    tax_rate: z.number(),
    unit: z.string(),
    active: z.boolean(),
    track_stock: z.boolean(),
    stock_on_hand: z.number(),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: 'CrmProduct',
    example: {
      id: '0193a5b2-9a00-7a3d-9f10-4b2c8d9e0a13',
      name: 'Full service',
      type: 'service',
      kind: 'service',
      description: 'Oil and filter change, 40-point inspection.',
      sku: 'SVC-FULL',
      price: 249.99,
      currency: 'USD',
      tax_rate: 0,
      unit: 'each',
      active: true,
      track_stock: false,
      stock_on_hand: 0,
      metadata: {},
      created_at: '2026-01-15T10:30:00.000Z',
      updated_at: '2026-01-15T10:30:00.000Z',
    },
  });

export function toProduct(v: InventoryItemView): z.output<typeof product> {
  return {
    id: v.id,
    name: v.name,
    type: typeOf(v.kind),
    kind: v.kind,
    description: v.description,
    sku: v.sku,
    price: minorToDecimal(v.unitAmount, v.currency),
    currency: v.currency,
    tax_rate: v.taxRate,
    unit: v.unit,
    active: v.active,
    track_stock: v.trackStock,
    stock_on_hand: v.stockOnHand,
    metadata: v.metadata,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

function kindFor(body: z.output<typeof productInput>, current: InventoryItemView | undefined): InventoryItemKind | undefined {
  if (body.kind) {
    if (body.type && typeOf(body.kind) !== body.type) throw invalidField('kind', `a ${body.kind} is a ${typeOf(body.kind)}, not a ${body.type}`);
    return body.kind;
  }
  if (!body.type) return current ? undefined : 'product';
  // A part stays a part when re-saved as a product.
  return current && typeOf(current.kind) === body.type ? current.kind : body.type;
}

async function fromCrm(ctx: Parameters<typeof tenantCurrency>[0], body: z.output<typeof productInput>, current?: InventoryItemView): Promise<InventoryItemInput> {
  const currency = body.currency ?? current?.currency ?? (await tenantCurrency(ctx));
  // Minor units mean different amounts in different currencies: a new currency needs its price.
  if (current && body.currency && body.currency !== current.currency && body.price === undefined) {
    throw invalidField('price', `required when the currency changes (from ${current.currency} to ${body.currency})`);
  }
  return {
    name: body.name,
    kind: kindFor(body, current),
    description: body.description,
    sku: body.sku,
    unitAmount: body.price !== undefined ? decimalToMinor(body.price, currency, 'price') : undefined,
    currency: body.currency ?? (current ? undefined : currency),
    taxRate: body.tax_rate,
    unit: body.unit,
    active: body.active,
    trackStock: body.track_stock,
    stockOnHand: body.stock_on_hand,
    metadata: body.metadata,
  };
}

const productFieldNames = { unitAmount: 'price', taxRate: 'tax_rate', stockOnHand: 'stock_on_hand' };

export function registerProducts(app: FastifyInstance, deps: Deps) {
  const tags = ['CRM API'];
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/products',
    scope: 'products:read',
    summary: 'List products and services',
    description: 'The dealership’s catalogue (the same records as the Records API’s inventoryItems), by name. `?type=service` lists services, `?type=product` products including workshop parts.',
    tags,
    querystring: z.strictObject({
      ...pageQuery,
      type: z.enum(['product', 'service']).optional().meta({ example: 'service' }),
      kind: z.enum(['product', 'service', 'part']).optional(),
      active: z.enum(['true', 'false']).optional().meta({ description: 'Only active (true) or inactive (false) items.' }),
      search: z.string().max(200).optional().meta({ description: 'Part of the name or SKU.' }),
      updated_since: updatedSince,
    }),
    responses: { 200: pageExample(product) },
    handler: async (ctx, { query }) => {
      const kind = query.kind ?? (query.type ? [...kindsOf[query.type]] : undefined);
      if (query.kind && query.type && typeOf(query.kind) !== query.type) return { body: { data: [], pagination: pagination(query.page, query.limit, 0) } };
      const { rows, total } = await items.listInventoryItems(ctx, {
        page: query.page,
        limit: query.limit,
        kind,
        active: query.active === undefined ? undefined : query.active === 'true',
        search: query.search,
        updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
      });
      return { body: { data: rows.map(toProduct), pagination: pagination(query.page, query.limit, total) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/products/:id',
    scope: 'products:read',
    summary: 'Get a product or service',
    tags,
    params: idParams,
    responses: { 200: dataExample(product) },
    handler: async (ctx, { params }) => ({ body: { data: toProduct(await items.getInventoryItem(ctx, params.id)) } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/products',
    scope: 'products:write',
    summary: 'Create a product or service',
    description: '`name` and `price` are required. Prices are decimals in `currency`; stored exactly (integer minor units).',
    tags,
    body: productCreate,
    responses: { 201: dataExample(product) },
    fieldNames: productFieldNames,
    handler: async (ctx, { body }) => {
      if (body.price === undefined) throw invalidField('price', 'required (a decimal such as 249.99)');
      const created = await items.createInventoryItem(ctx, await fromCrm(ctx, body));
      return { status: 201, body: { data: toProduct(created) } };
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'PUT',
    path: '/products/:id',
    scope: 'products:write',
    summary: 'Update a product or service',
    description: 'Partial update: omitted fields keep their values. Invoices already issued keep their own prices.',
    tags,
    params: idParams,
    body: productUpdate,
    responses: { 200: dataExample(product) },
    fieldNames: productFieldNames,
    handler: async (ctx, { params, body }) => {
      const current = await items.getInventoryItem(ctx, params.id);
      const updated = await items.updateInventoryItem(ctx, params.id, await fromCrm(ctx, body, current));
      return { body: { data: toProduct(updated) } };
    },
  });
}
