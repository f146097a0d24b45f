#!/usr/bin/env node
// The `motors` CLI, and `npm start` (`motors start`). Runs the compiled server in dist/, rebuilt
// from src/ first whenever a source file is newer (scripts/build-server.mjs), so it never runs
// stale code and a fresh checkout needs no separate build step.
import { ensureServerBuilt, serverBundle } from '../scripts/build-server.mjs';
import { pathToFileURL } from 'node:url';

await ensureServerBuilt();
const { main } = await import(pathToFileURL(serverBundle).href);
await main();
