import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { listEventLog } from '../../core/event-log.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { eventLogDescription, eventLogItem, eventTimeRange, eventTypeParam } from '../platform/event-log.ts';

// GET /api/public/v1/events: the event log in the Records API's list style (camelCase, nextCursor).

export function registerEventLog(app: FastifyInstance, deps: Deps) {
  const item = eventLogItem('createdAt').meta({
    example: {
      id: '0193a5b2-7f00-7a3d-9f10-4b2c8d9e0a13',
      event: 'crm.customers.created',
      createdAt: '2026-01-01T00:00:00.000Z',
      environment: 'live',
      data: { id: '0193a5b2-7c1e-7a3d-9f10-4b2c8d9e0a11', firstName: 'Amelia' },
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: '/events',
    scope: 'events:read',
    summary: 'List events (the event log)',
    description: `${eventLogDescription} Follow \`nextCursor\` (as \`cursor\`) to older events until \`hasMore\` is false; to catch up later, pass the newest \`createdAt\` you have as \`since\` and skip ids you already have.`,
    tags: ['Records API'],
    querystring: z.strictObject({
      limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Page size, 1–200.', example: 50 }),
      cursor: z.string().max(200).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
      type: eventTypeParam,
      ...eventTimeRange,
      includeTotal: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => v === 'true')
        .meta({ description: 'Also count every matching event into `total` (costs time in proportion to the events matched).' }),
    }),
    responses: {
      200: z
        .object({
          data: z.array(item),
          total: z.number().int().nullable(),
          limit: z.number().int(),
          hasMore: z.boolean(),
          nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` to get the next (older) page; null on the last page.' }),
        })
        .meta({ example: { data: [item.meta()?.example], total: null, limit: 50, hasMore: false, nextCursor: null } }),
    },
    handler: async (ctx, { query }) => {
      const page = await listEventLog(ctx, {
        limit: query.limit,
        cursor: query.cursor,
        types: query.type,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        withTotal: query.includeTotal,
      });
      return { body: { data: page.items, total: page.total, limit: query.limit, hasMore: page.hasMore, nextCursor: page.nextCursor } };
    },
  });
}
