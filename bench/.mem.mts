import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
const Memory = WebAssembly.Memory;
if (process.env.MEM_INITIAL) (WebAssembly as any).Memory = function (d: WebAssembly.MemoryDescriptor) { return new Memory(d.initial === 2048 ? { ...d, initial: Number(process.env.MEM_INITIAL) * 16 } : d); };
let instance: any;
const q = (PGlite.prototype as any).query;
(PGlite.prototype as any).query = function (...a: unknown[]) { instance = this; return q.apply(this, a); };
const { createApp, loadVehicleCatalog } = await import('../src/app.ts');
const { loadConfig } = await import('../src/config.ts');
const { createLogger } = await import('../src/logger.ts');
const { createDemoTenant } = await import('../src/core/demo.ts');
const { countTenants } = await import('../src/core/tenants.ts');
const dir = process.env.MEM_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'memx-'));
process.env.DATA_DIR = dir; process.env.NODE_ENV = 'production'; process.env.LOG_LEVEL = 'warn'; delete process.env.DATABASE_URL;
const mb = (n: number) => Math.round(n / 2 ** 20);
const rss = () => { const st = fs.readFileSync('/proc/self/status', 'utf8'); return { rss: Number(/VmRSS:\s+(\d+)/.exec(st)![1]) >> 10, hwm: Number(/VmHWM:\s+(\d+)/.exec(st)![1]) >> 10 }; };
const report = (label: string) => {
  (globalThis as any).gc?.();
  const m = process.memoryUsage();
  const heap: Uint8Array | undefined = instance?.Module?.HEAPU8;
  const wasm = heap?.length;
  let touched = 0;
  if (heap && process.env.MEM_SCAN) { const w = new BigUint64Array(heap.buffer, 0, heap.length / 8); for (let p = 0; p < w.length; p += 512) { for (let i = p; i < p + 512; i++) if (w[i] !== 0n) { touched++; break; } } }
  console.log(JSON.stringify({ label, ...rss(), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), wasmHeap: wasm ? mb(wasm) : undefined, wasmNonZeroMb: Math.round(touched * 4096 / 2 ** 20) }));
};
report('modules not loaded');
const app = await createApp(loadConfig(), createLogger('warn'), { loadCatalog: false });
report('after createApp (database open, migrated, server built)');
await loadVehicleCatalog(app.database, createLogger('warn'));
report('after the catalog');
if ((await countTenants(app.database.db)) === 0) { await createDemoTenant(app.database.db, { publicUrl: 'http://localhost' }); report('after the demo'); }
await app.webhooks.start();
await new Promise((r) => setTimeout(r, 1500));
report('idle');
await app.close();
console.log(dir);
