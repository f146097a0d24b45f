// bench/results/<date>.json, docs/benchmarks.md and the chart docs/benchmarks.svg, from one run
// (docs/benchmarks-pglite.md and .svg for a `--pglite` run).
// docs/benchmarks.md is regenerated whole except the hand-written "What the profiles showed"
// section between the two markers below, which is carried over from the file being replaced.
import fs from 'node:fs';
import path from 'node:path';
import type { LoadResult } from './load.ts';
import type { ListSizeResult } from './list-sizes.ts';
import type { ProcessesResult } from './processes.ts';
import type { WebhookResult } from './webhooks.ts';
import type { CsvImportResult } from './csv-import.ts';

export type BenchResults = {
  date: string;
  quick: boolean;
  /** Where Motors CRM kept its data. */
  database?: 'postgres' | 'pglite';
  /** Where the floor kept its (the same) data; runs before it existed had the floor on PostgreSQL. */
  floorDatabase?: 'postgres' | 'pglite';
  machine: { cpus: number; cpu: string; memoryGb: number; node: string; postgres: string; platform: string; loadAverageBefore?: number[]; loadAverage: number[]; commit?: string };
  sizes: Record<string, number>;
  durationSeconds: number;
  coldStartMs: number;
  /** Start to 200 on /readyz (catalog and first-start demo in); absent in runs before 2026-12-03. */
  coldStartReadyMs?: number;
  /** The index the list's keyset query uses (EXPLAIN). */
  listIndex?: string;
  idleRss: { embeddedMb: number; postgresMb?: number; pgliteMb?: number };
  /** oursMb: after the operations both servers run; oursWithOwnLoadsMb: at the end, after the loads only ours runs (searches, sign-in, tenant sizes). */
  peakRss: { oursMb: number; floorMb: number; oursWithOwnLoadsMb?: number };
  operations: {
    name: string;
    /** Our throughput as a share of the floor's that meets the issue's target. */
    target?: number;
    byConnections: Record<number, { ours: LoadResult; floor: LoadResult; ratio: number }>;
    fixedRate?: { rate: number; ours: LoadResult; floor: LoadResult };
  }[];
  separate: { name: string; connections: number; rate?: number; p99Target?: number; ours: LoadResult }[];
  listBySize?: ListSizeResult[];
  processes?: ProcessesResult[];
  webhooks?: WebhookResult | { skipped: string };
  /** What was re-measured or changed after the run, said in the report. */
  notes?: string[];
  csvImport?: CsvImportResult;
};

export const PROFILES_START = '<!-- profiles:start (hand-written; kept when the report is regenerated) -->';
export const PROFILES_END = '<!-- profiles:end -->';
const defaultProfiles = [
  '_Not profiled yet. Write what `--cpu-prof` (flame graphs) showed for each missed target here; `npm run bench` keeps this section._',
  '',
  'A first reading of the code, to confirm with profiles on a quiet machine:',
  '',
  "- **Create**: several round trips to PostgreSQL (idempotency lookup, BEGIN, claim insert, record insert, outbox insert, idempotency completion, COMMIT, plus the batched request log) against the floor's single statement.",
  '- **PUT**: a read, the update and the outbox insert between BEGIN and COMMIT against one statement.',
  '- **Memory and cold start**: the server runs TypeScript through tsx at run time and the embedded database is PGlite (WebAssembly PostgreSQL); the first start also applies migrations, loads the vehicle catalog and hashes the demo password with argon2id.',
].join('\n');

const legacyTarget = (name: string) => (/invoice create/.test(name) ? 0.5 : /create|\bPUT\b/.test(name) ? 0.6 : 0.8);
/** The performance issue's latency target: p99 at the fixed rate at most this × the floor's. */
const P99_FACTOR = 1.5;
const p99Met = (ours: number, floor: number) => ours <= P99_FACTOR * Math.max(floor, 1);
const pct = (r: number) => `${Math.round(r * 100)} %`;
const verdict = (ok: boolean) => (ok ? '✅ met' : '❌ missed');
const mark = (ok: boolean) => (ok ? '✅' : '❌');
const usesIndex = (plan: string) => !plan.startsWith('none');
const isWebhookResult = (w: BenchResults['webhooks']): w is WebhookResult => !!w && !('skipped' in w);

