import type { FastifyInstance } from 'fastify';
import type { Deps } from '../platform/route.ts';
import { recordCollections } from '../platform/record-registry.ts';
import { registerCollectionRoutes } from './collection-routes.ts';
import { registerLeadsAdf } from './leads-adf.ts';
import { registerEventLog } from './events.ts';
import { registerVinDecoding } from './vin.ts';
import { registerFeedsReport } from '../platform/feeds-report.ts';
import { registerDocumentPdfs } from '../platform/document-pdf.ts';

// Routes that belong beside a collection's own (and come right after them in /openapi.json).
const besides: Record<string, (app: FastifyInstance, deps: Deps) => void> = {
  motors: registerVinDecoding,
  leads: registerLeadsAdf,
};

// /api/public/v1: the Records API (specs/records-api--motors-crm-public-api.txt).
export function registerRecordsApi(app: FastifyInstance, deps: Deps) {
  for (const collection of recordCollections) {
    registerCollectionRoutes(app, deps, collection);
    besides[collection.name]?.(app, deps);
  }
  registerEventLog(app, deps);
  registerFeedsReport(app, deps, 'records');
  registerDocumentPdfs(app, deps, 'records');
}
