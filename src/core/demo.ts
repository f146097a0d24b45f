import type { Ctx, Environment } from './context.ts';
import type { Queryable } from '../storage/db.ts';
import { createCustomer } from './customers.ts';
import { subscribe } from './newsletter.ts';
import { blogPostCollection, postSlug } from './blog-posts.ts';
import { eq } from 'drizzle-orm';
import { blogPosts } from '../storage/schema/index.ts';
import { scoped } from '../storage/tenant-scope.ts';
import { createApiKey } from './api-keys.ts';
import { createTenant, createUser } from './tenants.ts';
import { seedDocumentsDemo } from './documents-demo.ts';
import { seedRecordsDemo } from './demo-records.ts';
import { seedPaymentsDemo } from './payments-demo.ts';
import { seedStorefrontDemo } from './storefront-demo.ts';
import { ensureDemoDealership } from './dealership.ts';
import { writeEvents, type PendingEvent } from './events.ts';

// Realistic demo data for a dealership. Deterministic names, so screenshots and docs match.
const people = [
  ['Amelia', 'Hart', 'Leeds', 'GB'],
  ['Jonas', 'Weber', 'Stuttgart', 'DE'],
  ['Grace', 'Otieno', 'Nairobi', 'KE'],
  ['Mateo', 'García', 'Valencia', 'ES'],
  ['Priya', 'Nair', 'Pune', 'IN'],
  ['Liam', "O'Connor", 'Cork', 'IE'],
  ['Sofia', 'Rossi', 'Turin', 'IT'],
  ['Noah', 'Johnson', 'Austin', 'US'],
  ['Yuki', 'Tanaka', 'Nagoya', 'JP'],
  ['Chloé', 'Martin', 'Lyon', 'FR'],
  ['Ethan', 'Brown', 'Denver', 'US'],
  ['Zanele', 'Dlamini', 'Durban', 'ZA'],
] as const;
const companies = [
  ['Northern Fleet Services Ltd', 'fleet@northernfleet.example', 'Manchester', 'GB'],
  ['Rapid Couriers GmbH', 'ops@rapidcouriers.example', 'Berlin', 'DE'],
  ['Savanna Safaris', 'bookings@savannasafaris.example', 'Arusha', 'TZ'],
] as const;
const tagPool = ['repeat-buyer', 'financing-interest', 'service-plan', 'trade-in', 'fleet', 'newsletter'];

/** `publicUrl`: the server's public address, where the demo's photos are (see demo-records.ts). */
export type DemoOptions = { publicUrl?: string };

export async function seedDemo(ctx: Ctx, opts: DemoOptions = {}): Promise<Record<string, number>> {
  // The showroom's address and web pages, which the inventory feeds need beside the vehicles.
  await ensureDemoDealership(ctx.db, ctx.tenantId);
  let count = 0;
  for (const [i, [first, last, city, country]] of people.entries()) {
    await createCustomer(ctx, {
      type: 'person',
      firstName: first,
      lastName: last,
      email:
        `${first}.${last}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z.]/g, '') + '@example.com',
      mobile: `+1 555 01${String(i).padStart(2, '0')}`,
      address: { line1: `${10 + i} Station Road`, city, country },
      tags: [tagPool[i % tagPool.length], ...(i % 3 === 0 ? [tagPool[(i + 2) % tagPool.length]] : [])],
      marketingConsent: i % 2 === 0,
      isVip: i % 5 === 0,
      leadScore: (i * 37) % 100,
      lifecycleStage: i % 4 === 0 ? 'CUSTOMER' : 'PROSPECT',
      source: ['website', 'walk-in', 'referral', 'import'][i % 4],
    });
    count++;
  }
  for (const [name, email, city, country] of companies) {
    await createCustomer(ctx, { type: 'company', companyName: name, email, address: { city, country }, tags: ['fleet'], source: 'referral', lifecycleStage: 'CUSTOMER' });
    count++;
  }
  let subscribers = 0;
  for (const [first, last] of people.slice(0, 5)) {
    await subscribe(
      ctx,
      `${first}.${last}@example.com`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z.@]/g, ''),
      'demo',
    );
    subscribers++;
  }
  const records = await seedRecordsDemo(ctx, opts.publicUrl);
  await seedDocumentsDemo(ctx);
  await seedPaymentsDemo(ctx);
  Object.assign(records, await seedStorefrontDemo(ctx));
  const posts = await seedBlogPosts(ctx);
  return { customers: count, subscribers, blogPosts: posts, ...records };
}

async function seedBlogPosts(ctx: Ctx): Promise<number> {
  const posts = [
    ['Winter tyres: when to change and why', 'Below about 7 °C summer compounds harden and lose grip. We fit winter tyres from October and store your summer set until spring.'],
    ['What a full service history is worth at trade-in', 'A stamped book and invoices add real value: buyers pay more for a car whose oil changes and cambelt are documented.'],
    ['Hybrid, plug-in or electric? A quick guide', 'Full hybrids charge themselves, plug-ins give 40–80 km of electric driving, and EVs suit drivers who can charge at home.'],
  ];
  let created = 0;
  for (const [title, body] of posts) {
    // Seeding twice must not fail: a post whose slug exists is left as it is.
    const [existing] = await ctx.db
      .select({ id: blogPosts.id })
      .from(blogPosts)
      .where(scoped(ctx, blogPosts, eq(blogPosts.slug, postSlug(title))))
      .limit(1);
    if (existing) continue;
    await blogPostCollection.create(ctx, { title, body, excerpt: body.slice(0, 120), author: 'Service team', status: 'published', tags: ['advice'] });
    created++;
  }
  return created;
}

export const DEMO_EMAIL = 'owner@demo.motors.local';
export const DEMO_PASSWORD = 'motors-demo-2026';

/** First start on an empty database: a demo dealership, its owner, a test key and demo data. */
export async function createDemoTenant(db: Queryable, opts: DemoOptions = {}): Promise<{ tenantId: string; key: string }> {
  return db.transaction(async (tx) => {
    const tenant = await createTenant(tx, { name: 'Demo Motors' });
    await createUser(tx, { tenantId: tenant.id, email: DEMO_EMAIL, name: 'Demo Owner', role: 'owner', password: DEMO_PASSWORD });
    const key = await createApiKey(tx, { tenantId: tenant.id, environment: 'test', name: 'Demo test key', scopes: ['*'] });
    // Its events are collected and written in one statement per environment, as a request's are
    // (a first start wrote ~250 outbox statements of its ~1,270, one per record).
    for (const environment of ['test', 'live'] as Environment[]) {
      const pendingEvents: PendingEvent[] = [];
      await seedDemo({ tenantId: tenant.id, environment, scopes: ['*'], actor: { type: 'system', id: 'demo' }, requestId: 'demo', db: tx, pendingEvents }, opts);
      await writeEvents(tx, pendingEvents);
    }
    return { tenantId: tenant.id, key: key.key };
  });
}
