import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as newsletter from '../../core/newsletter.ts';
import { defineRoute, type Deps } from '../platform/route.ts';

// marketing:write, the CRM document's "marketing operations": the dealership's newsletter
// subscribers (the same list the Storefront API's newsletter form feeds).

const subscription = z.object({ email: z.string(), subscribed: z.boolean() }).meta({ example: { email: 'amelia.hart@example.com', subscribed: true } });

export function registerMarketing(app: FastifyInstance, deps: Deps) {
  const tags = ['CRM API'];
  defineRoute(app, deps, 'crm', {
    method: 'POST',
    path: '/marketing/subscribers',
    scope: 'marketing:write',
    summary: 'Subscribe an email to the newsletter',
    description: 'Idempotent per email: subscribing twice keeps one subscription (and re-subscribes an unsubscribed address).',
    tags,
    body: z.strictObject({ email: z.email().max(254).meta({ example: 'amelia.hart@example.com' }) }).meta({ example: { email: 'amelia.hart@example.com' } }),
    responses: { 201: z.object({ data: subscription }).meta({ example: { data: { email: 'amelia.hart@example.com', subscribed: true } } }) },
    handler: async (ctx, { body }) => ({ status: 201, body: { data: await newsletter.subscribe(ctx, body.email, 'crm-api') } }),
  });
  defineRoute(app, deps, 'crm', {
    method: 'DELETE',
    path: '/marketing/subscribers/:email',
    scope: 'marketing:write',
    summary: 'Unsubscribe an email from the newsletter',
    description: 'Idempotent: unsubscribing an address that is not subscribed succeeds too.',
    tags,
    params: z.object({ email: z.string().min(3).max(254).meta({ description: 'The email address (URL-encoded).', example: 'amelia.hart@example.com' }) }),
    responses: { 200: z.object({ data: subscription }).meta({ example: { data: { email: 'amelia.hart@example.com', subscribed: false } } }) },
    handler: async (ctx, { params }) => ({ body: { data: await newsletter.unsubscribe(ctx, params.email) } }),
  });
}
