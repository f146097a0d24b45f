import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../storage/db.ts';
import { findKeyByHash, hashKey, parseKey, touchKey, type ApiKeyRow } from '../../core/api-keys.ts';
import { AppError } from '../../core/errors.ts';
import type { Surface } from './surfaces.ts';
import { resolveSession, type StaffPrincipal } from '../../core/staff-sessions.ts';
import type { Environment } from '../../core/context.ts';

// A revoked key must be refused by every process within a second: lookups are cached for at most
// half of that, which also keeps the hot path to one hash and one map read.
const CACHE_MS = 500;
const TOUCH_EVERY_MS = 60_000;

/** Who is calling: an API key, or a staff user of the dashboard (management API only). */
export type Principal = Pick<ApiKeyRow, 'id' | 'tenantId' | 'environment' | 'scopes' | 'rateLimit'> & {
  actor: 'api_key' | 'user';
  staff?: StaffPrincipal;
};

export const SESSION_COOKIE = 'motors_session';

// Staff scopes come from the role: members work with records but can't manage keys or webhooks.
const memberDenied = new Set(['keys:manage', 'webhooks:manage']);
export const staffScopes = (role: StaffPrincipal['role']): string[] => (role === 'member' ? ['records:manage'] : ['*']);
export { memberDenied };

/** Cookies ride along on cross-site requests: a dashboard write must come from our own origin. */
export function assertSameOrigin(req: FastifyRequest): void {
  if (req.method === 'GET' || req.method === 'HEAD') return;
  const origin = req.headers.origin;
  if (origin !== undefined && originHost(origin) !== req.headers.host) throw new AppError('forbidden', 'Cross-site request refused');
}

/**
 * The dashboard session cookie: httpOnly, SameSite=Strict, Secure when the dashboard is served
 * over https (by its public URL, or as the request came in; X-Forwarded-Proto counts only from a
 * trusted proxy, TRUST_PROXY).
 */
export function setSessionCookie(reply: FastifyReply, publicUrl: string | undefined, req: FastifyRequest, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: (publicUrl?.startsWith('https:') ?? false) || req.protocol === 'https',
    maxAge: 7 * 86400,
  });
}

export function createKeyAuthenticator(db: Queryable) {
  const cache = new Map<string, { row: ApiKeyRow | undefined; at: number }>();
  const touched = new Map<string, number>();

  // When the entry expires, the requests arriving during its lookup share that lookup: each used
  // to send its own (under load on PGlite, 0.13–0.2 key lookups per request instead of one per 500 ms).
  const inFlight = new Map<string, Promise<ApiKeyRow | undefined>>();

  async function lookup(hash: string): Promise<ApiKeyRow | undefined> {
    const hit = cache.get(hash);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
    let pending = inFlight.get(hash);
    if (!pending) {
      pending = findKeyByHash(db, hash).finally(() => inFlight.delete(hash));
      inFlight.set(hash, pending);
    }
    const row = await pending;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { row, at: Date.now() });
    return row;
  }

  async function authenticateStaff(req: FastifyRequest): Promise<Principal> {
    const token = req.cookies?.[SESSION_COOKIE];
    const staff = token ? await resolveSession(db, token) : null;
    if (!staff) throw new AppError('unauthorized', 'Sign in to the dashboard first (no valid session)');
    const header = req.headers['x-motors-environment'];
    const environment: Environment = header === 'live' ? 'live' : 'test';
    assertSameOrigin(req);
    return { id: staff.userId, tenantId: staff.tenantId, environment, scopes: staffScopes(staff.role), rateLimit: 1000, actor: 'user', staff };
  }

  return async function authenticate(req: FastifyRequest, surface: Surface): Promise<Principal> {
    if (surface === 'manage') return authenticateStaff(req);
    const presented = presentedKey(req, surface);
    if (!presented) {
      const where = surface === 'storefront' ? 'the x-api-key header' : 'the X-API-Key header or Authorization: Bearer';
      throw new AppError('unauthorized', `Invalid or missing API key: send your key in ${where}`);
    }
    if (!parseKey(presented)) throw new AppError('unauthorized', 'Invalid or missing API key: this is not a Motors CRM API key (motors_sk_live_… or motors_sk_test_…)');
    const row = await lookup(hashKey(presented));
    if (!row) throw new AppError('unauthorized', 'Invalid or missing API key: this key does not exist');
    if (row.revokedAt) throw new AppError('unauthorized', 'Invalid or missing API key: this key has been revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new AppError('unauthorized', 'Invalid or missing API key: this key has expired');
    const last = touched.get(row.id) ?? 0;
    if (Date.now() - last > TOUCH_EVERY_MS) {
      touched.set(row.id, Date.now());
      touchKey(db, row.tenantId, row.id).catch(() => touched.delete(row.id));
    }
    return { ...row, actor: 'api_key' };
  };
}

// The Storefront takes the key only as x-api-key, because its Authorization header carries the
// shopper's JWT. The Records and CRM APIs accept either header.
function presentedKey(req: FastifyRequest, surface: Surface): string | undefined {
  const header = req.headers['x-api-key'];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (apiKey) return apiKey.trim();
  if (surface === 'storefront') return undefined;
  return bearerToken(req);
}

/** The credential of `Authorization: Bearer <token>` (an API key, or a shopper's access token). */
export function bearerToken(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  return auth && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() || undefined : undefined;
}

// `Origin: null` (sandboxed frames, file: pages, some redirects) and anything else that is not a
// URL names no origin of ours: refused like a foreign one, never thrown as a 500.
function originHost(origin: string): string | undefined {
  if (!URL.canParse(origin)) return undefined;
  const url = new URL(origin);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined;
}
