import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerCustomers } from './customers.ts';

// /api/public/v1: the Records API (specs/records-api--motors-crm-public-api.txt).
export function registerRecordsApi(app: FastifyInstance, deps: Deps) {
  registerCustomers(app, deps);
  for (const register of recordsSimpleCollections) register(app, deps);
}
// records-simple: motors and the plain collections.
import { registerMotors } from './motors.ts';
import { registerEmployees } from './employees.ts';
import { registerLeads } from './leads.ts';
import { registerSupportTickets } from './support-tickets.ts';
import { registerPolicies } from './policies.ts';
import { registerLogisticsEntries } from './logistics-entries.ts';
import { registerDirectoryListings } from './directory-listings.ts';
export const recordsSimpleCollections = [registerMotors, registerEmployees, registerLeads, registerSupportTickets, registerPolicies, registerLogisticsEntries, registerDirectoryListings];
