import type { Ctx, Environment } from '../src/core/context.ts';
import type { TestServer } from './helpers.ts';

/** A context with every scope, acting as the system, for calling core directly in a test (seeding, checks behind the API). */
export const systemCtx = (server: TestServer, tenantId: string, environment: Environment = 'test'): Ctx => ({
  tenantId,
  environment,
  scopes: ['*'],
  actor: { type: 'system', id: 'test' },
  requestId: 'test',
  db: server.app.database.db,
});
