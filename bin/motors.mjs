#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --heap-growing-percent=50
// Memory settings, also in package.json's start script and bench/servers.ts (V8 and glibc read
// them only when the process starts: v8.setFlagsFromString here had no effect, hence the command
// lines):
// --max-semi-space-size=8: V8's young generation grows to 2 × 16 MB during start and stays
// resident; at 2 × 8 MB a server idles ~14 MB smaller with no throughput change we could measure.
// --heap-growing-percent=50: after a full collection V8 lets the old generation grow to 1.5 × what
// survived before the next one, instead of up to 4 × on a machine with this much memory. Request
// garbage that outlives the young generation is collected sooner: peak RSS under the benchmark's
// list and create load 275 → 164 MB (the floor's 126 MB), with no cap on the heap, so a large
// import cannot run out of memory because of it (docs/benchmarks.md, session 10).
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's compiler and GC helpers,
// libuv's pool) a malloc arena of its own, up to 8 per core, each keeping its freed memory; two
// arenas left an idle server 4 MB smaller (116 -> 112 MB on PostgreSQL).
// The `motors` CLI, and `npm start` (`motors start`). Runs the compiled server in dist/, rebuilt
// from src/ first whenever a source file is newer (scripts/build-server.mjs), so it never runs
// stale code and a fresh checkout needs no separate build step.
import { ensureServerBuilt, serverBundle } from '../scripts/build-server.mjs';
import { pathToFileURL } from 'node:url';

await ensureServerBuilt();
const { main } = await import(pathToFileURL(serverBundle).href);
await main();
