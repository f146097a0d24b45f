import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { listEventLog } from '../../core/event-log.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { pageExample, pageQuery, pagination } from './common.ts';
import { eventLogDescription, eventLogItem, eventTimeRange, eventTypeParam } from '../platform/event-log.ts';

// GET /crm-api/v1/events: the event log in the CRM API's style (page/limit, snake_case envelope).

export function registerEvents(app: FastifyInstance, deps: Deps) {
  const item = eventLogItem('created_at').meta({
    example: {
      id: '0193a5b2-7f00-7a3d-9f10-4b2c8d9e0a13',
      event: 'crm.invoices.status_changed',
      created_at: '2026-01-01T00:00:00.000Z',
      environment: 'live',
      data: { id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11', status: 'paid' },
    },
  });
  defineRoute(app, deps, 'crm', {
    method: 'GET',
    path: '/events',
    scope: 'events:read',
    summary: 'List events (the event log)',
    description: `${eventLogDescription} Pages count from the newest event, so new events move older ones to later pages: pin \`until\` to the time of your first call while you page through.`,
    tags: ['CRM API'],
    querystring: z.strictObject({
      ...pageQuery,
      type: eventTypeParam,
      ...eventTimeRange,
    }),
    responses: {
      200: pageExample(item),
    },
    handler: async (ctx, { query }) => {
      const page = await listEventLog(ctx, {
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
        types: query.type,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        withTotal: true,
      });
      const data = page.items.map((e) => ({ id: e.id, event: e.event, created_at: e.createdAt, environment: e.environment, data: e.data }));
      return { body: { data, pagination: pagination(query.page, query.limit, page.total ?? 0) } };
    },
  });
}
