// Builds the dashboard (web/) into web/dist. Runs on `npm install` (prepare) and, with
// --if-missing, before `npm start` so a fresh checkout serves /dashboard without a separate step.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from './build-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web/dist/index.html');
// "Missing" includes out of date, so a test run never exercises a stale bundle.
const sources = () => Math.max(newestMtime(path.join(root, 'web/src')), fs.statSync(path.join(root, 'web/index.html')).mtimeMs, fs.statSync(path.join(root, 'web/vite.config.ts')).mtimeMs);
if (process.argv.includes('--if-missing') && fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= sources()) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  console.error('The dashboard needs Vite to build: run `npm install` (without --omit=dev), then `npm run build:web`.');
  process.exit(process.argv.includes('--if-missing') ? 0 : 1);
}
await vite.build({ configFile: path.join(root, 'web/vite.config.ts'), logLevel: 'warn' });

// Precompressed copies beside each text file (brotli and gzip, at their best settings, once per
// build): the server sends them by Accept-Encoding (@fastify/static preCompressed) without
// compressing on every request.
const zlib = await import('node:zlib');
const out = path.join(root, 'web/dist');
const texts = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? texts(p) : /\.(js|css|html|svg|json|txt|map)$/.test(e.name) ? [p] : [];
  });
for (const file of texts(out)) {
  const raw = fs.readFileSync(file);
  if (raw.length < 1024) continue;
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(raw, { level: 9 }));
}
console.log('  dashboard built into web/dist');