/** The hand-written section of the current docs/benchmarks.md, if it has one. */
function keptProfiles(mdPath: string): string {
  const current = fs.existsSync(mdPath) ? fs.readFileSync(mdPath, 'utf8') : '';
  const from = current.indexOf(PROFILES_START);
  const to = current.indexOf(PROFILES_END);
  return from >= 0 && to > from ? current.slice(from + PROFILES_START.length, to).trim() : defaultProfiles;
}

export function writeReport(root: string, r: BenchResults): string[] {
  const day = r.date.slice(0, 10);
  const variant = `${r.quick ? '-quick' : ''}${r.database === 'pglite' ? '-pglite' : ''}`;
  const jsonPath = path.join(root, 'bench/results', `${day}${variant}.json`);
  fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
  fs.writeFileSync(jsonPath, JSON.stringify(r, null, 2) + '\n');
  // A run on PGlite (`--pglite`, the embedded default against a PGlite floor) has a report of its
  // own beside the PostgreSQL one, so each run regenerates its page without erasing the other's.
  const name = r.database === 'pglite' ? 'benchmarks-pglite' : 'benchmarks';
  const svgPath = path.join(root, `docs/${name}.svg`);
  fs.mkdirSync(path.dirname(svgPath), { recursive: true });
  fs.writeFileSync(svgPath, chart(r));
  const mdPath = path.join(root, `docs/${name}.md`);
  fs.writeFileSync(mdPath, markdown(r, path.relative(path.join(root, 'docs'), jsonPath), keptProfiles(mdPath)));
  return [path.relative(root, jsonPath), path.relative(root, mdPath), path.relative(root, svgPath)];
}

type Target = { target: string; measured: string; ok: boolean };

function targets(r: BenchResults): Target[] {
  const out: Target[] = [];
  for (const op of r.operations) {
    const t = op.target ?? legacyTarget(op.name);
    const entries = Object.entries(op.byConnections);
    out.push({
      target: `${op.name}: throughput ≥ ${pct(t)} of the floor's`,
      measured: entries.map(([c, v]) => `${pct(v.ratio)} at ${c} conn.`).join(', '),
      ok: entries.every(([, v]) => v.ratio >= t),
    });
  }
  for (const op of r.operations) {
    const f = op.fixedRate;
    if (!f) continue;
    out.push({ target: `${op.name}: p99 at ${f.rate} req/s ≤ ${P99_FACTOR} × the floor's`, measured: `${f.ours.p99} ms vs ${f.floor.p99} ms`, ok: p99Met(f.ours.p99, f.floor.p99) });
  }
  for (const s of r.separate) {
    if (s.p99Target !== undefined) out.push({ target: `${s.name}: p99${s.rate ? ` at ${s.rate} req/s, paced` : ''} ≤ ${s.p99Target} ms`, measured: `p50 ${s.ours.p50} / p99 ${s.ours.p99} ms`, ok: s.ours.p99 <= s.p99Target });
  }
  out.push({ target: 'Idle RSS after start, empty embedded database ≤ 160 MB', measured: `${r.idleRss.embeddedMb} MB`, ok: r.idleRss.embeddedMb <= 160 });
  if (r.idleRss.postgresMb !== undefined) out.push({ target: 'Idle RSS after start, PostgreSQL ≤ 100 MB', measured: `${r.idleRss.postgresMb} MB`, ok: r.idleRss.postgresMb <= 100 });
  if (r.idleRss.pgliteMb !== undefined) out.push({ target: 'Idle RSS after start, seeded PGlite ≤ 160 MB', measured: `${r.idleRss.pgliteMb} MB`, ok: r.idleRss.pgliteMb <= 160 });
  out.push({
    target: "Peak RSS under the load both servers run ≤ 1.5 × the floor's",
    measured: `${r.peakRss.oursMb} MB vs ${r.peakRss.floorMb} MB`,
    ok: r.peakRss.oursMb <= 1.5 * r.peakRss.floorMb,
  });
  // The issue's target is /readyz with the demo in; runs before it was measured say /healthz.
  if (r.coldStartReadyMs !== undefined) {
    out.push({ target: 'Cold start (npm start → 200 on /readyz with the demo, empty embedded database) ≤ 2 s', measured: `${(r.coldStartReadyMs / 1000).toFixed(2)} s (/healthz ${(r.coldStartMs / 1000).toFixed(2)} s)`, ok: r.coldStartReadyMs <= 2000 });
  } else out.push({ target: 'Cold start (npm start → 200 on /healthz, empty embedded database) ≤ 2 s', measured: `${(r.coldStartMs / 1000).toFixed(2)} s`, ok: r.coldStartMs <= 2000 });
  const sizes = r.listBySize ?? [];
  if (sizes.length >= 2) {
    const [small, large] = [sizes[0], sizes[sizes.length - 1]];
    out.push({
      target: `List stays flat from ${small.records.toLocaleString('en')} to ${large.records.toLocaleString('en')} records: an index at both sizes, p50 ≤ 2 × the smaller's`,
      measured: `p50 ${small.result.p50} → ${large.result.p50} ms; ${small.index} / ${large.index}`,
      ok: usesIndex(small.index) && usesIndex(large.index) && large.result.p50 <= 2 * Math.max(small.result.p50, 1),
    });
  }
  if (isWebhookResult(r.webhooks)) {
    out.push({ target: `Webhook deliveries ≥ 2,500/s (${r.webhooks.workers} workers)`, measured: `${r.webhooks.deliveriesPerSecond.toLocaleString('en')}/s`, ok: r.webhooks.deliveriesPerSecond >= 2500 });
    out.push({ target: 'Webhook commit-to-delivery p99 ≤ 50 ms', measured: `${r.webhooks.p99} ms (p50 ${r.webhooks.p50} ms)`, ok: r.webhooks.p99 <= 50 });
  }
  if (r.csvImport) {
    const c = r.csvImport;
    out.push({
      target: `CSV import of ${c.rows.toLocaleString('en')} customers (${c.database === 'pglite' ? 'PGlite' : 'PostgreSQL'}) ≤ ${+(60 * (c.rows / 100_000)).toFixed(1)} s${c.rows === 100_000 ? '' : ' (the rate of 100,000 rows in 60 s)'}`,
      measured: `${c.firstSeconds} s (${c.firstRowsPerSecond.toLocaleString('en')} rows/s); again, all unchanged, ${c.againSeconds} s`,
      ok: c.firstSeconds <= 60 * (c.rows / 100_000),
    });
  }
  return out;
}

