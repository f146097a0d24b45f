import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { hasScope } from '../../core/scopes.ts';
import * as idempotency from '../../core/idempotency.ts';
import { PENDING_INSTANT, PENDING_INSTANT_ISO, writeEvents, type PendingEvent } from '../../core/events.ts';
import { etagOf, type DeferredWrite } from '../../core/collection.ts';
import { NeedsTransaction } from '../../core/one-statement.ts';
import type { Database, Tx } from '../../storage/db.ts';
import { memberDenied, type Principal } from './auth.ts';
import type { RequestLogWriter } from '../../core/request-log.ts';
import { rateLimitHeaders, type RateLimiter } from './rate-limit.ts';
import { errorSchemas, inSurfaceTerms, namesFields, renderError, surfaceAliases, surfacePrefix, type Surface } from './surfaces.ts';
import type { SendAttempt, WebhookSettings } from '../../core/webhook-delivery.ts';

export type Deps = {
  database: Database;
  rateLimiter: RateLimiter;
  authenticate: (req: FastifyRequest, surface: Surface) => Promise<Principal>;
  requestLog?: RequestLogWriter;
  defaultRateLimit: number;
  /** Signs shoppers' tokens and staff sessions. */
  secret: Uint8Array;
  /** Config PUBLIC_URL, when set. */
  publicUrl?: string;
  /** How webhooks are sent (timeouts, private addresses): the test-send routes send with them. */
  webhookSettings: WebhookSettings;
  /** One delivery attempt with those settings (worker/outbound.ts): the test-send routes send through it. */
  send: SendAttempt;
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
  /**
   * The OpenAPI operationId, the method name an SDK generator gives this route; derived from the
   * surface, method and path when omitted (`recordsListCustomers`, `crmUpdateInvoiceStatus`).
   */
  operationId?: string;
  tags: string[];
  body?: B;
  querystring?: Q;
  params?: P;
  /**
   * `false` for a write that waits on the outside world (a webhook test): it runs without a
   * request transaction or idempotency record and opens its own short transactions, so a slow
   * receiver cannot hold a database connection (or, on PGlite, the whole database).
   * `'statement'` for the create and update of a pure collection (core/collection.ts): the
   * handler runs outside a transaction; the update is one conditional statement, the create is
   * handed back (ctx.deferWrite) and stored with its events and idempotency record as one.
   */
  transaction?: false | 'statement';
  /**
   * The handler has effects outside its transaction (sign-in throttling counters): a retry with a
   * used Idempotency-Key is answered from the stored response before the handler runs again.
   */
  replayBeforeRunning?: true;
  /**
   * The body's fields may come as query parameters instead, when the request has no body: the
   * Storefront document lists its form and sign-in inputs under "Query Parameters" and its
   * examples send no body. A body, when there is one, is the only input.
   */
  inputFromQuery?: true;
  /**
   * The route also needs the shopper's access token (`Authorization: Bearer`) beside the key: the
   * document says so (security CustomerJwt and StorefrontApiKey together); the handler checks it.
   */
  shopperToken?: true;
  /**
   * Response fields that hold a secret (`data.key`, `data.secret`; `[]` for each array element):
   * stored for Idempotency-Key replays as "shown once", never in clear text. Strings in any of
   * our credential forms (API keys, whsec_, mrt_, JWTs) are left out of the store anyway.
   */
  secretFields?: readonly string[];
  /**
   * Core field names this route's surface says in other words than its usual naming (the CRM
   * API's `lines` → `line_items`, `unitAmount` → `rate`, `customerId` → `client_id`). On a surface
   * that names fields its own way (surfaces.ts: the CRM API's snake_case) the platform renames
   * the fields of the handler's validation errors, in `details` and the message, whether or
   * not the route gives any.
   */
  fieldNames?: Readonly<Record<string, string>>;
  /** Success responses by status code. */
  responses: Record<number, z.ZodType>;
  /** A larger body than the server's 1 MiB, for this route only (a CSV import); beyond it a 413. */
  bodyLimit?: number;
  /**
   * The success answer is a file of this type instead of JSON (the handler returns a Buffer as
   * `body` with its Content-Type header); errors stay JSON in the surface's shape.
   */
  produces?: 'application/pdf' | 'text/csv';
  handler: (ctx: Ctx, input: Input<B, Q, P>) => Promise<Result>;
};

