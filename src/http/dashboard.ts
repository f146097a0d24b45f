import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

// The staff dashboard (web/, built by Vite into web/dist) under /dashboard. Every path that isn't a
// built file gets index.html, so the client-side routes survive a reload or a shared link.
export const DASHBOARD_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

// The app only talks to its own origin; nothing may frame it (clickjacking on the key pages).
// Images may come from anywhere: vehicle photos are URLs on the dealer's website or CDN.
const htmlHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

export async function registerDashboard(app: FastifyInstance, root: string = DASHBOARD_DIST): Promise<void> {
  // preCompressed: the build writes .br and .gz beside each file (scripts/build-web.mjs); a client
  // that accepts one gets it, others the plain file.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });

  const index = (reply: FastifyReply) => {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built yet. Run `npm run build:web` (or `npm install`), then reload this page.');
    }
    return reply.headers(htmlHeaders).sendFile('index.html', { cacheControl: false });
  };

  app.get('/dashboard', { schema: { hide: true } }, async (_req, reply) => index(reply));
  app.get('/dashboard/*', { schema: { hide: true } }, async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    // Vite names assets by content hash, so they can be cached for good.
    if (/^assets\/[\w.-]+$/.test(rest)) return reply.header('x-content-type-options', 'nosniff').sendFile(rest, { maxAge: '365d', immutable: true });
    return index(reply);
  });
}
