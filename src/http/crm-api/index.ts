import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerClients } from './clients.ts';
import { registerWebhookRoutes } from '../platform/webhook-routes.ts';
import { registerInvoices } from './invoices.ts';
import { registerProducts } from './products.ts';
import { registerQuotes } from './quotes.ts';
import { registerPayments } from './payments.ts';
import { registerMarketing } from './marketing.ts';
import { registerEvents } from './events.ts';

// /crm-api/v1: the CRM API (specs/crm-api--autochat-crm-rest-api.txt).
export function registerCrmApi(app: FastifyInstance, deps: Deps) {
  registerClients(app, deps);
  registerWebhookRoutes(app, deps, 'crm', { tags: ['CRM API'], read: 'webhooks:read', write: 'webhooks:write' });
  registerInvoices(app, deps);
  registerProducts(app, deps);
  registerQuotes(app, deps);
  registerPayments(app, deps);
  registerMarketing(app, deps);
  registerEvents(app, deps);
}
