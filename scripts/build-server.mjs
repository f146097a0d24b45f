// Compiles the server (src/, TypeScript) and the JavaScript packages it uses into one file,
// dist/cli.js, which `npm start` and the `motors` command run. Loading ~150 TypeScript files through
// tsx on every start cost seconds of transpiling, and even compiled, node's loader spent more CPU
// finding, reading and scanning ~600 package files than running them (docs/benchmarks.md, "What
// the profiles showed"). One file loads in a fraction of that.
//
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const outDir = path.join(root, 'dist');
export const serverBundle = path.join(outDir, 'cli.js');

// The newest modification time under a folder: both builds (this one and build-web.mjs) are
// fresh when their output is newer than it.
export const newestMtime = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = path.join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }, 0);

// The bundle holds the packages too: `npm install <pkg>` or `npm update` (which don't run
// `prepare`) change node_modules/.package-lock.json, and must not leave the old code running.
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const inputs = () => Math.max(newestMtime(src), mtime(fileURLToPath(import.meta.url)), mtime(path.join(root, 'package-lock.json')), mtime(path.join(root, 'node_modules/.package-lock.json')));

export function serverBuildIsFresh() {
  if (!fs.existsSync(serverBundle)) return false;
  return fs.statSync(serverBundle).mtimeMs >= inputs();
}

// Packages that find files next to their own code (__dirname, import.meta.url: Scalar's bundled
// page, pino's worker, package.json versions), or load WebAssembly or native code, stay in
// node_modules; a package added later that does the same fails the build (checkBundle) until it
// is listed here.
//
// undici too, for another reason: it is CommonJS and loaded with `await import()`, and a CommonJS
// package in a chunk of its own comes back without its named exports (`Agent` was undefined: every
// webhook failed with "Agent is not a constructor"); node's own loader gives them.
const external = ['@electric-sql/pglite', '@node-rs/argon2', '@scalar/fastify-api-reference', '@fastify/swagger', 'pino', 'ioredis', 'pg-native', 'vite', 'esbuild', 'pdfkit', 'undici'];

export async function buildServer() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('Building the server needs esbuild (a dependency): run `npm install`.');
  }
  const result = await esbuild.build({
    entryPoints: { cli: path.join(src, 'cli.ts') },
    outdir: outDir,
    // What a module imports with `await import()` (mail intake, PDFs, VIN data, the CSV import…)
    // goes into a chunk of its own, read from disk when first used: V8 keeps a loaded script's
    // source in the heap, and one file holding everything kept 8 MB of it from the start.
    // Chunks sit beside cli.js, so `import.meta.url` rewritten below stays right in them.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // CommonJS packages inside an ES module still call require (ajv's generated code, too).
    banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
    plugins: [sourceLocations, pgRuntimeProbe],
  });
  const scripts = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  for (const file of scripts) checkBundle(file.text);
  // esbuild escapes non-ASCII characters in code but leaves comments as they are, and one "—" in
  // a comment makes V8 keep the whole source as two bytes per character: escaped, it stays one
  // byte per character.
  const ascii = (text) => text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // Chunks first, cli.js last, each written beside and renamed: a process starting meanwhile
  // (tests start several at once) reads either the old cli.js or the new one, never half of one,
  // and the new one's chunks are already there. Chunk names are content hashes; an old build's
  // chunks are removed once an hour old (a process still running it may load one later).
  fs.mkdirSync(outDir, { recursive: true });
  const ordered = [...result.outputFiles].sort((a, b) => Number(a.path.startsWith(serverBundle)) - Number(b.path.startsWith(serverBundle)));
  for (const file of ordered) {
    const temp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temp, scripts.includes(file) ? ascii(file.text) : file.contents);
    fs.renameSync(temp, file.path);
  }
  const written = new Set(result.outputFiles.map((f) => path.basename(f.path)));
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (name.startsWith('chunk-') && !written.has(name) && Date.now() - fs.statSync(file).mtimeMs > 3_600_000) fs.rmSync(file, { force: true });
  }
}

// In the bundle, __dirname and import.meta.url are dist/'s, not the package's: a bundled package
// that uses them to find its files would break at run time. esbuild marks each module's start
// with a "// path" comment, which names the culprit.
function checkBundle(text) {
  const uses = /\b__dirname\b|\b__filename\b|import\.meta\.url/g;
  const offenders = new Set();
  const starts = [...text.matchAll(/^\/\/ (\S+)$/gm)].map((m) => ({ at: m.index, path: m[1] }));
  const moduleAt = (index) => starts.findLast((s) => s.at < index)?.path ?? 'dist/cli.js';
  for (const m of text.matchAll(uses)) {
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const line = text.slice(text.lastIndexOf('\n', m.index) + 1, text.indexOf('\n', m.index));
    if (line.includes(`typeof ${m[0]}`)) continue; // guarded: `typeof __filename !== "undefined" ? __filename : …`
    if (/new URL\("[^"]*", $/.test(before) || /__createRequire\($/.test(before)) continue; // ours (sourceLocations, banner)
    offenders.add(`${moduleAt(m.index).replace(/^.*node_modules\//, '')}: …${text.slice(m.index - 30, m.index + 20).replace(/\s+/g, ' ')}…`);
  }
  if (offenders.size) {
    throw new Error(`These bundled packages locate files relative to themselves; add them to \`external\` in scripts/build-server.mjs:\n${[...offenders].join('\n')}`);
  }
}

export async function ensureServerBuilt() {
  if (!serverBuildIsFresh()) await buildServer();
}

// Modules find their files (migrations, the catalog, the dashboard) relative to import.meta.url.
// In the bundle every module would see dist/cli.js; this gives each its own source file's URL,
// still relative to the bundle, so the checkout can move.
const sourceLocations = {
  name: 'source-locations',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      let contents = await fs.promises.readFile(args.path, 'utf8');
      if (contents.includes('import.meta.url')) {
        const relative = path.relative(outDir, args.path).split(path.sep).join('/');
        contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

// pg (lib/stream.js) asks at load whether it runs in a Cloudflare Worker, and on Node 20 (no
// `navigator`) by building a `new Response`: that first touch of the global Response loads node's
// own undici (fetch), a megabyte of script and a WebAssembly HTTP parser kept for the life of the
// process (~3 MB of RSS at idle), which the server never uses (its requests go through the undici
// package, loaded at the first one). A server is never a Worker, so the bundle drops the probe.
const pgRuntimeProbe = {
  name: 'pg-runtime-probe',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const probe = "typeof Response === 'function'";
      if (!text.includes(probe)) console.warn(`  ${args.path} no longer builds a Response to detect Cloudflare: pgRuntimeProbe in scripts/build-server.mjs can go`);
      return { contents: text.replace(probe, 'false'), loader: 'js' };
    });
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv.includes('--if-missing') && serverBuildIsFresh()) process.exit(0);
  await buildServer();
  console.log('  server built into dist/cli.js');
  if (!process.argv.includes('--if-missing')) {
    // A full build (npm run build:server) also makes the template a new embedded database is
    // copied from (src/storage/pglite.ts). `npm install` (prepare, --if-missing) leaves it out: it is
    // PGlite's initdb, most of the build's time, which a PostgreSQL install never needs; the first
    // embedded start (src/start.ts) and `npm test` make it when it is missing.
    const { ensureEmbeddedTemplate } = await import(pathToFileURL(serverBundle).href);
    await ensureEmbeddedTemplate();
    console.log('  embedded database template made in dist/pglite-template');
  }
}
