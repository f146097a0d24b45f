// Builds the dashboard (web/) into web/dist. Runs on `npm install` (prepare) and, with
// --if-missing, before `npm start` so a fresh checkout serves /dashboard without a separate step.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web/dist/index.html');
if (process.argv.includes('--if-missing') && fs.existsSync(dist)) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  console.error('The dashboard needs Vite to build: run `npm install` (without --omit=dev), then `npm run build:web`.');
  process.exit(process.argv.includes('--if-missing') ? 0 : 1);
}
await vite.build({ configFile: path.join(root, 'web/vite.config.ts'), logLevel: 'warn' });
console.log('  dashboard built into web/dist');
