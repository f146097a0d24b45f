import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import FindMyWay from 'find-my-way';
import secureJson from 'secure-json-parse';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError, type FieldError } from '../core/errors.ts';
import type { Database } from '../storage/db.ts';
import { createKeyAuthenticator } from './platform/auth.ts';
import type { RateLimiter } from './platform/rate-limit.ts';
import type { Deps } from './platform/route.ts';
import { renderError, surfaceOf } from './platform/surfaces.ts';
import { assertBoundedJson } from './platform/fields.ts';
import { registerRecordsApi } from './records-api/index.ts';
import { registerCrmApi } from './crm-api/index.ts';
import { registerStorefrontApi } from './storefront-api/index.ts';
import { registerManageApi } from './manage-api/index.ts';
import { registerIntake } from './intake.ts';
import { registerFeeds } from './feeds.ts';
import fastifyCookie from '@fastify/cookie';
import type { RequestLogWriter } from '../core/request-log.ts';
import { cachedSchemaTransform, keepResponsesForDocument, openApiInfo, refineDocument } from './openapi.ts';
import './validation-messages.ts';
import type { SendAttempt, WebhookSettings } from '../core/webhook-delivery.ts';
import { registerDashboard } from './dashboard.ts';
import { registerDemoPhotos } from './demo-photos.ts';
import { registerApiReference } from './docs.ts';

export type ServerDeps = {
  /** Check every response against its schema (tests); production skips it for speed. */
  strictResponses?: boolean;
  database: Database;
  rateLimiter: RateLimiter;
  logger: Logger;
  defaultRateLimit: number;
  secret: Uint8Array;
  requestLog?: RequestLogWriter;
  /** Config TRUST_PROXY: whose X-Forwarded-For / -Proto to believe (req.ip, req.protocol). */
  trustProxy?: boolean | number | string[];
  /** Config PUBLIC_URL: an https one makes the staff session cookie Secure. */
  publicUrl?: string;
  /** False while a start is still finishing after listen (catalog, first-start demo data): /readyz answers 503. */
  isReady?: () => boolean;
  /** The domain of ADF intake e-mail addresses (<token>@SMTP_DOMAIN), shown with new intake tokens. */
  smtpDomain?: string;
  webhookSettings: WebhookSettings;
  /** One delivery attempt with those settings (worker/outbound.ts), for the test-send routes. */
  send: SendAttempt;
};

export const BODY_LIMIT = 1024 * 1024;

