import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

// Served by the API server under /dashboard (src/http/dashboard.ts); `vite dev` proxies the APIs to it.
export default defineConfig({
  root: here,
  base: '/dashboard/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/manage': 'http://localhost:3000', '/api': 'http://localhost:3000', '/docs': 'http://localhost:3000' } },
});
