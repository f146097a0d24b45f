import { eq } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { newsletterSubscribers } from '../storage/schema/index.ts';
import { owner, scoped } from '../storage/tenant-scope.ts';
import { newId, now } from './ids.ts';

// Idempotent per email and dealer: subscribing twice keeps one subscription.
export async function subscribe(ctx: Ctx, email: string, source: string) {
  const t = now();
  const normalised = email.trim().toLowerCase();
  await ctx.db
    .insert(newsletterSubscribers)
    .values({ ...owner(ctx), email: normalised, id: newId(), subscribedAt: t, unsubscribedAt: null, source, createdAt: t, updatedAt: t })
    .onConflictDoUpdate({
      target: [newsletterSubscribers.tenantId, newsletterSubscribers.environment, newsletterSubscribers.email],
      set: { subscribedAt: t, unsubscribedAt: null, updatedAt: t },
    });
  return { email: normalised, subscribed: true };
}

export async function unsubscribe(ctx: Ctx, email: string) {
  const t = now();
  const normalised = email.trim().toLowerCase();
  await ctx.db
    .update(newsletterSubscribers)
    .set({ unsubscribedAt: t, updatedAt: t })
    .where(scoped(ctx, newsletterSubscribers as never, eq(newsletterSubscribers.email, normalised)));
  return { email: normalised, subscribed: false };
}
