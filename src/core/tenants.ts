import { hash, verify } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { tenants, users } from '../storage/schema/index.ts';
import { AppError } from './errors.ts';
import { newId, now } from './ids.ts';

export type TenantView = { id: string; name: string; createdAt: string };

export async function createTenant(db: Queryable, input: { name: string }): Promise<TenantView> {
  const name = input.name.trim();
  if (!name) throw new AppError('validation_failed', 'name: must not be empty', { fields: [{ field: 'name', message: 'must not be empty' }] });
  const [row] = await db.insert(tenants).values({ id: newId(), name, createdAt: now() }).returning();
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}

export async function getTenant(db: Queryable, id: string): Promise<TenantView | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return row && { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}

export async function countTenants(db: Queryable): Promise<number> {
  const rows = await db.select({ id: tenants.id }).from(tenants).limit(1);
  return rows.length;
}

// argon2id with the library's defaults (m=19 MiB, t=2, p=1), OWASP's recommended minimum.
export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

export type Role = 'owner' | 'admin' | 'member';

export async function createUser(
  db: Queryable,
  input: { tenantId: string; email: string; name: string; role: Role; password: string },
): Promise<{ id: string; email: string; name: string; role: Role }> {
  if (input.password.length < 8) {
    throw new AppError('validation_failed', 'password: must be at least 8 characters', {
      fields: [{ field: 'password', message: 'must be at least 8 characters' }],
    });
  }
  const email = input.email.trim().toLowerCase();
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw new AppError('conflict', `email: a user with ${email} already exists`);
  const t = now();
  const [row] = await db
    .insert(users)
    .values({
      tenantId: input.tenantId,
      id: newId(),
      email,
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: t,
      updatedAt: t,
    })
    .returning();
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}
