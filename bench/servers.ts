// Child processes of the benchmark: servers (Motors CRM, the floor), started until they print their
// "running on http://…" line, and the load generator (bench/load.ts), one process per measurement.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './load.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Server = { child: ChildProcess; url: string; startedAt: number };
const groups = new WeakSet<ChildProcess>();
/** Servers being stopped by stop(): their exit is expected. */
const stopping = new WeakSet<ChildProcess>();

/** Thrown when a server exits before it is ready; `output` is what it printed. */
export class StartFailed extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * Starts `node <args>` in the repository and resolves once its output matches `ready` (whose first
 * group is the URL). Only PATH and HOME are inherited: the server sees exactly the env given.
 */
export function start(args: string[], env: Record<string, string>, ready = /running on (http:\/\/\S+)/, opts: { group?: boolean } = {}): Promise<Server> {
  const startedAt = performance.now();
  // `group`: a process group of its own, for servers that fork; stop() signals the whole group.
  const child = spawn(process.execPath, [...profileArgs(args), ...args], { cwd: root, detached: opts.group, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
  if (opts.group) groups.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(child);
      reject(new StartFailed(`${args.join(' ')} did not start within 120 s`, output));
    }, 120_000);
    const onData = (d: Buffer) => {
      output += d;
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining, or a chatty server blocks on a full pipe
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1'), startedAt });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // After the start, reject() does nothing: a server dying mid-run says why here.
      if (!stopping.has(child)) console.error(`${args.join(' ')} exited (code ${code}, signal ${signal}); its output ended with:\n${output.slice(-3000)}`);
      reject(new StartFailed(`${args.join(' ')} exited with ${code}`, output));
    });
  });
}

// BENCH_CPU_PROF=<dir>: every server runs under `node --cpu-prof`, its profile written at exit into
// <dir>/motors or <dir>/floor (read them with bench/cpu-profile.ts).
function profileArgs(args: string[]): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir, args.includes('bench/floor.ts') ? 'floor' : 'motors')}`];
}

/** Motors CRM as `npm start` runs it: the compiled server (built by `npm install`; see buildServerOnce). */
// As `npm start` runs it (package.json): heap flags and malloc arenas included (bin/motors.mjs says why).
export const startMotors = (env: Record<string, string>) => start(['--max-semi-space-size=8', '--heap-growing-percent=50', 'bin/motors.mjs', 'start'], { MALLOC_ARENA_MAX: '2', ...env });

/** What `npm install` does once (compiled server, embedded database template), so no start pays for it. */
export async function buildServerOnce(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`scripts/build-server.mjs exited with ${code}`))));
  });
}

/** Throws when the server has exited (signalled by another process, crashed): a wait would never end. */
export function assertRunning(server: Server): void {
  if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`the server at ${server.url} exited (code ${server.child.exitCode}, signal ${server.child.signalCode})`);
}

/** Resolves when GET `${url}/readyz` answers 200: the start finished (catalog, first-start demo). */
export async function waitReady(server: Server): Promise<void> {
  const { url } = server;
  for (;;) {
    assertRunning(server);
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    await sleep(50);
  }
}

export function stop(child: ChildProcess): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      if (groups.has(child)) process.kill(-child.pid!, s);
      else child.kill(s);
    } catch {
      /* already gone */
    }
  };
  stopping.add(child);
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (groups.has(child)) signal('SIGKILL'); // forked processes the leader left behind
      return resolve();
    }
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    signal('SIGTERM');
    setTimeout(() => signal('SIGKILL'), 15_000).unref();
  });
}

/** Resident set size and its peak, in MB, from /proc (Linux); 0 elsewhere. */
export function memory(pid: number): { rss: number; peak: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** A TCP port free right now on 127.0.0.1, for servers of several processes that must agree on one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs one autocannon job in its own process (bench/load.ts), so it never shares an event loop with a server. */
export function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/load.ts'), JSON.stringify(job)], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator failed: ${err}`))));
  });
}
