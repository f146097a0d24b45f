import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, client, type TestServer } from './helpers.ts';

// The served /openapi.json through the two linters integrators run on it, as they would run them
// (their CLIs, from node_modules/.bin, with the repository's committed configs: redocly's
// recommended rules and spectral:oas, nothing turned off). Any problem, warning or error, fails
// and is printed with where it is.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('the OpenAPI document under redocly and spectral', () => {
  let server: TestServer;
  let dir: string;
  let file: string;
  before(async () => {
    server = await startServer();
    const res = await client(server.url)('GET', '/openapi.json');
    assert.equal(res.status, 200);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motors-openapi-'));
    file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, res.text);
  });
  after(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has no redocly lint problem (recommended rules)', async () => {
    const out = await run(bin('redocly'), ['lint', file, '--config', path.join(root, 'redocly.yaml'), '--format=json']);
    let report: { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    try {
      report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{')));
    } catch {
      assert.fail(`redocly gave no JSON report (exit ${out.code}): ${out.stderr.slice(0, 2000)}`);
    }
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    assert.deepEqual(problems, [], `redocly: ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
    assert.equal(report.totals.errors + report.totals.warnings, 0);
  });

  it('has no spectral lint problem (spectral:oas)', async () => {
    const output = path.join(dir, 'spectral.json');
    const out = await run(bin('spectral'), ['lint', file, '--ruleset', path.join(root, '.spectral.yaml'), '--format', 'json', '--output', output, '--fail-severity', 'hint']);
    assert.ok(fs.existsSync(output), `spectral wrote no report (exit ${out.code}): ${out.stderr.slice(0, 2000)}${out.stdout.slice(0, 2000)}`);
    const results = JSON.parse(fs.readFileSync(output, 'utf8')) as { code: string; message: string; path: (string | number)[]; severity: number }[];
    const severities = ['error', 'warning', 'info', 'hint'];
    assert.deepEqual(
      results.map((r) => `${severities[r.severity]} ${r.code} ${r.path.join('.')}: ${r.message}`),
      [],
    );
    assert.equal(out.code, 0, out.stderr);
  });
});
