import crypto from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { staffLinks, staffSessions, tenants, users } from '../storage/schema/index.ts';
import { AppError } from './errors.ts';
import { newId, now } from './ids.ts';
import { createUser, hashPassword, type Role } from './tenants.ts';

// The dealership's staff accounts beyond the first: the people list, invitations (a single-use
// link that creates an account with a role) and password resets (a single-use link that sets a
// new password and ends every session). Both links are rows of staff_links, only the token's
// hash stored; spending one is a conditional UPDATE, so a link works once even when clicked twice
// at the same moment.

export const INVITE_HOURS = 72;
export const RESET_MINUTES = 60;

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
// `msl_` (Motors staff link) lets log redaction and the idempotency store recognise one by its form.
const newToken = () => `msl_${crypto.randomBytes(32).toString('base64url')}`;

export type StaffUserView = { id: string; email: string; name: string; role: Role; createdAt: string };

export async function listStaffUsers(db: Queryable, tenantId: string): Promise<StaffUserView[]> {
  const rows = await db.select().from(users).where(eq(users.tenantId, tenantId)).orderBy(users.createdAt);
  return rows.map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() }));
}

export type InvitationView = {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
};

function invitationView(row: typeof staffLinks.$inferSelect, at = now()): InvitationView {
  const status = row.revokedAt ? 'revoked' : row.usedAt ? 'accepted' : row.expiresAt <= at ? 'expired' : 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role ?? 'member',
    status,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    usedAt: row.usedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

const emailTaken = (email: string) => new AppError('conflict', `email: ${email} already has a Motors CRM account`, { fields: [{ field: 'email', message: 'already has a Motors CRM account' }] });

async function userByEmail(db: Queryable, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

/** An invitation link's token (shown once) and the invitation. */
export async function createInvitation(
  db: Queryable,
  input: { tenantId: string; email: string; role: Role; invitedBy: string | null; hours?: number },
): Promise<{ token: string; invitation: InvitationView }> {
  const email = input.email.trim().toLowerCase();
  if (await userByEmail(db, email)) throw emailTaken(email);
  const token = newToken();
  const createdAt = now();
  const [row] = await db
    .insert(staffLinks)
    .values({
      tenantId: input.tenantId,
      id: newId(),
      kind: 'invite',
      tokenHash: hash(token),
      email,
      role: input.role,
      userId: input.invitedBy,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + (input.hours ?? INVITE_HOURS) * 3600_000),
    })
    .returning();
  return { token, invitation: invitationView(row) };
}

export async function listInvitations(db: Queryable, tenantId: string): Promise<InvitationView[]> {
  const rows = await db
    .select()
    .from(staffLinks)
    .where(and(eq(staffLinks.tenantId, tenantId), eq(staffLinks.kind, 'invite')))
    .orderBy(desc(staffLinks.createdAt))
    .limit(200);
  const at = now();
  return rows.map((r) => invitationView(r, at));
}

export async function revokeInvitation(db: Queryable, tenantId: string, id: string): Promise<InvitationView> {
  const mine = and(eq(staffLinks.tenantId, tenantId), eq(staffLinks.id, id), eq(staffLinks.kind, 'invite'));
  // Conditional on not accepted: an accepted invitation stays what it was (the account exists).
  const [row] = await db
    .update(staffLinks)
    .set({ revokedAt: sql`coalesce(${staffLinks.revokedAt}, now())` })
    .where(and(mine, isNull(staffLinks.usedAt)))
    .returning();
  if (row) return invitationView(row);
  const [existing] = await db.select({ id: staffLinks.id }).from(staffLinks).where(mine).limit(1);
  if (!existing) throw new AppError('not_found', `Invitation ${id} was not found`);
  throw new AppError('conflict', `Invitation ${id} was accepted already; the account it made is on the Team page`);
}

const linkIsOpen = (kind: 'invite' | 'reset', token: string) =>
  and(eq(staffLinks.tokenHash, hash(token)), eq(staffLinks.kind, kind), isNull(staffLinks.usedAt), isNull(staffLinks.revokedAt), gt(staffLinks.expiresAt, sql`now()`));

const linkGone = (kind: 'invite' | 'reset') =>
  new AppError(
    'not_found',
    kind === 'invite'
      ? 'This invitation link has been used, has expired or was withdrawn. Ask whoever invited you for a new one.'
      : 'This password reset link has been used or has expired. Ask for a new one from the sign-in page.',
  );

/** What a still-open link is for, to show before it is used; null when it is spent, expired or unknown. */
export async function peekLink(db: Queryable, kind: 'invite' | 'reset', token: string): Promise<{ email: string; role: Role | null; tenantName: string; expiresAt: string } | null> {
  const [row] = await db
    .select({ email: staffLinks.email, role: staffLinks.role, tenantName: tenants.name, expiresAt: staffLinks.expiresAt })
    .from(staffLinks)
    .innerJoin(tenants, eq(tenants.id, staffLinks.tenantId))
    .where(linkIsOpen(kind, token))
    .limit(1);
  return row ? { ...row, expiresAt: row.expiresAt.toISOString() } : null;
}

// Spends a link: the one statement that decides (open, unused) and writes (used_at) at once.
async function spendLink(db: Queryable, kind: 'invite' | 'reset', token: string) {
  const [row] = await db.update(staffLinks).set({ usedAt: now() }).where(linkIsOpen(kind, token)).returning();
  if (!row) throw linkGone(kind);
  return row;
}

/** Accepts an invitation: the account is created with the invitation's email and role. Call in a transaction. */
export async function acceptInvitation(db: Queryable, token: string, input: { name: string; password: string }) {
  const link = await spendLink(db, 'invite', token);
  // createUser refuses an email that has an account (409), and its unique index holds under races.
  const user = await createUser(db, { tenantId: link.tenantId, email: link.email, name: input.name, role: link.role ?? 'member', password: input.password });
  return { ...user, tenantId: link.tenantId };
}

/**
 * A reset link's token for the user with this email, or null when there is none (the caller
 * answers the same either way, so the form does not tell which emails have accounts).
 */
export async function createPasswordReset(db: Queryable, emailInput: string, minutes = RESET_MINUTES): Promise<{ token: string; email: string; tenantId: string; expiresAt: Date } | null> {
  const user = await userByEmail(db, emailInput.trim().toLowerCase());
  if (!user) return null;
  const token = newToken();
  const createdAt = now();
  const expiresAt = new Date(createdAt.getTime() + minutes * 60_000);
  await db.insert(staffLinks).values({ tenantId: user.tenantId, id: newId(), kind: 'reset', tokenHash: hash(token), email: user.email, userId: user.id, createdAt, expiresAt });
  return { token, email: user.email, tenantId: user.tenantId, expiresAt };
}

/** Sets a new password from a reset link and ends every session of that user. Call in a transaction. */
export async function resetPassword(db: Queryable, token: string, password: string): Promise<{ email: string }> {
  if (password.length < 8) {
    throw new AppError('validation_failed', 'password: must be at least 8 characters', { fields: [{ field: 'password', message: 'must be at least 8 characters' }] });
  }
  const link = await spendLink(db, 'reset', token);
  const at = now();
  const [user] = await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), updatedAt: at })
    .where(and(eq(users.tenantId, link.tenantId), eq(users.id, link.userId ?? ''), eq(users.email, link.email)))
    .returning({ id: users.id, email: users.email });
  if (!user) throw linkGone('reset');
  await db
    .update(staffSessions)
    .set({ revokedAt: at })
    .where(and(eq(staffSessions.tenantId, link.tenantId), eq(staffSessions.userId, user.id), isNull(staffSessions.revokedAt)));
  // Every other reset link of this user ends too: an older mail is no way back in.
  await db
    .update(staffLinks)
    .set({ usedAt: at })
    .where(and(eq(staffLinks.tenantId, link.tenantId), eq(staffLinks.kind, 'reset'), eq(staffLinks.userId, user.id), isNull(staffLinks.usedAt)));
  return { email: user.email };
}

/** A password the CLI prints once when it cannot prompt: 20 characters of base64url (120 bits). */
export const generatePassword = () => crypto.randomBytes(15).toString('base64url');