const securityBySurface: Record<Surface, Record<string, string[]>[]> = {
  records: [{ ApiKeyHeader: [] }, { BearerApiKey: [] }],
  crm: [{ BearerApiKey: [] }, { ApiKeyHeader: [] }],
  storefront: [{ StorefrontApiKey: [] }],
  manage: [{ SessionCookie: [] }],
};

const errorStatuses = [400, 401, 403, 404, 409, 412, 413, 415, 422, 429] as const;

// What each response means, so /openapi.json never says "Default Response" (SDK generators and
// /docs show these as the response's documentation).
const errorDescriptions: Record<(typeof errorStatuses)[number], string> = {
  400: 'The request is invalid: `details` names each field and what is wrong with it.',
  401: 'The API key (or session) is missing, malformed, revoked or expired.',
  403: 'The key lacks a scope this route needs (the message names it), or the caller may not do this.',
  404: "No such record for this key's dealership and environment.",
  409: "The request conflicts with the record's current state, or a request with the same Idempotency-Key is still running.",
  412: "If-Match does not match the record's current ETag: it changed since you read it.",
  413: 'The request body is larger than 1 MiB.',
  415: 'The body is not sent as `Content-Type: application/json`.',
  422: 'The Idempotency-Key was already used with a different request.',
  429: 'Rate limit exceeded; retry after `Retry-After` seconds.',
};

const successDescription = (method: RouteSpec<undefined, undefined, undefined>['method'], status: number, summary: string): string => {
  if (status === 201) return `Created. ${summary}.`;
  if (status === 204) return `Done, no content. ${summary}.`;
  if (status === 202) return `Accepted. ${summary}.`;
  return `${method === 'GET' ? 'OK' : 'Done'}. ${summary}.`;
};

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const camelWords = (segment: string) => segment.split(/[-_]/).filter(Boolean).map(pascal).join('');

/** `inventoryItems` → `inventoryItem`, `policies` → `policy`, `deliveries` → `delivery`. */
export function singular(word: string): string {
  if (/ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|us)$/.test(word)) return word;
  if (/s$/.test(word)) return word.slice(0, -1);
  return word;
}

// Verbs that end a path as an action on the record before them (`POST /quotes/:id/convert`).
const actionVerbs = new Set(['convert', 'resend', 'recover', 'rotate-secret', 'rotate', 'revoke', 'restore', 'test', 'subscribe', 'unsubscribe', 'submit', 'login', 'logout', 'refresh', 'register']);

// Paths that name one thing, not a collection: GET is `get…`, not `list…`.
const singletons = new Set(['me', 'summary', 'request-stats']);

/**
 * A readable, stable operationId from surface + method + path: the surface, a verb (list, get,
 * create, update, delete, or the path's action) and the resources, singular where one is
 * addressed: `GET /customers` → `recordsListCustomers`, `PATCH /invoices/:id/status` →
 * `crmUpdateInvoiceStatus`, `POST /webhooks/:id/test` → `crmTestWebhook`. The management API's
 * `/records/<collection>` paths drop `records` (`manageGetCustomer`).
 */
export function deriveOperationId(surface: Surface, method: RouteSpec<undefined, undefined, undefined>['method'], path: string): string {
  let segments = path.split('/').filter(Boolean);
  if (surface === 'manage' && segments[0] === 'records' && segments.length > 1) segments = segments.slice(1);
  const isParam = (s: string) => s.startsWith(':') || s.startsWith('{');
  const last = segments[segments.length - 1] ?? '';
  let verb: string;
  let nouns: string[] = [];
  let suffix = '';
  if (method === 'POST' && actionVerbs.has(last)) {
    // `rotate-secret` → `rotate` … `Secret`: crmRotateWebhookSecret.
    [verb, suffix = ''] = [last.split('-')[0], camelWords(last.split('-').slice(1).join('-'))];
    segments = segments.slice(0, -1);
    // `/auth/login` → storefrontLogin.
    if (segments.length === 1 && segments[0] === 'auth') segments = [];
  } else if (method === 'GET') verb = isParam(last) || singletons.has(last) ? 'get' : 'list';
  else verb = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' }[method];
  // A resource followed by its id is one of them: singular (`/webhooks/:id/deliveries` → `WebhookDeliveries`).
  segments.forEach((s, i) => {
    if (!isParam(s)) nouns.push(camelWords(isParam(segments[i + 1] ?? '') ? singular(s) : s));
  });
  if (verb === 'create' && nouns.length) nouns[nouns.length - 1] = singular(nouns[nouns.length - 1]);
  return surface + camelWords(verb) + nouns.join('') + suffix;
}

