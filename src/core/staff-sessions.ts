import crypto from 'node:crypto';
import { and, eq, isNull, gt } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { staffSessions, tenants, users } from '../storage/schema/index.ts';
import { AppError } from './errors.ts';
import { newId, now } from './ids.ts';
import { hashPassword, verifyPassword, type Role } from './tenants.ts';

const SESSION_DAYS = 7;
const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export type StaffPrincipal = { userId: string; tenantId: string; tenantName: string; email: string; name: string; role: Role; sessionId: string };

// A fixed hash to verify against when the email is unknown, so a wrong email takes as long as a
// wrong password and sign-in timing does not reveal which emails exist.
let decoyHash: Promise<string> | undefined;

export async function signIn(db: Queryable, email: string, password: string): Promise<{ token: string; principal: StaffPrincipal } | null> {
  const [user] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  if (!user) {
    decoyHash ??= hashPassword('decoy-password-for-timing');
    await verifyPassword(await decoyHash, password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  return startSession(db, user);
}

/** A new session for a user already known to be who they say (a right password, an accepted invitation). */
export async function startSession(db: Queryable, user: { tenantId: string; id: string }): Promise<{ token: string; principal: StaffPrincipal } | null> {
  const token = crypto.randomBytes(32).toString('base64url');
  await db.insert(staffSessions).values({
    tenantId: user.tenantId,
    id: newId(),
    userId: user.id,
    tokenHash: hash(token),
    createdAt: now(),
    expiresAt: new Date(Date.now() + SESSION_DAYS * 86400_000),
  });
  const principal = await resolveSession(db, token);
  return principal && { token, principal };
}

export async function resolveSession(db: Queryable, token: string): Promise<StaffPrincipal | null> {
  const [row] = await db
    .select({
      sessionId: staffSessions.id,
      userId: users.id,
      tenantId: users.tenantId,
      tenantName: tenants.name,
      email: users.email,
      name: users.name,
      role: users.role,
    })
    .from(staffSessions)
    .innerJoin(users, and(eq(users.tenantId, staffSessions.tenantId), eq(users.id, staffSessions.userId)))
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(staffSessions.tokenHash, hash(token)), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, now())))
    .limit(1);
  return row ?? null;
}

export async function signOut(db: Queryable, token: string): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: now() })
    .where(eq(staffSessions.tokenHash, hash(token)));
}

export async function changePassword(db: Queryable, principal: StaffPrincipal, current: string, next: string): Promise<void> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, principal.tenantId), eq(users.id, principal.userId)));
  if (!user || !(await verifyPassword(user.passwordHash, current))) {
    throw new AppError('validation_failed', 'currentPassword: is not your current password', { fields: [{ field: 'currentPassword', message: 'is not your current password' }] });
  }
  if (next.length < 8) {
    throw new AppError('validation_failed', 'newPassword: must be at least 8 characters', { fields: [{ field: 'newPassword', message: 'must be at least 8 characters' }] });
  }
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(next), updatedAt: now() })
    .where(and(eq(users.tenantId, principal.tenantId), eq(users.id, principal.userId)));
  // Every other session of this user ends with the old password.
  await db
    .update(staffSessions)
    .set({ revokedAt: now() })
    .where(and(eq(staffSessions.tenantId, principal.tenantId), eq(staffSessions.userId, principal.userId), isNull(staffSessions.revokedAt)));
}
