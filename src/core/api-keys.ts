import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { apiKeys } from '../storage/schema/index.ts';
import { AppError, notFound } from './errors.ts';
import type { Environment } from './context.ts';
import { newId, now } from './ids.ts';
import { isKnownScope } from './scopes.ts';

// motors_sk_<env>_<33 base62 chars = 24 random bytes, 192 bits><6 base62 chars of CRC32>.
// The checksum lets secret scanners (and us, before touching the database) tell a real key
// from a typo, as GitHub's token format does.
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^motors_sk_(live|test)_([0-9A-Za-z]{33})([0-9A-Za-z]{6})$/;

function base62(bytes: Buffer, length: number): string {
  let n = BigInt('0x' + (bytes.toString('hex') || '0'));
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(length, '0');
}

function checksum(body: string): string {
  const crc = zlib.crc32(body);
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(crc);
  return base62(buf, 6);
}

export function generateKey(environment: Environment): string {
  const random = base62(crypto.randomBytes(24), 33);
  return `motors_sk_${environment}_${random}${checksum(random)}`;
}

/** Returns the environment the key claims, or null when it is malformed or its checksum is wrong. */
export function parseKey(key: string): Environment | null {
  const m = KEY_PATTERN.exec(key);
  if (!m) return null;
  return checksum(m[2]) === m[3] ? (m[1] as Environment) : null;
}

export const hashKey = (key: string): string => crypto.createHash('sha256').update(key).digest('hex');

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export type ApiKeyView = {
  id: string;
  name: string;
  environment: Environment;
  prefix: string;
  last4: string;
  scopes: string[];
  rateLimit: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

export function apiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    environment: row.environment,
    prefix: row.prefix,
    last4: row.last4,
    scopes: row.scopes,
    rateLimit: row.rateLimit,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export type CreateKeyInput = {
  tenantId: string;
  environment: Environment;
  name?: string;
  scopes?: string[];
  rateLimit?: number | null;
  expiresAt?: Date | null;
};

/** Creates a key; the returned `key` is the only time the full secret exists outside the caller. */
export async function createApiKey(db: Queryable, input: CreateKeyInput): Promise<ApiKeyView & { key: string }> {
  const scopes = input.scopes?.length ? [...new Set(input.scopes)] : ['*'];
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length) {
    throw new AppError('validation_failed', `scopes: unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}`, {
      fields: [{ field: 'scopes', message: `unknown scope ${unknown.join(', ')}` }],
    });
  }
  const key = generateKey(input.environment);
  const [row] = await db
    .insert(apiKeys)
    .values({
      tenantId: input.tenantId,
      environment: input.environment,
      id: newId(),
      name: input.name?.trim() || `${input.environment} key`,
      keyHash: hashKey(key),
      prefix: key.slice(0, 'motors_sk_live_'.length + 4),
      last4: key.slice(-4),
      scopes,
      rateLimit: input.rateLimit ?? null,
      createdAt: now(),
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { ...apiKeyView(row), key };
}

export async function listApiKeys(db: Queryable, tenantId: string): Promise<ApiKeyView[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(apiKeyView);
}

/** Revokes one of the tenant's keys; another tenant's key is not found (404), like any unknown id. */
export async function revokeApiKey(db: Queryable, tenantId: string, id: string): Promise<ApiKeyView> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now() })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
    .returning();
  if (!row) throw notFound('API key', id);
  return apiKeyView(row);
}

export async function findKeyByHash(db: Queryable, keyHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
  return row;
}

export async function touchKey(db: Queryable, tenantId: string, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now() })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
}

/**
 * Rotation: a new key with the same name, environment, scopes, limit and lifetime; the old one
 * stays valid for the overlap (0 revokes it at once) so integrations can switch without downtime.
 * The lifetime (expiry minus creation) counts again from now: copying the old expiry gave a key
 * that was already expired when the old one was, or about to be.
 * A key rotates once (its replacement is the one to rotate next). The old key's row is read
 * `FOR UPDATE`, so call this inside a transaction (every API write runs in one): of concurrent
 * rotations of one key, one makes the new key and the others, reading the row after it, are
 * refused (409, or 404 once it is revoked).
 */
export async function rotateApiKey(db: Queryable, tenantId: string, id: string, overlapHours: number) {
  const [old] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
    .for('update');
  if (!old || old.revokedAt) throw new AppError('not_found', `API key ${id} was not found or is revoked`);
  if (old.replacedBy) throw new AppError('conflict', `API key ${id} was already rotated; rotate its replacement ${old.replacedBy} instead`);
  const lifetimeMs = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : undefined;
  if (lifetimeMs !== undefined && lifetimeMs <= 0) {
    throw new AppError('conflict', `API key ${id} was created already expired, so it has no lifetime to renew; create a new key with an expiry instead`);
  }
  const expiresAt = lifetimeMs === undefined ? null : new Date(Date.now() + lifetimeMs);
  const fresh = await createApiKey(db, { tenantId, environment: old.environment, name: old.name, scopes: old.scopes, rateLimit: old.rateLimit, expiresAt });
  const until = new Date(Date.now() + overlapHours * 3600_000);
  const [replaced] = await db
    .update(apiKeys)
    .set(overlapHours === 0 ? { revokedAt: now(), replacedBy: fresh.id } : { expiresAt: old.expiresAt && old.expiresAt < until ? old.expiresAt : until, replacedBy: fresh.id })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, old.id)))
    .returning();
  return { ...fresh, replaces: apiKeyView(replaced) };
}
