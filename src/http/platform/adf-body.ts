import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { IntakeResult } from '../../core/lead-intake.ts';

// ADF/XML bodies, shared by POST /api/public/v1/leads/adf and the keyless /intake/adf/<token>.
// The server as a whole takes JSON only; inside the plugin that holds these routes, XML and plain
// text are read as raw bytes (within the server's body limit, 1 MiB), so the document is decoded by its own XML declaration (Latin-1
// feeds) and kept exactly as sent.
export const adfContentTypes = ['application/xml', 'text/xml', 'text/plain', 'application/adf+xml'];

export function acceptAdfBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser(adfContentTypes, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

export function adfBody(req: FastifyRequest): { document: Buffer; charset?: string } {
  if (!Buffer.isBuffer(req.body) || !req.body.length) {
    throw new AppError('unsupported_media_type', `Send the ADF/XML document as the body, with Content-Type ${adfContentTypes.slice(0, 3).join(', ')}`);
  }
  const charset = /charset\s*=\s*"?([A-Za-z0-9._-]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1];
  return { document: req.body, charset };
}

/** 201 when the document made at least one new lead; 200 when every lead already existed (a retry). */
export const intakeStatus = (result: IntakeResult) => (result.leads.some((l) => l.created) ? 201 : 200);

export const intakeBody = (result: IntakeResult) => ({
  data: result.leads.map((l) => l.lead),
  created: result.leads.filter((l) => l.created).length,
  warnings: result.warnings,
});

export const intakeResponse = (lead: z.ZodType) =>
  z
    .object({
      data: z.array(lead).meta({ description: 'One lead per ADF <prospect> (a message that is not ADF still makes one, with its raw text).' }),
      created: z.number().int().meta({ description: 'How many of them this request created; 0 for a retry.', example: 1 }),
      warnings: z.array(z.string()).meta({ description: 'What the lenient parser forgave.', example: [] }),
    })
    .meta({ id: 'AdfIntakeResult' });
