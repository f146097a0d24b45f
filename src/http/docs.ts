import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';

// The API reference page (Scalar) under /docs. Scalar's Fastify plugin reads its 3.4 MB page script
// into memory when registered (6 MB of heap as a string) and loads an OpenAPI parser for routes we
// do not use: ~15 MB of every idle server's memory (docs/benchmarks.md). This serves the same page
// from the same package: its HTML renderer, loaded at the first visit, and the script streamed
// from disk.
const require = createRequire(import.meta.url);
const plugin = require.resolve('@scalar/fastify-api-reference');
const script = path.join(path.dirname(plugin), 'js/standalone.js');

// The page may run its own script and the one inline call that starts it (allowed by hash, so an
// injected script still cannot run), talk only to this origin ("Try it" included), and never be
// framed (clickjacking). Scalar injects its styles at run time, hence 'unsafe-inline' for styles.
function securityHeaders(html: string): Record<string, string> {
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${crypto.createHash('sha256').update(m[1]).digest('base64')}'`);
  return {
    'content-security-policy': [
      "default-src 'self'",
      `script-src 'self' ${inline.join(' ')}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https:",
      "font-src 'self' data: https://fonts.scalar.com",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

export function registerApiReference(app: FastifyInstance, options: { prefix: string; openApiUrl: string; title: string }): void {
  let html: string | undefined;
  let headers: Record<string, string> = {};
  // With ignoreTrailingSlash, /docs and /docs/ are one route: the page must be at /docs/ for its
  // relative script URL to resolve under the prefix.
  app.get(options.prefix, { schema: { hide: true } }, async (req, reply) => {
    if (!req.url.split('?')[0].endsWith('/')) return reply.redirect(`${options.prefix}/`, 301);
    if (html === undefined) {
      // @scalar/core comes with the plugin: resolved from there, as the plugin itself would.
      const renderer = createRequire(plugin).resolve('@scalar/core/libs/html-rendering');
      const { getHtmlDocument } = (await import(pathToFileURL(renderer).href)) as typeof import('@scalar/core/libs/html-rendering');
      html = getHtmlDocument({ cdn: 'js/scalar.js', url: options.openApiUrl, pageTitle: options.title, title: options.title, _integration: 'fastify' } as never);
      headers = securityHeaders(html);
    }
    return reply.headers(headers).type('text/html; charset=utf-8').send(html);
  });
  app.get(`${options.prefix}/js/scalar.js`, { schema: { hide: true } }, async (_req, reply) =>
    reply.header('x-content-type-options', 'nosniff').type('application/javascript; charset=utf-8').send(fs.createReadStream(script)),
  );
}
