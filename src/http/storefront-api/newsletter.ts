import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import * as newsletter from '../../core/newsletter.ts';
import { subscribeFromStorefront } from '../../core/engagement.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope } from './common.ts';

const body = z.strictObject({ email: z.email().max(254).meta({ description: 'Subscriber email (required)', example: 'user@example.com' }) });

export function registerNewsletter(app: FastifyInstance, deps: Deps) {
  const tags = ['Storefront API'];
  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/newsletter/subscribe',
    inputFromQuery: true,
    scope: 'newsletter:write',
    summary: 'Subscribe an email to the newsletter',
    description: 'Idempotent per email: subscribing again keeps one subscription. Fires `crm.newsletter.subscribed`.',
    tags,
    body,
    responses: { 200: dataEnvelope(z.object({ email: z.string(), subscribed: z.boolean() })) },
    handler: async (ctx, { body }) => ({ body: { statusCode: 200, data: await subscribeFromStorefront(ctx, body.email) } }),
  });
  defineRoute(app, deps, 'storefront', {
    method: 'POST',
    path: '/newsletter/unsubscribe',
    inputFromQuery: true,
    scope: 'newsletter:write',
    summary: 'Unsubscribe an email from the newsletter',
    tags,
    body,
    responses: { 200: z.object({ statusCode: z.number().int(), message: z.string() }) },
    handler: async (ctx, { body }) => {
      await newsletter.unsubscribe(ctx, body.email);
      return { body: { statusCode: 200, message: 'Successfully unsubscribed' } };
    },
  });
}