// Limits against slow or greedy clients (README.md, "Limits and timeouts"). A client dribbling its
// headers is cut off after HEADERS_TIMEOUT_MS (checked every second), any request after 30 s, an
// idle keep-alive connection after 10 s and a silent socket after 60 s; headers over 16 KiB are a 431.
export const SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 10_000,
  connectionTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
} as const;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT,
    requestTimeout: SERVER_LIMITS.requestTimeoutMs,
    connectionTimeout: SERVER_LIMITS.connectionTimeoutMs,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
    http: {
      headersTimeout: SERVER_LIMITS.headersTimeoutMs,
      connectionsCheckingInterval: 1_000,
      maxHeaderSize: SERVER_LIMITS.maxHeaderBytes,
    },
    return503OnClosing: true,
    // A hop count is handled by Fastify (lib/request.js) though its type leaves numbers out.
    trustProxy: (deps.trustProxy ?? false) as boolean | string[],
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Errors raised by the router before any route runs (a malformed percent-encoding, an
    // over-long path segment) are answered in the surface's shape like every other error.
    frameworkErrors: (err, req, reply) => {
      const appErr = toAppError(err as FastifyError);
      return (reply as unknown as FastifyReply).code(appErr.status).send(renderError(surfaceOf(req.url), appErr));
    },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  // Responses are plain JSON.stringify: checking each one against its zod schema cost ~3 ms per
  // list of 50 (docs/benchmarks.md). Under test, every response is still checked, strictly: a
  // handler whose output differs from its schema (an extra or missing field) fails the test.
  app.setSerializerCompiler((route) => {
    if (!deps.strictResponses) return (data: unknown) => JSON.stringify(data);
    const viaSchema = serializerCompiler(route as never) as (data: unknown) => string;
    return (data: unknown) => {
      const plain = JSON.stringify(data);
      if (!isDeepStrictEqual(JSON.parse(viaSchema(data)), JSON.parse(plain))) {
        throw new Error(`Response of ${route.method} ${route.url} (${route.httpStatus}) does not match its schema: ${plain.slice(0, 300)}`);
      }
      return plain;
    };
  });
  // JSON only: a text/plain body is refused with 415 rather than parsed as a string. Our own JSON
  // parser tells a syntax error from a prototype-pollution attempt, which Fastify's reports alike.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    let parsed: unknown;
    try {
      parsed = secureJson.parse(body as string, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (err) {
      const message = (err as Error).message;
      done(
        /prototype/i.test(message)
          ? new AppError('bad_request', 'The request body contains a forbidden "__proto__" or "constructor.prototype" key')
          : new AppError('invalid_json', `The request body is not valid JSON: ${message}`),
        undefined,
      );
      return;
    }
    // Depth and number limits checked once, here, so no reader downstream sees a 5,000-deep value.
    try {
      assertBoundedJson(parsed);
    } catch (err) {
      done(err as AppError, undefined);
      return;
    }
    done(null, parsed);
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
    const appErr = toAppError(err, req.headers['content-type'], req.routeOptions?.bodyLimit);
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
    transform: cachedSchemaTransform,
    // Fills components.schemas with every schema given an id (`.meta({ id })`), so $refs resolve.
    transformObject: (input) => refineDocument(jsonSchemaTransformObject(input as never)),
    hideUntagged: true,
  });
  // After fastify-swagger's own hook: it keeps the route, and reads the responses back in the transform.
  app.addHook('onRoute', (route) => keepResponsesForDocument(route, deps.strictResponses === true));

  const routeDeps: Deps = {
    database: deps.database,
    rateLimiter: deps.rateLimiter,
    authenticate: createKeyAuthenticator(deps.database.db),
    defaultRateLimit: deps.defaultRateLimit,
    secret: deps.secret,
    requestLog: deps.requestLog,
    publicUrl: deps.publicUrl,
    webhookSettings: deps.webhookSettings,
    send: deps.send,
  };
  await app.register(fastifyCookie);
  registerRecordsApi(app, routeDeps);
  registerCrmApi(app, routeDeps);
  registerStorefrontApi(app, routeDeps);
  registerManageApi(app, routeDeps, { smtpDomain: deps.smtpDomain });
  registerIntake(app, routeDeps);
  registerFeeds(app, routeDeps);

  await registerDashboard(app);
  registerDemoPhotos(app);

  // The pid tells apart the processes of `motors start --processes N`, which share one port.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', pid: process.pid }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (deps.isReady && !deps.isReady()) return reply.code(503).send({ status: 'starting', database: deps.database.driver });
    try {
      await deps.database.ping();
      return { status: 'ready', database: deps.database.driver };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', database: deps.database.driver, error: (err as Error).message });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerApiReference(app, { prefix: '/docs', openApiUrl: '/openapi.json', title: 'Motors CRM API' });
  app.get('/', { schema: { hide: true } }, async () => ({
    name: 'Motors CRM',
    docs: '/docs',
    openapi: '/openapi.json',
    surfaces: { records: '/api/public/v1', storefront: '/external', crm: '/crm-api/v1' },
  }));
  return app;
}

// Everything that can go wrong, mapped onto the closed list of error codes.
function toAppError(err: FastifyError, contentType?: string, bodyLimit = BODY_LIMIT): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext === 'querystring' ? 'query' : (err.validationContext ?? 'body');
    const fields: FieldError[] = err.validation.flatMap((v) => {
      const keys = (v.params as { keys?: string[] }).keys;
      const base = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
      if (v.keyword === 'unrecognized_keys' && keys?.length) {
        return keys.map((k) => ({ field: `${base}.${k}`, message: 'is not a known field' }));
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
      return new AppError('payload_too_large', `The request body is larger than the limit of ${bodyLimit} bytes`);
    case 'FST_ERR_BAD_URL':
      return new AppError('bad_request', 'The URL is not valid: a percent-encoded sequence is not UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('bad_request', 'A path segment is longer than 500 characters');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // Fastify's message names no type: the caller is told the one it sent (from the request).
      return new AppError(
        'unsupported_media_type',
        contentType
          ? `Unsupported Content-Type "${contentType.slice(0, 100)}"; send JSON with Content-Type: application/json`
          : 'The request has a body but no Content-Type; send JSON with Content-Type: application/json',
      );
  }
  if (err instanceof SyntaxError || err.statusCode === 400) return new AppError('bad_request', err.message);
  // PostgreSQL's class 22 (data exception): a value we accepted but the database can't store or
  // compare, e.g. a NUL character in text or jsonb. The caller's input, so a 400, not a 500.
  if (/^22/.test(databaseCode(err))) return new AppError('bad_request', 'The request contains a value that cannot be stored (for example a NUL character, \\u0000)');
  if (isDatabaseDown(err)) return new AppError('service_unavailable', 'The database is unavailable; retry shortly');
  // Class 23 (integrity constraint): core should have refused the input first; if a rule slipped
  // through, the caller still gets a 4xx naming the column rather than a 500.
  const integrity = integrityError(err);
  if (integrity) return integrity;
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new AppError('bad_request', err.message);
  return new AppError('internal_error', 'Something went wrong on our side; the request id identifies it in our logs');
}

function integrityError(err: unknown): AppError | undefined {
  const cause = (err as { cause?: { code?: unknown; column?: unknown; constraint?: unknown } })?.cause ?? (err as { code?: unknown; column?: unknown; constraint?: unknown });
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const column = typeof cause?.column === 'string' ? cause.column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : undefined;
  if (code === '23502' && column) return new AppError('validation_failed', `${column}: required`, { fields: [{ field: column, message: 'required' }] });
  if (code === '23505') return new AppError('conflict', `A record with the same ${String(cause?.constraint ?? 'unique value')} already exists`);
  if (code === '23503' || code === '23514') return new AppError('bad_request', 'The request refers to a record that does not exist or breaks a rule of the data');
  return undefined;
}

function databaseCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : '';
}

function isDatabaseDown(err: unknown): boolean {
  // Drivers and Drizzle wrap errors (sometimes twice, inside transactions): look down the chain.
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(e.code)) return true;
    if (
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|the database system is (starting up|shutting down)/i.test(
        String(e.message ?? ''),
      )
    )
      return true;
    e = e.cause as typeof e;
  }
  return false;
}
