#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=50
// Two V8 heap flags, also in package.json's start script and bench/servers.ts (V8 reads them only
// at start: v8.setFlagsFromString here had no effect, hence the command lines):
// --max-semi-space-size=8: V8's young generation grows to 2 × 16 MB during start and stays
// resident; at 2 × 8 MB a server idles ~14 MB smaller with no throughput change we could measure.
// --heap-growing-percent=50: after a full collection V8 lets the old generation grow to 1.5 × what
// survived before the next one, instead of up to 4 × on a machine with this much memory. Request
// garbage that outlives the young generation is collected sooner: peak RSS under the benchmark's
// list and create load 275 → 164 MB (the floor's 126 MB), with no cap on the heap, so a large
// import cannot run out of memory because of it (docs/benchmarks.md, session 10).
// The `motors` CLI, and `npm start` (`motors start`). Runs the compiled server in dist/, rebuilt
// from src/ first whenever a source file is newer (scripts/build-server.mjs), so it never runs
// stale code and a fresh checkout needs no separate build step.
import { ensureServerBuilt, serverBundle } from '../scripts/build-server.mjs';
import { pathToFileURL } from 'node:url';

await ensureServerBuilt();
const { main } = await import(pathToFileURL(serverBundle).href);
await main();
