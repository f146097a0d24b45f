// Runs the test suite with node's own test runner (its summary is what CI reads).
// `npm test` runs everything; `npm test -- test/records-api.test.ts` runs one file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const targets = files.length
  ? files
  : fs
      .readdirSync('test')
      .filter((f) => f.endsWith('.test.ts'))
      // Browser tests last: chromium is heavy, and beside the process-spawning tests (cli, operations)
      // on a busy machine it pushes their start-up past its timeout.
      .sort((a, b) => Number(a.includes('.e2e.')) - Number(b.includes('.e2e.')) || a.localeCompare(b))
      .map((f) => path.join('test', f));

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...flags, ...targets],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
