import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { getInboxLead, leadOrigins, listInbox } from '../../core/lead-inbox.ts';
import { leadStatuses } from '../../storage/schema/index.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { collectionNamed } from '../platform/record-registry.ts';

// /manage/v1/lead-inbox: the dashboard's Leads inbox. The lead itself is the Records API's (read
// from the collection registry, as /manage/v1/records does); the inbox adds what a list of leads
// needs beside it: the title, origin, customer and assignee names, and the count per status.
// Changes (status, assignee) go through PUT /manage/v1/records/leads/:id like any record.
export function inboxLeadSchema() {
  const lead = collectionNamed('leads').record as z.ZodObject;
  return lead.extend({
    title: z.string().meta({ description: "The customer's name when the lead is linked to one, else the contact's name, email or phone." }),
    origin: z
      .enum(leadOrigins)
      .meta({ description: '`adf`: ADF posted over HTTP; `email`: mailed to an intake address; `form`: a Storefront contact or test-drive form; `api`: written through an API or the dashboard.' }),
    customerName: z.string().nullable(),
    replyEmail: z.string().nullable().meta({ description: "Where a reply goes: the lead's contact email, else its customer's." }),
    assigneeName: z.string().nullable(),
  });
}

export function registerLeadInbox(app: FastifyInstance, deps: Deps) {
  const tags = ['Management API'];
  const inboxLead = inboxLeadSchema();
  const counts = z.object({ all: z.number().int() }).catchall(z.number().int()).meta({ description: 'Leads per status under the other filters (origin, assignee).' });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/lead-inbox',
    scope: 'records:manage',
    summary: 'The Leads inbox: newest received first',
    description:
      'Filters: `status`, `origin` (adf, email, form, api) and `assignee` (an employee id, or `none` for unassigned). `counts` gives the leads of each status under the origin and assignee filters, for the status tabs.',
    tags,
    querystring: z.strictObject({
      status: z.enum(leadStatuses).optional(),
      origin: z.enum(leadOrigins).optional(),
      assignee: z.string().min(1).max(100).optional(),
      page: z.coerce.number().int().min(1).default(1),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
    responses: { 200: z.object({ data: z.array(inboxLead), total: z.number().int(), counts, page: z.number().int(), limit: z.number().int() }) },
    handler: async (ctx, { query }) => {
      const { rows, total, counts } = await listInbox(ctx, query);
      return { body: { data: rows, total, counts, page: query.page, limit: query.limit } };
    },
  });

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/lead-inbox/:id',
    scope: 'records:manage',
    summary: 'One lead of the inbox, with its raw document and parse warnings',
    tags,
    params: z.object({ id: z.string().min(1).max(100) }),
    responses: { 200: z.object({ data: inboxLead }) },
    handler: async (ctx, { params }) => ({ body: { data: await getInboxLead(ctx, params.id) } }),
  });
}
