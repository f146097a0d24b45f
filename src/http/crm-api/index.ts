import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerClients } from './clients.ts';
import { registerWebhooks } from './webhooks.ts';
import { registerInvoices } from './invoices.ts';
import { registerProducts } from './products.ts';
import { registerQuotes } from './quotes.ts';
import { registerPayments } from './payments.ts';
import { registerMarketing } from './marketing.ts';
import { registerEvents } from './events.ts';

// /crm-api/v1: the CRM API (specs/crm-api--autochat-crm-rest-api.txt).
export function registerCrmApi(app: FastifyInstance, deps: Deps) {
  registerClients(app, deps);
  registerWebhooks(app, deps);
  registerInvoices(app, deps);
  registerProducts(app, deps);
  registerQuotes(app, deps);
  registerPayments(app, deps);
  registerMarketing(app, deps);
  registerEvents(app, deps);
}
