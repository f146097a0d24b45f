import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerCustomers } from './customers.ts';

// /api/public/v1: the Records API (specs/records-api--motors-crm-public-api.txt).
export function registerRecordsApi(app: FastifyInstance, deps: Deps) {
  registerCustomers(app, deps);
}
