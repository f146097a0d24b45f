import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { documentPdf, type PdfDocumentKind } from '../../core/document-pdf.ts';
import { defineRoute, type Deps } from './route.ts';

// GET /invoices/:id.pdf and /quotes/:id.pdf, on the Records API (for accounting systems and a
// dealer's website) and the management API (the dashboard's download and print buttons).
const pdfFile = z.string().meta({ format: 'binary', description: 'The document as a PDF file (Content-Disposition names it by its number).' });
const params = z.object({ id: z.string().min(1).max(100) });

export function registerDocumentPdfs(app: FastifyInstance, deps: Deps, surface: 'records' | 'manage') {
  for (const kind of ['invoice', 'quote'] as const satisfies readonly PdfDocumentKind[]) {
    const plural = `${kind}s`;
    defineRoute(app, deps, surface, {
      method: 'GET',
      path: `/${plural}/:id.pdf`,
      operationId: `${surface}Get${kind === 'invoice' ? 'Invoice' : 'Quote'}Pdf`,
      scope: surface === 'records' ? `${plural}:read` : 'records:manage',
      summary: `The ${kind} as a PDF`,
      description: `The ${kind} as a printable document: the dealership's name, address, phone and tax id (from the dealership profile), the customer, number and dates, each line with its tax, the totals${kind === 'invoice' ? ', the amount paid and the balance due, and the payment terms' : ' and the validity'}. Letter size for dealerships in the US and Canada, A4 elsewhere.`,
      tags: [surface === 'records' ? 'Records API' : 'Management API'],
      params,
      produces: 'application/pdf',
      responses: { 200: pdfFile },
      handler: async (ctx, { params: p }) => {
        const { pdf, filename } = await documentPdf(ctx, kind, p.id);
        return { body: pdf, headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${filename.replace(/[^\w.-]/g, '_')}"`, 'cache-control': 'private, no-cache' } };
      },
    });
  }
}
