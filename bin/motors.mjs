#!/usr/bin/env node
// The `motors` CLI. TypeScript sources run through tsx, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main();
