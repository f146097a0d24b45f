import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerCustomers } from './customers.ts';
import { registerInventoryItems } from './inventory-items.ts';
import { registerVendors } from './vendors.ts';
import { registerMarketplaceItems } from './marketplace-items.ts';
import { registerDocuments } from './documents.ts';

// /api/public/v1: the Records API (specs/records-api--motors-crm-public-api.txt).
export function registerRecordsApi(app: FastifyInstance, deps: Deps) {
  registerCustomers(app, deps);
  registerInventoryItems(app, deps);
  registerVendors(app, deps);
  registerMarketplaceItems(app, deps);
  registerDocuments(app, deps);
}