function markdown(r: BenchResults, jsonRel: string, profiles: string): string {
  const m = r.machine;
  const db = r.database === 'pglite' ? 'PGlite (embedded, in the server process)' : 'PostgreSQL';
  const floorDb = r.floorDatabase === 'pglite' ? 'the floor is on PGlite too: its own in-process PGlite, a copy of the same data' : 'the floor is on PostgreSQL';
  const lines = [
    '# Benchmarks',
    '',
    `_Generated by \`npm run bench\` (bench/run.ts) except the section “What the profiles showed”, which is hand-written and kept between runs._`,
    '',
    r.quick
      ? '> **Quick run** (`--quick`: small data, a few seconds per measurement, on a machine busy with other work). It proves the harness; the figures are not the numbers of record. Run `npm run bench` on a quiet machine for those.'
      : '> Full run.',
    ...(r.notes?.length ? ['', ...r.notes.map((n) => `> ${n}`)] : []),
    '',
    '## Machine and versions',
    '',
    '| | |',
    '| --- | --- |',
    `| run | ${r.date} |`,
    `| CPU | ${m.cpus} × ${m.cpu} |`,
    `| memory | ${m.memoryGb} GB |`,
    `| system | ${m.platform} |`,
    `| load average (1 / 5 / 15 min) | before ${m.loadAverageBefore?.join(' / ') ?? '?'}, after ${m.loadAverage.join(' / ')} |`,
    `| Node | ${m.node} |`,
    `| PostgreSQL | ${m.postgres} |`,
    `| Motors CRM commit | ${m.commit ?? '?'} |`,
    `| Motors CRM's database in this run | ${db} (${floorDb}) |`,
    '',
    `Data in the benchmark tenant: ${Object.entries(r.sizes).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')} (half the motors listed for sale, linked to the vehicle catalog; invoices of three lines). ${r.durationSeconds} s per measurement; autocannon runs in its own process.`,
    '',
    `The **floor** (bench/floor.ts) is the simplest server doing the same work on the same tables and indexes: Fastify + ${r.floorDatabase === 'pglite' ? 'an in-process PGlite (started with the same parameters as ours)' : 'node-postgres'}, one hand-written query per route (a create writes the record, its outbox event and its idempotency record in one statement; a vehicle search returns the rows with their catalog names and the total in one query), the key lookup cached, no validation, rate limiting or request log.`,
    '',
    'Storefront vehicle search filters by make (`brandId`, a catalog brand), price range (`minPrice`/`maxPrice`) and first model year (`minYear`); the CRM invoice create sends three lines and an `Idempotency-Key`, and the floor writes the number, invoice, event and idempotency record in one statement.',
    '',
    r.database === 'pglite'
      ? 'The run on PostgreSQL is in [benchmarks.md](benchmarks.md).'
      : 'The same benchmark on the embedded database (PGlite, against a floor on PGlite too, `npm run bench -- --pglite`) is in [benchmarks-pglite.md](benchmarks-pglite.md).',
    '',
    `![Requests per second, Motors CRM vs the floor](${r.database === 'pglite' ? 'benchmarks-pglite.svg' : 'benchmarks.svg'})`,
    '',
    '## Targets',
    '',
    '| target | measured | |',
    '| --- | --- | :---: |',
    ...targets(r).map((t) => `| ${t.target} | ${t.measured} | ${verdict(t.ok)} |`),
    '',
    '## Throughput beside the floor (req/s)',
    '',
    '| operation | connections | Motors CRM | floor | ratio | target |',
    '| --- | ---: | ---: | ---: | ---: | :---: |',
  ];
  for (const op of r.operations) {
    const target = op.target ?? legacyTarget(op.name);
    for (const [c, v] of Object.entries(op.byConnections)) {
      lines.push(`| ${op.name} | ${c} | ${v.ours.rps.toFixed(0)} | ${v.floor.rps.toFixed(0)} | ${pct(v.ratio)} | ${mark(v.ratio >= target)} ≥ ${pct(target)} |`);
    }
  }
  lines.push(
    '',
    '## Latency at a fixed offered rate (half the floor’s maximum at 10 connections, open loop)',
    '',
    `| operation | rate (req/s) | Motors CRM p50 / p99 (ms) | floor p50 / p99 (ms) | p99 ≤ ${P99_FACTOR} × floor |`,
    '| --- | ---: | ---: | ---: | :---: |',
  );
  for (const op of r.operations) {
    const f = op.fixedRate;
    if (f) lines.push(`| ${op.name} | ${f.rate} | ${f.ours.p50} / ${f.ours.p99} | ${f.floor.p50} / ${f.floor.p99} | ${mark(p99Met(f.ours.p99, f.floor.p99))} |`);
  }
  if (r.separate.length) {
    lines.push(
      '',
      '## Reported separately',
      '',
      'With a rate, one request is sent every 1000 / rate ms and timed from when it was due (bench/load.ts `paced`: a request that waits behind a slow one counts its wait); without, 10 connections in a closed loop.',
      '',
      '| operation | load | req/s | p50 / p99 (ms) |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const s of r.separate) lines.push(`| ${s.name} | ${s.rate ? `paced, ${s.rate} req/s` : `${s.connections} connections`} | ${s.ours.rps.toFixed(0)} | ${s.ours.p50} / ${s.ours.p99} |`);
  }
  if (r.listBySize?.length) {
    lines.push(
      '',
      '## List latency by tenant size',
      '',
      `The same Records API list (\`limit=50\`, \`updatedAfter\` near the end) on a tenant of each size, at ${r.listBySize[0].rate} req/s (open loop, 10 connections); the index is the one EXPLAIN shows for its keyset query.`,
      '',
      '| records in the tenant | p50 (ms) | p99 (ms) | req/s served | non-2xx | index (EXPLAIN) |',
      '| ---: | ---: | ---: | ---: | ---: | --- |',
      ...r.listBySize.map((l) => `| ${l.records.toLocaleString('en')} | ${l.result.p50} | ${l.result.p99} | ${l.result.rps.toFixed(0)} | ${l.result.non2xx} | \`${l.index}\` ${mark(usesIndex(l.index))} |`),
    );
  }
  if (r.processes?.length) {
    lines.push(
      '',
      '## Server processes sharing PostgreSQL and Redis',
      '',
      '`motors start --processes N` with `REDIS_URL` set, on PostgreSQL, 50 connections (req/s).',
      '',
      '| processes | Records get by id | Records list (limit=50) |',
      '| ---: | ---: | ---: |',
    );
    for (const p of r.processes) {
      if (p.skipped) {
        lines.push(`| ${p.processes} | skipped: ${p.skipped.replace(/\|/g, '\\|')} | |`);
        continue;
      }
      const rps = (name: string) => p.results.find((x) => x.name === name)?.ours.rps.toFixed(0) ?? '–';
      lines.push(`| ${p.processes} | ${rps('Records get by id')} | ${rps('Records list (limit=50)')} |`);
    }
  }
  if (r.webhooks) {
    const w = r.webhooks;
    lines.push(
      '',
      '## Webhook delivery',
      '',
      isWebhookResult(w)
        ? `${w.workers} \`motors worker\` processes delivered a backlog of ${w.backlog.toLocaleString('en')} events at **${w.deliveriesPerSecond.toLocaleString('en')} deliveries/s** to a local receiver; at a steady ${w.rate} single-change commits/s for ${w.seconds} s, commit-to-delivery was **p50 ${w.p50} ms, p99 ${w.p99} ms** (max ${w.max} ms). Deliveries not succeeded: ${w.notSucceeded}.`
        : `Skipped: ${w.skipped}`,
    );
  }
  lines.push(
    '',
    '## Memory and start',
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| idle RSS after start, empty embedded database | ${r.idleRss.embeddedMb} MB |`,
    ...(r.idleRss.postgresMb !== undefined ? [`| idle RSS after start, PostgreSQL (seeded) | ${r.idleRss.postgresMb} MB |`] : []),
    ...(r.idleRss.pgliteMb !== undefined ? [`| idle RSS after start, PGlite (seeded) | ${r.idleRss.pgliteMb} MB |`] : []),
    `| peak RSS under the load both servers run: Motors CRM / floor | ${r.peakRss.oursMb} MB / ${r.peakRss.floorMb} MB |`,
    ...(r.peakRss.oursWithOwnLoadsMb !== undefined ? [`| peak RSS of Motors CRM after the loads only it runs too (searches, argon2id sign-in at 10 connections, tenant sizes) | ${r.peakRss.oursWithOwnLoadsMb} MB |`] : []),
    `| start to 200 on /healthz, empty embedded database (template copy, migrations; the catalog and demo data follow, see /readyz) | ${r.coldStartMs} ms |`,
    ...(r.coldStartReadyMs !== undefined ? [`| start to 200 on /readyz, empty embedded database (the catalog and the demo in) | ${r.coldStartReadyMs} ms |`] : []),
    ...(r.listIndex ? [`| index used by the benchmark tenant's list keyset query (EXPLAIN) | \`${r.listIndex}\` |`] : []),
    '',
    'Every error response counts against an operation: see `non2xx` in the JSON.',
    '',
    '## What the profiles showed',
    '',
    PROFILES_START,
    profiles,
    PROFILES_END,
    '',
    `Raw figures: [${path.basename(jsonRel)}](${jsonRel}).`,
    '',
  );
  return lines.join('\n');
}

function chart(r: BenchResults): string {
  const rows = r.operations.map((op) => ({ name: op.name, ours: op.byConnections[10]?.ours.rps ?? 0, floor: op.byConnections[10]?.floor.rps ?? 0 }));
  const max = Math.max(1, ...rows.flatMap((x) => [x.ours, x.floor]));
  const left = 330;
  const width = 860;
  const barW = width - left - 90;
  const rowH = 44;
  const height = 60 + rows.length * rowH;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Requests per second at 10 connections${r.database === 'pglite' ? ', Motors CRM on PGlite' : ''}${r.quick ? ' (quick run)' : ''}</text>`,
    `<rect x="${left}" y="30" width="12" height="12" fill="#2563eb"/><text x="${left + 16}" y="40">Motors CRM</text>`,
    `<rect x="${left + 110}" y="30" width="12" height="12" fill="#9ca3af"/><text x="${left + 126}" y="40">floor</text>`,
  ];
  rows.forEach((x, i) => {
    const y = 55 + i * rowH;
    const wOurs = (x.ours / max) * barW;
    const wFloor = (x.floor / max) * barW;
    parts.push(
      `<text x="${left - 8}" y="${y + 18}" text-anchor="end">${esc(x.name)}</text>`,
      `<rect x="${left}" y="${y}" width="${wOurs.toFixed(1)}" height="16" fill="#2563eb"/>`,
      `<text x="${(left + wOurs + 4).toFixed(1)}" y="${y + 12}">${x.ours.toFixed(0)}</text>`,
      `<rect x="${left}" y="${y + 18}" width="${wFloor.toFixed(1)}" height="16" fill="#9ca3af"/>`,
      `<text x="${(left + wFloor + 4).toFixed(1)}" y="${y + 30}">${x.floor.toFixed(0)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
