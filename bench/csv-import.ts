// CSV import of customers: a file of N rows (a header, then name, email, phone, lead score)
// through the import's core (what `motors import` and the dashboard's Import page run), on a
// fresh database: the first import (every row created), then the same file again (every row
// found by its email, nothing to write). Rows per second of each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDb } from '../src/storage/db.ts';
import { createTenant } from '../src/core/tenants.ts';
import { importCsv } from '../src/core/csv-import.ts';
import { importSchemas } from '../src/http/platform/import-schemas.ts';
import { createScratchDatabase } from './databases.ts';
import { seededCustomer } from './seed.ts';

export const CSV_IMPORT = 'CSV import 100k customers';

export type CsvImportResult = { rows: number; database: 'postgres' | 'pglite'; firstSeconds: number; firstRowsPerSecond: number; againSeconds: number; againRowsPerSecond: number };

function customersCsv(rows: number): string {
  const lines = ['First name,Last name,E-mail,Phone,Lead score'];
  for (let i = 0; i < rows; i++) {
    const c = seededCustomer(i);
    lines.push(`${c.firstName},${c.lastName},customer.${i}@bench.example,${c.phone},${i % 101}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function measureCsvImport(opts: { adminUrl: string; rows: number; pglite: boolean; log: (...m: unknown[]) => void }): Promise<CsvImportResult> {
  const scratch = opts.pglite ? undefined : await createScratchDatabase(opts.adminUrl, 'csvimport');
  const dir = opts.pglite ? fs.mkdtempSync(path.join(os.tmpdir(), 'motors-bench-import-')) : undefined;
  const database = await openDb(scratch ? { databaseUrl: scratch.url, dataDir: 'memory://', poolSize: 4 } : { dataDir: dir! });
  try {
    await migrate(database);
    const tenant = await createTenant(database.db, { name: 'Import Motors' });
    const ctx = { tenantId: tenant.id, environment: 'test' as const, scopes: ['*'], actor: { type: 'system' as const, id: 'bench' }, requestId: 'bench-import', db: database.db };
    const csv = customersCsv(opts.rows);
    const run = async () => {
      const t0 = performance.now();
      const r = await importCsv(ctx, 'customers', importSchemas.customers, { source: csv, commit: true, sampleSize: 0 });
      return { seconds: (performance.now() - t0) / 1000, r };
    };
    const first = await run();
    if (first.r.created !== opts.rows) throw new Error(`CSV import created ${first.r.created} of ${opts.rows} rows (${first.r.rejected.length} rejected)`);
    const again = await run();
    if (again.r.unchanged !== opts.rows) throw new Error(`CSV import again: ${again.r.created} created, ${again.r.updated} updated, ${again.r.unchanged} unchanged`);
    const result: CsvImportResult = {
      rows: opts.rows,
      database: opts.pglite ? 'pglite' : 'postgres',
      firstSeconds: Number(first.seconds.toFixed(2)),
      firstRowsPerSecond: Math.round(opts.rows / first.seconds),
      againSeconds: Number(again.seconds.toFixed(2)),
      againRowsPerSecond: Math.round(opts.rows / again.seconds),
    };
    opts.log(
      `${CSV_IMPORT} (${(csv.length / 1024 / 1024).toFixed(1)} MB, ${result.database}): first import ${result.firstSeconds} s (${result.firstRowsPerSecond.toLocaleString('en')} rows/s), again (all unchanged) ${result.againSeconds} s (${result.againRowsPerSecond.toLocaleString('en')} rows/s)`,
    );
    return result;
  } finally {
    await database.close();
    await scratch?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
