// Runs the tests with node's own test runner (its summary is what CI reads), in three sets:
//   npm test                  the fast set: every test file that is neither slow nor a browser test
//   npm run test:slow         files that start processes, kill them, stop services or fuzz (`slow` below)
//   npm run test:e2e          browser tests (*.e2e.test.ts, chromium)
//   npm test -- test/x.test.ts   the files named, whichever set they are in
// Before any test, the embedded database's template and its tarball are made, once per run (not
// once per file, each in a process of its own): a test server then loads a copy instead of
// running PGlite's initdb.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const slow = new Set(['abuse', 'cli', 'crash', 'dependencies', 'fuzz', 'operations', 'processes', 'sdk', 'webhooks-workers']);

const args = process.argv.slice(2);
const set = args.includes('--slow') ? 'slow' : args.includes('--e2e') ? 'e2e' : 'fast';
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-') && a !== '--slow' && a !== '--e2e');
const setOf = (file) => (file.includes('.e2e.') ? 'e2e' : slow.has(file.replace(/\.test\.ts$/, '')) ? 'slow' : 'fast');
const targets = files.length
  ? files
  : fs
      .readdirSync('test')
      .filter((f) => f.endsWith('.test.ts') && setOf(f) === set)
      .sort()
      .map((f) => path.join('test', f));

const env = { ...process.env, NODE_ENV: 'test' };
const prepared = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--input-type=module', '-e', "await (await import('./src/storage/pglite.ts')).ensurePgliteMemoryImage();"],
  { stdio: 'inherit', env },
);
if (prepared.status !== 0) console.error('Could not make the embedded database template: test servers run initdb.');

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...flags, ...targets],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
