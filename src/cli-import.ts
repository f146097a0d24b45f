import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import type { Database } from './storage/db.ts';
import { AppError } from './core/errors.ts';
import type { Environment } from './core/context.ts';
import { csvHeaders, importCollections, importCsv, rejectedReport, suggestMapping, type ImportCollection } from './core/csv-import.ts';
import { importSchemas } from './http/platform/import-schemas.ts';

/** The exit code of an import that wrote (or, dry, would write) the valid rows but rejected some. */
export const SOME_ROWS_REJECTED = 3;

export const isImportCollection = (name: string): name is ImportCollection => (importCollections as readonly string[]).includes(name);

/** `--map "E-mail=email"` options → a mapping over the suggested one (`Header=` ignores a column). */
export function mappingOptions(maps: string[]): Record<string, string | null> {
  return Object.fromEntries(
    maps.map((m) => {
      const at = m.lastIndexOf('=');
      if (at < 1) throw new AppError('validation_failed', `--map ${m}: expected "Header=field"`);
      return [m.slice(0, at), m.slice(at + 1).trim() || null];
    }),
  );
}

// Lines in the file, for the progress bar's total (a cell with a line break makes it an estimate).
async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of fs.createReadStream(file)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

/**
 * `motors import <collection> <file.csv>`: validates every row, writes the valid ones (unless
 * dry), shows a progress bar on stderr, writes the rejected rows' report beside the file (or to
 * `report`). Answers the process's exit code.
 */
export async function importFile(
  database: Database,
  opts: { tenantId: string; environment: Environment; collection: ImportCollection; file: string; maps: string[]; dryRun: boolean; report?: string; json?: boolean },
): Promise<number> {
  const schema = importSchemas[opts.collection];
  let mapping: Record<string, string | null> | undefined;
  const source = () => fs.createReadStream(opts.file);
  const ctx = { tenantId: opts.tenantId, environment: opts.environment, scopes: ['*'], actor: { type: 'system' as const, id: 'cli' }, requestId: `cli-import-${crypto.randomUUID()}`, db: database.db };
  if (opts.maps.length) {
    // The suggested mapping, with the options over it.
    mapping = { ...suggestMapping(await csvHeaders(source), schema.fields), ...mappingOptions(opts.maps) };
  }
  const estimate = Math.max(1, (await countLines(opts.file)) - 1);
  const bar = new SingleBar({ format: '{phase} |{bar}| {value}/{total} rows', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(estimate, 0, { phase: 'Validating' });
  let phase = 'validating';
  const result = await importCsv(ctx, opts.collection, schema, {
    source,
    mapping,
    commit: !opts.dryRun,
    sampleSize: 0,
    onProgress: (p) => {
      if (p.phase !== phase) {
        phase = p.phase;
        bar.setTotal(p.total ?? estimate);
      }
      bar.update(p.done, { phase: p.phase === 'writing' ? 'Writing   ' : 'Validating' });
    },
  }).finally(() => bar.stop());

  let reportPath: string | null = null;
  if (result.rejected.length) {
    const parsed = path.parse(opts.file);
    reportPath = opts.report ?? path.join(parsed.dir, `${parsed.name}.rejected.csv`);
    fs.writeFileSync(reportPath, rejectedReport(result.headers, result.rejected));
  }
  const summary = {
    total: result.total,
    valid: result.valid,
    rejected: result.rejected.length,
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    dryRun: opts.dryRun,
    report: reportPath,
  };
  const ignored = Object.entries(result.mapping)
    .filter(([, f]) => !f)
    .map(([h]) => h);
  const text = [
    opts.dryRun
      ? `Dry run: ${result.valid} of ${result.total} rows valid, nothing written.`
      : `Imported ${opts.collection}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged.`,
    `${result.rejected.length} rejected${reportPath ? ` (report: ${reportPath})` : ''}.`,
    ...result.rejected.slice(0, 10).flatMap((r) => r.errors.map((e) => `  row ${r.row}: ${e.label}: ${e.message}`)),
    ignored.length ? `Columns ignored: ${ignored.join(', ')} (map one with --map "Header=field").` : '',
  ].filter(Boolean);
  console.log(opts.json ? JSON.stringify(summary) : text.join('\n'));
  return result.rejected.length ? SOME_ROWS_REJECTED : 0;
}
