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

export function registerApiReference(app: FastifyInstance, options: { prefix: string; openApiUrl: string; title: string }): void {
  let html: string | undefined;
  // With ignoreTrailingSlash, /docs and /docs/ are one route: the page must be at /docs/ for its
  // relative script URL to resolve under the prefix.
  app.get(options.prefix, { schema: { hide: true } }, async (req, reply) => {
    if (!req.url.split('?')[0].endsWith('/')) return reply.redirect(`${options.prefix}/`, 301);
    if (html === undefined) {
      // @scalar/core comes with the plugin: resolved from there, as the plugin itself would.
      const renderer = createRequire(plugin).resolve('@scalar/core/libs/html-rendering');
      const { getHtmlDocument } = (await import(pathToFileURL(renderer).href)) as typeof import('@scalar/core/libs/html-rendering');
      html = getHtmlDocument({ cdn: 'js/scalar.js', url: options.openApiUrl, pageTitle: options.title, title: options.title, _integration: 'fastify' } as never);
    }
    return reply.type('text/html; charset=utf-8').send(html);
  });
  app.get(`${options.prefix}/js/scalar.js`, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').send(fs.createReadStream(script)),
  );
}