const queryInputText =
  "The fields may also be sent as query parameters (`?email=…&password=…`) when the request has no body, as in the Storefront document's examples; a JSON body, when sent, is the only input. Nested fields (such as `phone`) need a JSON body.";

// `inputFromQuery`: a request without a body (none, or an empty one with any Content-Type) is
// validated as if its query parameters were its JSON body. Runs after authentication, so an
// unauthenticated caller still learns nothing about the shape of our requests.
const queryInputHooks = {
  preParsing: async (req: FastifyRequest) => {
    const emptyBody = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] === undefined || req.headers['content-length'] === '0');
    // Fastify parses (and refuses) an empty body by its Content-Type; without one it skips parsing.
    if (emptyBody) delete req.headers['content-type'];
  },
  preValidation: async (req: FastifyRequest) => {
    if (req.body !== undefined && req.body !== null) return;
    req.body = { ...(req.query as Record<string, unknown>) };
    req.query = {};
    // The query now holds a password or a form's fields: nothing after this point (the stored
    // Idempotency-Key record, error logs) sees it in the URL. The body is hashed instead.
    req.raw.url = req.raw.url?.split('?')[0];
  },
};

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
  if (spec.fieldNames && !namesFields(surface)) throw new Error(`${spec.method} ${spec.path}: surface ${surface} speaks core's field names; fieldNames would be ignored`);
  const named = { ...spec, handler: inSurfaceTerms(surface, spec.fieldNames ?? {}, spec.handler) };
  for (const prefix of [surfacePrefix[surface], ...(surfaceAliases[surface] ?? [])]) {
    registerRoute(app, deps, surface, named, prefix, prefix !== surfacePrefix[surface]);
  }
}

