import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerCustomers } from './customers.ts';
import { registerInventoryItems } from './inventory-items.ts';
import { registerVendors } from './vendors.ts';
import { registerMarketplaceItems } from './marketplace-items.ts';
import { registerDocuments } from './documents.ts';
import { registerMotors } from './motors.ts';
import { registerEmployees } from './employees.ts';
import { registerLeads } from './leads.ts';
import { registerLeadsAdf } from './leads-adf.ts';
import { registerSupportTickets } from './support-tickets.ts';
import { registerPolicies } from './policies.ts';
import { registerLogisticsEntries } from './logistics-entries.ts';
import { registerDirectoryListings } from './directory-listings.ts';
import { registerWorkOrders } from './work-orders.ts';
import { registerEventLog } from './events.ts';
import { registerVinDecoding } from './vin.ts';
import { registerFeedsReport } from '../platform/feeds-report.ts';
import { registerDocumentPdfs } from '../platform/document-pdf.ts';

// /api/public/v1: the Records API (specs/records-api--motors-crm-public-api.txt).
export function registerRecordsApi(app: FastifyInstance, deps: Deps) {
  registerCustomers(app, deps);
  registerMotors(app, deps);
  registerVinDecoding(app, deps);
  registerInventoryItems(app, deps);
  registerVendors(app, deps);
  registerMarketplaceItems(app, deps);
  registerDocuments(app, deps);
  registerWorkOrders(app, deps);
  registerEmployees(app, deps);
  registerLeads(app, deps);
  registerLeadsAdf(app, deps);
  registerSupportTickets(app, deps);
  registerPolicies(app, deps);
  registerLogisticsEntries(app, deps);
  registerDirectoryListings(app, deps);
  registerEventLog(app, deps);
  registerFeedsReport(app, deps, 'records');
  registerDocumentPdfs(app, deps, 'records');
}
