import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { resolveIntakeToken, touchIntakeToken } from '../core/intake-tokens.ts';
import { importAdf } from '../core/lead-intake.ts';
import { acceptAdfBodies, adfBody, intakeBody, intakeStatus } from './platform/adf-body.ts';
import type { Deps } from './platform/route.ts';
import { rateLimitHeaders } from './platform/rate-limit.ts';

// POST /intake/adf/<token>: the address a lead provider is given instead of an API key (made and
// revoked in the dashboard, `motors intake-tokens`). The token is the whole credential and can
// only create leads from ADF documents in its tenant and environment. Errors use the
// {error:{message,code}} shape of the key-based APIs.
export function registerIntake(app: FastifyInstance, deps: Deps) {
  app.register(async (scope) => {
    acceptAdfBodies(scope);
    scope.withTypeProvider<ZodTypeProvider>().post('/intake/adf/:token', { schema: { hide: true, params: z.object({ token: z.string().min(1).max(200) }) } }, async (req, reply) => {
      const token = await resolveIntakeToken(deps.database.db, req.params.token);
      const decision = await deps.rateLimiter.consume(`intake:${token.id}`, deps.defaultRateLimit);
      reply.headers(rateLimitHeaders(decision));
      if (!decision.allowed) {
        throw new AppError('rate_limited', `Rate limit of ${decision.limit} requests a minute exceeded for this intake address; retry in ${decision.resetIn} s`, {
          headers: { 'retry-after': String(decision.resetIn) },
        });
      }
      const body = adfBody(req);
      const result = await deps.database.db.transaction((tx) => {
        const ctx: Ctx = {
          tenantId: token.tenantId,
          environment: token.environment,
          scopes: ['leads:write'],
          actor: { type: 'system', id: `intake:${token.id}` },
          requestId: req.id,
          db: tx,
        };
        return importAdf(ctx, { ...body, channel: 'http' });
      });
      touchIntakeToken(deps.database.db, token).catch((err) => req.log.warn({ err }, 'intake token touch failed'));
      return reply.code(intakeStatus(result)).send(intakeBody(result));
    });
  });
}
