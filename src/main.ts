// The server, run from source: `node --import tsx src/main.ts [--processes N]`. `npm start` runs the
// same through the compiled bundle (bin/motors.mjs start, built by scripts/build-server.mjs).
import { start, startArgs } from './start.ts';

start(startArgs(process.argv.slice(2))).catch((err) => {
  console.error(err);
  process.exit(1);
});
