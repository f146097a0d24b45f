import type { DashboardCollection } from '../records-api/collection-routes.ts';
// Imported in the order that puts /openapi.json's named schemas where they always were (zod's
// registry keeps them in the order they were made).
import { customerRoutes } from '../records-api/customers.ts';
import { inventoryItemRoutes } from '../records-api/inventory-items.ts';
import { vendorRoutes } from '../records-api/vendors.ts';
import { marketplaceItemRoutes } from '../records-api/marketplace-items.ts';
import { invoiceRoutes, marketplaceOrderRoutes, purchaseOrderRoutes, quoteRoutes } from '../records-api/documents.ts';
import { motorRoutes } from '../records-api/motors.ts';
import { employeeRoutes } from '../records-api/employees.ts';
import { leadRoutes } from '../records-api/leads.ts';
import { supportTicketRoutes } from '../records-api/support-tickets.ts';
import { policyRoutes } from '../records-api/policies.ts';
import { logisticsEntryRoutes } from '../records-api/logistics-entries.ts';
import { directoryListingRoutes } from '../records-api/directory-listings.ts';
import { workOrderRoutes } from '../records-api/work-orders.ts';

export type { DashboardCollection };

/**
 * Every Records API collection, in the order of its routes in /openapi.json: the one list the
 * Records API registers (records-api/index.ts) and the management API browses
 * (`/manage/v1/records/<name>`), built from the collections' definitions, so neither surface
 * depends on the other having registered first. A new collection is added here.
 */
export const recordCollections: readonly DashboardCollection[] = [
  customerRoutes,
  motorRoutes,
  inventoryItemRoutes,
  vendorRoutes,
  marketplaceItemRoutes,
  quoteRoutes,
  invoiceRoutes,
  purchaseOrderRoutes,
  marketplaceOrderRoutes,
  workOrderRoutes,
  employeeRoutes,
  leadRoutes,
  supportTicketRoutes,
  policyRoutes,
  logisticsEntryRoutes,
  directoryListingRoutes,
];

/** The registry's collection of that name (the dashboard's pages read their record schemas from it). */
export function collectionNamed(name: string): DashboardCollection {
  const found = recordCollections.find((c) => c.name === name);
  if (!found) throw new Error(`No Records API collection named ${name}`);
  return found;
}
