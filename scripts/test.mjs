// Runs the tests with node's own test runner (its summary is what CI reads), in three sets:
//   npm test                  the fast set: every test file that is neither slow nor a browser test
//   npm run test:slow         files that start processes, kill them, stop services or fuzz (`slow` below)
//   npm run test:e2e          browser tests (*.e2e.test.ts, chromium)
//   npm test -- test/x.test.ts   the files named, whichever set they are in, each in a process of its own
// Before any test, the embedded database's template and its tarball are made, once per run (not
// once per file, each in a process of its own): a test server then loads a copy instead of
// running PGlite's initdb.
// The fast set runs in a few processes (`groups` below), each importing its share of the files in
// turn, as node 22's --experimental-test-isolation=none would: node, tsx, the server's modules and
// PGlite's WebAssembly then warm up once per process, which was half of a file's cost when each
// file had a process of its own. Files that need no configuration of their own share one server
// per process (test/helpers.ts sharedServer: a tenant per test); the others start their own.
// The slow and browser sets keep a process per file: theirs kill, restart and starve processes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Slow: files that run processes (`motors` commands, or redocly's and spectral's CLIs in
// openapi-lint: 13 s of a quiet machine's CPU between them), kill or starve them, or fuzz.
const slow = new Set(['abuse', 'cli', 'cli-import', 'crash', 'dependencies', 'fuzz', 'openapi-lint', 'operations', 'processes', 'sdk', 'webhooks-workers']);
const concurrency = 2;

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
const prepared = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await (await import('./src/app.ts')).ensureEmbeddedMemoryImage();"], { stdio: 'inherit', env });
if (prepared.status !== 0) console.error('Could not make the embedded database template: test servers run initdb.');

// Two groups per process the runner keeps going, so a group that ends early leaves little idle.
// Files are dealt largest first to the lightest group: a file's size is a fair guess at its cost.
const groups = files.length || set !== 'fast' ? undefined : Array.from({ length: 2 * concurrency }, () => ({ files: [], size: 0 }));
let groupDir;
if (groups) {
  const sized = targets.map((file) => ({ file, size: fs.statSync(file).size })).sort((a, b) => b.size - a.size || a.file.localeCompare(b.file));
  for (const { file, size } of sized) {
    const lightest = groups.reduce((a, b) => (b.size < a.size ? b : a));
    lightest.files.push(file);
    lightest.size += size;
  }
  groupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-tests-'));
}
// A file that fails to load is a failing test of its own; the rest of its group still runs.
const entries = groups
  ? groups.map((group, i) => {
      const entry = path.join(groupDir, `fast-${i + 1}-of-${groups.length}.test.mjs`);
      const urls = group.files.sort().map((f) => pathToFileURL(path.resolve(f)).href);
      fs.writeFileSync(
        entry,
        `for (const url of ${JSON.stringify(urls, null, 2)}) {
  try {
    await import(url);
  } catch (err) {
    (await import('node:test')).test(\`\${url} loads\`, () => { throw err; });
  }
}
`,
      );
      return entry;
    })
  : targets;

// A file in a process of its own has 5 minutes, a group 10 (a group took under 2 on a busy 2-core machine).
const timeout = groups ? 600_000 : 300_000;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeout}`, '--test-reporter=spec', ...flags, ...entries], {
  stdio: 'inherit',
  env,
});
if (groupDir) fs.rmSync(groupDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
