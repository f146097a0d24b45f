#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8
// --max-semi-space-size=8 (also in package.json's start script and bench/servers.ts): V8's young
// generation grows to 2 × 16 MB during start and stays resident; at 2 × 8 MB a server idles
// ~14 MB smaller with no throughput change we could measure (docs/benchmarks.md). V8 reads it only
// at start (v8.setFlagsFromString here had no effect), hence the command lines.
// MALLOC_ARENA_MAX=2 (the same three places): glibc gives each thread that allocates (V8's
// compiler and GC helpers, libuv's pool) a malloc arena of its own, up to 8 per core, each keeping
// its freed memory; two arenas left an idle server 4 MB smaller (116 -> 112 MB on PostgreSQL).
// glibc reads it when the process starts, so it cannot be set from here.
// The `motors` CLI, and `npm start` (`motors start`). Runs the compiled server in dist/, rebuilt
// from src/ first whenever a source file is newer (scripts/build-server.mjs), so it never runs
// stale code and a fresh checkout needs no separate build step.
import { ensureServerBuilt, serverBundle } from '../scripts/build-server.mjs';
import { pathToFileURL } from 'node:url';

await ensureServerBuilt();
const { main } = await import(pathToFileURL(serverBundle).href);
await main();
