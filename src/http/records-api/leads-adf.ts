import type { FastifyInstance } from 'fastify';
import { importAdf } from '../../core/lead-intake.ts';
import { writeAdf, type AdfLeadOut } from '../../core/adf.ts';
import { acceptAdfBodies, adfBody, intakeBody, intakeResponse, intakeStatus } from '../platform/adf-body.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { leadRecord } from './leads.ts';

// POST /api/public/v1/leads/adf: an ADF/XML 1.0 document in, one lead per <prospect> out.
const LEAD_ROUTE = '/api/public/v1/leads/:id';

export function registerLeadsAdf(app: FastifyInstance, deps: Deps) {
  // ADF out: GET /leads/:id with Accept: application/xml (or text/xml) answers the lead as an ADF
  // 1.0 document instead of JSON. The JSON route does the authentication, scope and lookup; only
  // its successful answer is rewritten, so errors keep the surface's JSON shape.
  // Every response passes this hook, so the test that lets the others through comes first and is
  // cheap: the matched route's pattern, not a regular expression over the URL, and no promise.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.routeOptions.url !== LEAD_ROUTE || req.method !== 'GET' || reply.statusCode !== 200 || typeof payload !== 'string') return done(null, payload);
    const accept = String(req.headers.accept ?? '');
    if (!/\b(application|text)\/xml\b/i.test(accept) || /application\/json/i.test(accept)) return done(null, payload);
    const lead = (JSON.parse(payload) as { data: AdfLeadOut }).data;
    reply.header('content-type', 'application/xml; charset=utf-8');
    done(null, writeAdf(lead, 'Motors CRM'));
  });
  // A plugin of its own, so only this route reads XML and text bodies.
  app.register(async (scope) => {
    acceptAdfBodies(scope);
    defineRoute(scope, deps, 'records', {
      method: 'POST',
      path: '/leads/adf',
      operationId: 'recordsCreateLeadFromAdf',
      scope: 'leads:write',
      summary: 'Import an ADF/XML lead',
      description: [
        "The body is an ADF/XML 1.0 document (`Content-Type: application/xml`, `text/xml` or `text/plain`, at most 1 MiB), read leniently: what the parser had to forgive is in `warnings` and in each lead's `parseWarnings`, and a body that is not ADF at all still becomes a lead with its raw text. Each `<prospect>` becomes a lead, matched to a customer by email or phone (E.164) or creating one, and linked to a motor by VIN or stock number.",
        'Idempotent on the document\'s `<id source="…">` (or, without one, its content): a re-send answers **200** with the lead made the first time instead of **201**. Fires `crm.leads.created` for each new lead.',
      ].join('\n\n'),
      tags: ['Records API'],
      responses: { 200: intakeResponse(leadRecord), 201: intakeResponse(leadRecord) },
      handler: async (ctx, { req }) => {
        const result = await importAdf(ctx, { ...adfBody(req), channel: 'http' });
        return { status: intakeStatus(result), body: intakeBody(result) };
      },
    });
  });
}
