// `node --import tsx bench/cpu-profile.ts <file.cpuprofile> [--from MS] [--to MS] [--top N]`
// Self time of a `node --cpu-prof` profile (BENCH_CPU_PROF in bench/servers.ts) summed by package
// (node_modules/<name>, our src/ or the bundle, node: internals, (garbage collector), …) and by
// function, and inclusive time by function (the time of the samples with it on the stack); idle time
// is left out of the percentages. `--from`/`--to` keep only the samples in that window (ms from the
// profile's start).
import fs from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const from = option('from') ?? 0;
const to = option('to') ?? Number.POSITIVE_INFINITY;
const top = option('top') ?? 25;
const profile = JSON.parse(fs.readFileSync(args[0], 'utf8')) as Profile;

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node:internal';
  if (url.includes('/dist/')) return 'dist (ours, bundled)';
  if (url.includes('/src/')) return 'src (ours)';
  return url.replace(/^file:\/\//, '');
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfByNode = new Map<number, number>();
let t = 0;
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  const ms = t / 1000;
  if (ms < from || ms > to) continue;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  if (byId.get(profile.samples[i])!.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
}
const keyOf = (id: number) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const pkg = packageOf(url, functionName);
  return { pkg, key: `${functionName || '(anonymous)'}  ${pkg}${url ? `:${lineNumber + 1}` : ''}` };
};

const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfByNode) {
  const { pkg, key } = keyOf(id);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(keyOf(n).key);
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
}

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
};
console.log(`${args[0]}: ${(total / 1000).toFixed(0)} ms busy (and ${(idle / 1000).toFixed(0)} ms idle) between ${from} and ${Number.isFinite(to) ? to : 'the end'} ms`);
print('self time by package', byPackage);
print('self time by function', byFunction);
print('inclusive time by function', inclusive);
