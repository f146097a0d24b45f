import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { registerCustomers } from './customers.ts';
import { registerNewsletter } from './newsletter.ts';
import { registerAuth } from './auth.ts';
import { registerBlogs } from './blogs.ts';
import { registerCatalog } from './catalog.ts';
import { registerVehicles } from './vehicles.ts';
import { registerEngagement } from './engagement.ts';

// /external: the Storefront API (specs/storefront-api--carstrel-api.txt).
export function registerStorefrontApi(app: FastifyInstance, deps: Deps) {
  registerCustomers(app, deps);
  registerNewsletter(app, deps);
  registerAuth(app, deps);
  registerBlogs(app, deps);
  registerCatalog(app, deps);
  registerVehicles(app, deps);
  registerEngagement(app, deps);
}
