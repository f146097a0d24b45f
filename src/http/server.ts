import crypto from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import FindMyWay from 'find-my-way';
import secureJson from 'secure-json-parse';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError, type FieldError } from '../core/errors.ts';
import type { Database } from '../storage/db.ts';
import { createKeyAuthenticator } from './platform/auth.ts';
import type { RateLimiter } from './platform/rate-limit.ts';
import type { Deps } from './platform/route.ts';
import { renderError, surfaceOf } from './platform/surfaces.ts';
import { registerRecordsApi } from './records-api/index.ts';
import { registerCrmApi } from './crm-api/index.ts';
import { registerStorefrontApi } from './storefront-api/index.ts';
import { registerManageApi } from './manage-api/index.ts';
import fastifyCookie from '@fastify/cookie';
import type { RequestLogWriter } from '../core/request-log.ts';
import { openApiInfo } from './openapi.ts';
import { registerDashboard } from './dashboard.ts';

export type ServerDeps = {
  database: Database;
  rateLimiter: RateLimiter;
  logger: Logger;
  defaultRateLimit: number;
  secret: Uint8Array;
  requestLog?: RequestLogWriter;
};

export const BODY_LIMIT = 1024 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 10_000,
    return503OnClosing: true,
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is refused with 415 rather than parsed as a string. Our own JSON
  // parser tells a syntax error from a prototype-pollution attempt, which Fastify's reports alike.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, secureJson.parse(body as string, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (err) {
      const message = (err as Error).message;
      done(
        /prototype/i.test(message)
          ? new AppError('bad_request', 'The request body contains a forbidden "__proto__" or "constructor.prototype" key')
          : new AppError('invalid_json', `The request body is not valid JSON: ${message}`),
        undefined,
      );
    }
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // Routes by path alone, to answer 405 (not 404) when the path exists under another method.
  const paths = FindMyWay({ ignoreTrailingSlash: true });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (m === 'HEAD') continue;
      try {
        paths.on(m as 'GET', route.url, () => {});
      } catch {
        /* already known */
      }
    }
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    if (appErr.headers) reply.headers(appErr.headers);
    return reply.code(appErr.status).send(renderError(surfaceOf(req.url), appErr));
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => m !== req.method && paths.find(m, path));
    const err = allowed.length
      ? new AppError('method_not_allowed', `${req.method} is not supported on ${path}; use ${allowed.join(', ')}`)
      : new AppError('not_found', `No route ${req.method} ${path}. See /docs for the API reference.`);
    if (allowed.length) reply.header('allow', allowed.join(', '));
    return reply.code(err.status).send(renderError(surfaceOf(req.url), err));
  });

  await app.register(fastifySwagger, {
    openapi: openApiInfo as never,
    transform: jsonSchemaTransform,
    hideUntagged: true,
  });

  const routeDeps: Deps = {
    database: deps.database,
    rateLimiter: deps.rateLimiter,
    authenticate: createKeyAuthenticator(deps.database.db),
    defaultRateLimit: deps.defaultRateLimit,
    secret: deps.secret,
    requestLog: deps.requestLog,
  };
  await app.register(fastifyCookie);
  registerRecordsApi(app, routeDeps);
  registerCrmApi(app, routeDeps);
  registerStorefrontApi(app, routeDeps);
  registerManageApi(app, routeDeps);

  await registerDashboard(app);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await deps.database.ping();
      return { status: 'ready', database: deps.database.driver };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', database: deps.database.driver, error: (err as Error).message });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json', title: 'Motors CRM API' } });
  app.get('/', { schema: { hide: true } }, async () => ({
    name: 'Motors CRM',
    docs: '/docs',
    openapi: '/openapi.json',
    surfaces: { records: '/api/public/v1', storefront: '/external', crm: '/crm-api/v1' },
  }));
  return app;
}

// Everything that can go wrong, mapped onto the closed list of error codes.
function toAppError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext === 'querystring' ? 'query' : err.validationContext ?? 'body';
    const fields: FieldError[] = err.validation.flatMap((v) => {
      const issue = (v.params as { issue?: { code?: string; keys?: string[] } }).issue;
      const base = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
      if (issue?.code === 'unrecognized_keys' && issue.keys) {
        return issue.keys.map((k) => ({ field: `${base}.${k}`, message: 'is not a known field' }));
      }
      return [{ field: base, message: v.message ?? 'is invalid' }];
    });
    return new AppError('validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_json', `The request body is not valid JSON: ${err.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', `The request body is larger than the limit of ${BODY_LIMIT} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', `Unsupported Content-Type "${err.message.replace(/^Unsupported Media Type:?\s*/i, '')}"; send JSON with Content-Type: application/json`);
  }
  if (err instanceof SyntaxError || err.statusCode === 400) return new AppError('bad_request', err.message);
  if (isDatabaseDown(err)) return new AppError('service_unavailable', 'The database is unavailable; retry shortly');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('bad_request', err.message);
  return new AppError('internal_error', 'Something went wrong on our side; the request id identifies it in our logs');
}

function isDatabaseDown(err: unknown): boolean {
  const text = String((err as Error)?.message ?? '') + String((err as { cause?: Error })?.cause?.message ?? '');
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001'].includes(code ?? '') || /Connection terminated|timeout exceeded when trying to connect/i.test(text);
}
