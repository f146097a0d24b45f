import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerClients } from './clients.ts';
import { registerWebhooks } from './webhooks.ts';

// /crm-api/v1: the CRM API (specs/crm-api--autochat-crm-rest-api.txt).
export function registerCrmApi(app: FastifyInstance, deps: Deps) {
  registerClients(app, deps);
  registerWebhooks(app, deps);
}
