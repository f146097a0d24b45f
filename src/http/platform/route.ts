import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { hasScope } from '../../core/scopes.ts';
import * as idempotency from '../../core/idempotency.ts';
import { writeEvents, type PendingEvent } from '../../core/events.ts';
import type { Database, Tx } from '../../storage/db.ts';
import { memberDenied, type Principal } from './auth.ts';
import type { RequestLogWriter } from '../../core/request-log.ts';
import { rateLimitHeaders, type RateLimiter } from './rate-limit.ts';
import { errorSchemas, renderError, surfacePrefix, type Surface } from './surfaces.ts';

export type Deps = {
  database: Database;
  rateLimiter: RateLimiter;
  authenticate: (req: FastifyRequest, surface: Surface) => Promise<Principal>;
  requestLog?: RequestLogWriter;
  defaultRateLimit: number;
  /** Signs shoppers' tokens and staff sessions. */
  secret: Uint8Array;
};

export type Result = { status?: number; body: unknown; headers?: Record<string, string> };

type Maybe<T extends z.ZodType | undefined> = T extends z.ZodType ? z.output<T> : undefined;

export type Input<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> = {
  body: Maybe<B>;
  query: Maybe<Q>;
  params: Maybe<P>;
  req: FastifyRequest;
  reply: FastifyReply;
};

export type RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the surface's prefix, e.g. `/clients/:id`. */
  path: string;
  /** The scope a key needs; `null` means any valid key of the tenant. */
  scope: string | null;
  /** Further scopes the route needs besides `scope`, e.g. converting a quote also writes an invoice. */
  alsoScopes?: string[];
  summary: string;
  description?: string;
  tags: string[];
  body?: B;
  querystring?: Q;
  params?: P;
  /**
   * `false` for a write that waits on the outside world (a webhook test): it runs without a
   * request transaction or idempotency record and opens its own short transactions, so a slow
   * receiver cannot hold a database connection (or, on PGlite, the whole database).
   */
  transaction?: false;
  /**
   * The handler has effects outside its transaction (sign-in throttling counters): a retry with a
   * used Idempotency-Key is answered from the stored response before the handler runs again.
   */
  replayBeforeRunning?: true;
  /** Success responses by status code. */
  responses: Record<number, z.ZodType>;
  handler: (ctx: Ctx, input: Input<B, Q, P>) => Promise<Result>;
};

const securityBySurface: Record<Surface, Record<string, string[]>[]> = {
  records: [{ ApiKeyHeader: [] }, { BearerApiKey: [] }],
  crm: [{ BearerApiKey: [] }, { ApiKeyHeader: [] }],
  storefront: [{ StorefrontApiKey: [] }],
  manage: [{ SessionCookie: [] }],
};

const errorStatuses = [400, 401, 403, 404, 409, 412, 413, 415, 422, 429] as const;

declare module 'fastify' {
  interface FastifyRequest {
    keyAuth?: Principal;
  }
}

