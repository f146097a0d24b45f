import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DEMO_PHOTOS_PATH } from '../core/demo-records.ts';

// The demo vehicles' photos (src/demo-photos/*.svg, about 1 KB each), served by this server so a
// demo shows pictures without any outside host. Read once, kept in memory; no key needed, like the
// dashboard's files. An SVG could carry script, so each goes out with a CSP that allows none.
const DEMO_PHOTOS_DIR = fileURLToPath(new URL('../demo-photos/', import.meta.url));
const headers = {
  'content-type': 'image/svg+xml',
  'cache-control': 'public, max-age=86400',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
};

export function registerDemoPhotos(app: FastifyInstance): void {
  const files = new Map<string, Buffer>();
  app.get(`${DEMO_PHOTOS_PATH}/:file`, { schema: { hide: true } }, async (req, reply) => {
    const { file } = req.params as { file: string };
    if (!/^[a-z0-9-]+\.svg$/.test(file)) return reply.callNotFound();
    let body = files.get(file);
    if (!body) {
      try {
        body = await fs.promises.readFile(path.join(DEMO_PHOTOS_DIR, file));
      } catch {
        return reply.callNotFound();
      }
      files.set(file, body);
    }
    return reply.headers(headers).send(body);
  });
}
