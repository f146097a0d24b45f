import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { importCollections, importCsv, naturalKeyField, rejectedReport, type ImportResult } from '../../core/csv-import.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { importSchemas } from '../platform/import-schemas.ts';

// The dashboard's CSV import: a preview (mapping suggested from the headers, every row validated,
// nothing written) and the import itself (every row validated again, then the valid ones written).

/** The largest CSV the dashboard sends: about 100,000 customer rows. */
const MAX_CSV = 20 * 1024 * 1024;
/** Rejected rows listed in the answer; the report holds them all. */
const LISTED = 1000;

const params = z.strictObject({
  collection: z.enum(importCollections).meta({ description: 'What the rows are: customers, motors (vehicles) or inventoryItems.', example: 'customers' }),
});

const body = z.strictObject({
  csv: z
    .string()
    .min(1)
    .max(MAX_CSV)
    .meta({ description: 'The CSV file as text (UTF-8, comma-separated, the first row naming the columns).', example: 'First name,Last name,E-mail\nAmelia,Hart,amelia.hart@example.com\n' }),
  mapping: z
    .record(z.string().max(200), z.string().max(100).nullable())
    .optional()
    .meta({
      description: 'Column header → field name (null: the column is ignored). Omitted: the suggested mapping.',
      example: { 'First name': 'firstName', 'Last name': 'lastName', 'E-mail': 'email' },
    }),
});

const result = z
  .object({
    data: z.object({
      collection: z.enum(importCollections),
      naturalKey: z.string().meta({ description: 'The field an existing record is found by (email, vin, sku): a row with it updates that record.', example: 'email' }),
      headers: z.array(z.string()),
      mapping: z.record(z.string(), z.string().nullable()).meta({ description: 'Column header → field, as used.' }),
      fields: z.array(z.object({ name: z.string(), label: z.string(), kind: z.enum(['string', 'number', 'boolean', 'list', 'json']) })).meta({ description: 'Every field a column can be mapped to.' }),
      sample: z.array(z.object({ row: z.number().int(), values: z.record(z.string(), z.string()) })).meta({ description: 'The first rows, by field.' }),
      total: z.number().int().meta({ description: 'Rows in the file (the header not counted).', example: 3 }),
      valid: z.number().int().meta({ example: 2 }),
      rejectedCount: z.number().int().meta({ example: 1 }),
      rejected: z
        .array(z.object({ row: z.number().int(), values: z.array(z.string()), errors: z.array(z.object({ field: z.string(), label: z.string(), message: z.string() })) }))
        .meta({ description: `The rejected rows (the first ${LISTED}): the row number (the header is row 1), the file's cells, and each field in words with what is wrong.` }),
      report: z.string().meta({ description: "The rejected rows as CSV: the file's columns and an `error` column." }),
      committed: z.boolean().meta({ description: 'Whether rows were written (false for a preview).' }),
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int().meta({ description: 'Rows whose record already held the same values: nothing written.' }),
    }),
  })
  .meta({ id: 'CsvImportResult' });

const answer = (collection: (typeof importCollections)[number], r: ImportResult) => ({
  body: {
    data: {
      collection,
      naturalKey: naturalKeyField(collection),
      headers: r.headers,
      mapping: r.mapping,
      fields: r.fields,
      sample: r.sample,
      total: r.total,
      valid: r.valid,
      rejectedCount: r.rejected.length,
      rejected: r.rejected.slice(0, LISTED).map((x) => ({ row: x.row, values: x.cells, errors: x.errors })),
      report: rejectedReport(r.headers, r.rejected),
      committed: r.committed,
      created: r.created,
      updated: r.updated,
      unchanged: r.unchanged,
    },
  },
});

export function registerManageImports(app: FastifyInstance, deps: Deps) {
  const routes = [
    {
      path: '/imports/:collection/preview',
      operationId: 'managePreviewCsvImport',
      summary: 'Preview a CSV import: the suggested mapping and every row validated, nothing written',
      description:
        "Reads the CSV, suggests a mapping from its headers (case- and space-insensitive, with common aliases such as `E-mail` or `Stock #`) unless `mapping` is sent, and validates every row with the collection's own rules (the Records API's create schema and the record's checks), against the existing record its natural key finds. Nothing is written.",
      commit: false,
    },
    {
      path: '/imports/:collection',
      operationId: 'manageImportCsv',
      summary: 'Import a CSV: every row validated, then the valid rows written',
      description:
        'Validates every row first (as the preview does), then writes the valid ones in batches: a row whose natural key (customers: email, case-insensitive; motors: VIN; inventory items: SKU) matches a record of this dealership and environment updates it, any other row creates one, so importing a file again creates no duplicates. Empty cells leave a field as it is. Every write fires `crm.<collection>.created` or `crm.<collection>.updated` as any write does. The rejected rows are answered with the report; a file with no valid row writes nothing. No `Idempotency-Key` is kept (the rows are written in batches of their own): a retry of the same file finds the records it wrote by their natural key and updates them, so nothing is duplicated.',
      commit: true,
    },
  ];
  for (const route of routes) {
    defineRoute(app, deps, 'manage', {
      method: 'POST',
      path: route.path,
      operationId: route.operationId,
      scope: 'records:manage',
      summary: route.summary,
      description: route.description,
      tags: ['Management API'],
      params,
      body,
      bodyLimit: MAX_CSV,
      responses: { 200: result },
      // Each batch of rows is its own transaction (core/csv-import.ts): a large file holds no lock for long.
      transaction: false,
      handler: async (ctx, { params: p, body: b }) =>
        answer(p.collection, await importCsv(ctx, p.collection, importSchemas[p.collection], { source: b.csv, mapping: b.mapping, commit: route.commit })),
    });
  }
}