function registerRoute<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  app: FastifyInstance,
  deps: Deps,
  surface: Surface,
  spec: RouteSpec<B, Q, P>,
  prefix: string,
  alias: boolean,
): void {
  // The `{description, content}` form: fastify-swagger takes the description from it, and Fastify
  // (and the strict test serializer) the JSON schema.
  const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
  const errorResponses = Object.fromEntries(
    errorStatuses
      .filter((s) => !(s === 412 && spec.method !== 'PUT'))
      .map((s) => [s, json(s === 413 && spec.bodyLimit ? `The request body is larger than ${spec.bodyLimit / 1024 / 1024} MiB.` : errorDescriptions[s], errorSchemas[surface])]),
  );
  const success = (description: string, schema: z.ZodType) => (spec.produces ? { description, content: { [spec.produces]: { schema } } } : json(description, schema));
  const successResponses = Object.fromEntries(
    Object.entries(spec.responses).map(([status, schema]) => [status, success(schema.meta()?.description ?? successDescription(spec.method, Number(status), spec.summary), schema)]),
  );
  const needed = spec.scope ? [spec.scope, ...(spec.alsoScopes ?? [])] : [];
  const scopeText = needed.length ? `Requires scope ${needed.map((s) => `\`${s}\``).join(' and ')}.` : 'Any valid key of the tenant.';
  app.withTypeProvider<ZodTypeProvider>().route({
    method: spec.method,
    url: prefix + spec.path,
    schema: {
      ...(alias ? { hide: true } : {}),
      // Hidden aliases keep the operationId out of the document; Fastify needs none for routing.
      operationId: spec.operationId ?? deriveOperationId(surface, spec.method, spec.path),
      summary: spec.summary,
      description: [spec.description, spec.inputFromQuery ? queryInputText : '', scopeText, keepsIdempotencyKey(spec) ? 'Send an `Idempotency-Key` header to make retries safe.' : '']
        .filter(Boolean)
        .join('\n\n'),
      tags: spec.tags,
      security: spec.shopperToken ? [{ StorefrontApiKey: [], CustomerJwt: [] }] : securityBySurface[surface],
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      response: { ...successResponses, ...errorResponses },
      ...(spec.scope ? { 'x-required-scope': spec.scope, 'x-required-scopes': needed } : {}),
    } as never,
    config: { surface, scope: spec.scope },
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
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
        throw new AppError('insufficient_scope', `This API key lacks the scope "${missing}" needed for ${spec.method} ${prefix}${spec.path}`);
      }
    },
    ...((spec.inputFromQuery ? queryInputHooks : {}) as object),
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

/** What inOneStatement answers when the request must run in a transaction after all (nothing was written). */
const inTransactionInstead = Symbol('in a transaction instead');

/**
 * A `transaction: 'statement'` route: the handler decides without a transaction, then its write
 * (if it deferred one), events and idempotency record go out as one statement. The response was
 * built around PENDING_INSTANT (and the stand-ins of values only the statement knows); it gets the
 * values the statement wrote. When the write needs a transaction after all, or a fact its statement
 * checked did not hold, nothing was stored and the caller runs the request in a transaction.
 */
async function inOneStatement<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  db: Database['db'],
  ctx: Ctx,
  spec: RouteSpec<B, Q, P>,
  input: Input<B, Q, P>,
  store?: { request: idempotency.StoreRequest; secretFields?: readonly string[] },
): Promise<Result | typeof inTransactionInstead> {
  let write: DeferredWrite | undefined;
  const deferWrite = (w: DeferredWrite) => {
    if (write) throw new Error(`${spec.method} ${spec.path} deferred two writes; a 'statement' route makes one`);
    write = w;
  };
  let result: Result;
  try {
    result = await spec.handler({ ...ctx, db, deferWrite }, input);
  } catch (err) {
    if (err instanceof NeedsTransaction) return inTransactionInstead;
    throw err;
  }
  if (!write && !store) return result;
  const outcome = await idempotency.runDeferred(
    db,
    write,
    store && { request: store.request, statusCode: result.status ?? 200, response: idempotency.withoutSecrets(result.body, store.secretFields) },
  );
  if (outcome === 'taken') throw new Replay();
  if (outcome === 'refused') return inTransactionInstead;
  if (!write) return result;
  const stored = write.viewOf(outcome.row!);
  const written = withWrittenValues(result, outcome.instant, outcome.standIns);
  // Compared as values: jsonb stores an object's keys in its own order.
  if (process.env.NODE_ENV === 'test' && !isDeepStrictEqual(JSON.parse(JSON.stringify(stored)), withWrittenValues(write.predicted, outcome.instant, outcome.standIns))) {
    // The database stored something other than predicted (a default computed in SQL, a numeric's
    // scale): a defect of the collection's `pure` declaration, which every test that creates
    // such a record catches. (In production the write has committed: it is answered as predicted.)
    throw new Error(`${spec.method} ${spec.path}: the stored record differs from the one predicted before the write; the collection cannot be pure`);
  }
  return written;
}

/** A value built around PENDING_INSTANT (and its ETag) and stand-ins, with what a statement wrote in their place. */
function withWrittenValues<T>(value: T, iso: string, standIns: Map<string, string>): T {
  const tag = etagOf({ updatedAt: new Date(iso) }).slice(1, -1);
  let text = JSON.stringify(value).replaceAll(PENDING_INSTANT_ISO, iso).replaceAll(PENDING_TAG, tag);
  for (const [standIn, actual] of standIns) text = text.replaceAll(standIn, actual);
  return JSON.parse(text);
}
const PENDING_TAG = etagOf({ updatedAt: PENDING_INSTANT }).slice(1, -1);

/**
 * Whether a route stores its answer under an Idempotency-Key (and says so in its description):
 * every POST but those running outside a request transaction, whose writes commit in their own
 * short transactions (a webhook test, a CSV import's batches), with no last statement to hold it.
 */
const keepsIdempotencyKey = (spec: { method: string; transaction?: false | 'statement' }) => spec.method === 'POST' && spec.transaction !== false;

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
  if (!keepsIdempotencyKey(spec) || key === undefined) {
    if (spec.transaction === 'statement') {
      const result = await inOneStatement(db, ctx, spec, input);
      if (result !== inTransactionInstead) return result;
    }
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
      if (spec.transaction === 'statement') {
        const result = await inOneStatement(db, ctx, spec, input, { request, secretFields: spec.secretFields });
        if (result !== inTransactionInstead) return result;
      }
      return await inTransaction(db, ctx, spec, input, async (tx, result, pendingEvents) => {
        const stored = idempotency.withoutSecrets(result.body, spec.secretFields);
        if (!(await idempotency.record(tx, request, result.status ?? 200, stored, pendingEvents))) throw new Replay();
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
