import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { freshDatabaseUrl } from './helpers.ts';
import { runCli } from './processes.ts';

describe('motors import (CLI)', () => {
  let env: Record<string, string | undefined>;
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    const fresh = await freshDatabaseUrl();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-cli-import-'));
    env = fresh ? { DATABASE_URL: fresh.url } : { DATA_DIR: path.join(dir, 'data') };
    cleanup = async () => {
      await fresh?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });
  after(async () => cleanup?.());

  it('validates every row, writes the valid ones, reports the rejected ones beside the file, and re-imports without duplicates', async () => {
    const t = JSON.parse((await runCli(['tenant', 'create', '--name', 'Import Motors', '--json'], env)).stdout);
    const file = path.join(dir, 'customers.csv');
    fs.writeFileSync(file, 'First name,Last name,E-mail,Notes\nAmelia,Hart,amelia@example.com,VIP\nJonas,Berg,jonas@example.com,\nRuth,Okafor,ruth(at)example.com,\n');

    const dry = await runCli(['import', 'customers', file, '--tenant', t.id, '--dry-run', '--json'], env);
    assert.equal(dry.code, 3, dry.stderr);
    assert.deepEqual({ ...JSON.parse(dry.stdout), report: null }, { total: 3, valid: 2, rejected: 1, created: 0, updated: 0, unchanged: 0, dryRun: true, report: null });

    const run = await runCli(['import', 'customers', file, '--tenant', t.id, '--map', 'Notes=', '--json'], env);
    assert.equal(run.code, 3, 'exit code 3: some rows were rejected');
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.created, 2);
    assert.equal(summary.report, path.join(dir, 'customers.rejected.csv'));
    const report = parse(fs.readFileSync(summary.report, 'utf8')) as string[][];
    assert.deepEqual(report, [
      ['First name', 'Last name', 'E-mail', 'Notes', 'error'],
      ['Ruth', 'Okafor', 'ruth(at)example.com', '', 'Row 4: Email: must be an email address'],
    ]);

    fs.writeFileSync(file, 'First name,E-mail\nAmelia,amelia@example.com\nJonas,jonas@example.com\n');
    const again = await runCli(['import', 'customers', file, '--tenant', t.id], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /0 created, 0 updated, 2 unchanged/);

    const wrong = await runCli(['import', 'invoices', file, '--tenant', t.id], env);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /customers, motors or inventoryItems/);
  });
});