// The platform layer, written once: every route of every API-key surface is declared through
// here, and gets authentication, tenant and environment, scopes, rate limits, idempotency, one
// transaction per write and its surface's error shape, without the route doing anything.
export function defineRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  deps: Deps,
  surface: Surface,
  spec: RouteSpec<B, Q, P>,
): void {
  const errorResponses = Object.fromEntries(
    errorStatuses.filter((s) => !(s === 412 && spec.method !== 'PUT')).map((s) => [s, errorSchemas[surface]]),
  );
  const needed = spec.scope ? [spec.scope, ...(spec.alsoScopes ?? [])] : [];
  const scopeText = needed.length ? `Requires scope ${needed.map((s) => `\`${s}\``).join(' and ')}.` : 'Any valid key of the tenant.';
  app.withTypeProvider<ZodTypeProvider>().route({
    method: spec.method,
    url: surfacePrefix[surface] + spec.path,
    schema: {
      summary: spec.summary,
      description: [spec.description, scopeText, spec.method === 'POST' ? 'Send an `Idempotency-Key` header to make retries safe.' : '']
        .filter(Boolean)
        .join('\n\n'),
      tags: spec.tags,
      security: securityBySurface[surface],
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      response: { ...spec.responses, ...errorResponses },
      ...(spec.scope ? { 'x-required-scope': spec.scope, 'x-required-scopes': needed } : {}),
    } as never,
    config: { surface, scope: spec.scope },
    // Authentication comes before the body is even parsed: a caller without a valid key learns
    // nothing about the shape of our requests.
    onRequest: async (req, reply) => {
      const auth = await deps.authenticate(req, surface);
      req.keyAuth = auth;
      const decision = await deps.rateLimiter.consume(auth.id, auth.rateLimit ?? deps.defaultRateLimit);
      reply.headers(rateLimitHeaders(decision));
      if (!decision.allowed) {
        throw new AppError('rate_limited', `Rate limit of ${decision.limit} requests a minute exceeded for this API key; retry in ${decision.resetIn} s`, {
          headers: { 'retry-after': String(decision.resetIn) },
        });
      }
      if (auth.actor === 'user' && spec.scope && memberDenied.has(spec.scope) && auth.staff?.role === 'member') {
        throw new AppError('forbidden', 'Members cannot manage API keys or webhooks; ask an owner or admin');
      }
      const missing = needed.find((s) => !hasScope(auth.scopes, s));
      if (missing) {
        throw new AppError('insufficient_scope', `This API key lacks the scope "${missing}" needed for ${spec.method} ${surfacePrefix[surface]}${spec.path}`);
      }
    },
    // Every API-key request lands in the request log the dashboard shows (written in batches).
    onResponse: async (req, reply) => {
      const auth = req.keyAuth;
      if (!auth || auth.actor !== 'api_key' || !deps.requestLog) return;
      deps.requestLog.add({
        tenantId: auth.tenantId,
        environment: auth.environment,
        keyId: auth.id,
        method: req.method,
        path: req.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
        requestId: req.id,
        createdAt: new Date(),
      });
    },
    handler: async (req, reply) => {
      const auth = req.keyAuth!;
      const ctx: Ctx = {
        tenantId: auth.tenantId,
        environment: auth.environment,
        scopes: auth.scopes,
        actor: { type: auth.actor, id: auth.id },
        requestId: req.id,
        db: deps.database.db,
      };
      const input = { body: req.body, query: req.query, params: req.params, req, reply } as Input<B, Q, P>;
      const result = await execute(deps, surface, spec, ctx, input);
      if (result.headers) reply.headers(result.headers);
      return reply.code(result.status ?? 200).send(result.body as never);
    },
  });
}

/** Thrown inside the write's transaction to roll it back when another request stored the key first. */
class Replay {}

// Requests in flight in this process, by idempotency key: the answer (409) for a duplicate
// arriving while the first is running. Across processes the database's unique key decides: the
// later request waits for the first to commit, then rolls back and replays its response.
const inFlight = new Set<string>();

/**
 * Runs the handler in one transaction that collects its events; `finish` writes them as the
 * transaction's last statement (with the idempotency record when there is a key).
 */
function inTransaction<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  db: Database['db'],
  ctx: Ctx,
  spec: RouteSpec<B, Q, P>,
  input: Input<B, Q, P>,
  finish: (tx: Tx, result: Result, pendingEvents: PendingEvent[]) => Promise<void>,
): Promise<Result> {
  return db.transaction(async (tx) => {
    const pendingEvents: PendingEvent[] = [];
    const result = await spec.handler({ ...ctx, db: tx, pendingEvents }, input);
    await finish(tx, result, pendingEvents);
    return result;
  });
}

async function execute<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  deps: Deps,
  surface: Surface,
  spec: RouteSpec<B, Q, P>,
  ctx: Ctx,
  input: Input<B, Q, P>,
): Promise<Result> {
  const db = deps.database.db;
  if (spec.method === 'GET' || spec.transaction === false) return spec.handler(ctx, input);

  const keyHeader = input.req.headers['idempotency-key'];
  const key = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
  if (spec.method !== 'POST' || key === undefined) {
    return inTransaction(db, ctx, spec, input, (tx, _result, pendingEvents) => writeEvents(tx, pendingEvents));
  }
  if (!key || key.length > 255) {
    throw new AppError('validation_failed', 'Idempotency-Key: must be 1 to 255 characters', { fields: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }] });
  }

  const scope = { tenantId: ctx.tenantId, environment: ctx.environment, key };
  const request = { ...scope, requestHash: idempotency.requestHash(spec.method, input.req.url, input.body), method: spec.method, path: input.req.url };
  const replay = (stored: idempotency.StoredResponse): Result => {
    if (stored.requestHash !== request.requestHash) throw idempotency.reused(key);
    return { status: stored.statusCode, body: stored.response, headers: { 'idempotent-replayed': 'true' } };
  };

  const flightKey = `${ctx.tenantId}:${ctx.environment}:${key}`;
  if (inFlight.has(flightKey)) throw idempotency.inUse(key);
  inFlight.add(flightKey);
  try {
    if (spec.replayBeforeRunning) {
      const stored = await idempotency.findStored(db, scope);
      if (stored) return replay(stored);
    }
    // Optimistic: a first request (the usual case) runs at once, and its response is stored with
    // its events in the transaction's last statement. A retry finds the key taken there, rolls
    // back everything it did and replays the stored response instead.
    try {
      return await inTransaction(db, ctx, spec, input, async (tx, result, pendingEvents) => {
        if (!(await idempotency.record(tx, request, result.status ?? 200, result.body, pendingEvents))) throw new Replay();
      });
    } catch (err) {
      // A retry whose first attempt succeeded may now fail (the invoice it paid is paid): the
      // stored answer wins over whatever this attempt ran into.
      const stored = await idempotency.findStored(db, scope);
      if (stored) return replay(stored);
      if (err instanceof Replay) throw idempotency.inUse(key);
      // A refused request is answered the same way on every retry, as the first time.
      if (err instanceof AppError && err.status < 500 && err.code !== 'idempotency_key_in_use' && err.code !== 'idempotency_key_reused') {
        await idempotency.storeFailure(db, request, err.status, renderError(surface, err));
      }
      throw err;
    }
  } finally {
    inFlight.delete(flightKey);
  }
}
