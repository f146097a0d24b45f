import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { listPublished } from '../../core/blog-posts.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { list, listEnvelope, pageQuery } from './common.ts';

const post = z
  .object({
    id: z.string(),
    title: z.string(),
    slug: z.string(),
    excerpt: z.string().nullable(),
    body: z.string(),
    coverImageUrl: z.string().nullable(),
    author: z.string().nullable(),
    tags: z.array(z.string()),
    publishedAt: z.string().nullable(),
    createdDate: z.string(),
    updatedDate: z.string(),
  })
  .meta({ id: 'StorefrontBlogPost' });

export function registerBlogs(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps, 'storefront', {
    method: 'GET',
    path: '/blogs',
    scope: 'blogs:read',
    summary: 'Get list of blog/content posts',
    description: "The dealer's published posts, newest first. Posts are written in the dashboard.",
    tags: ['Storefront API'],
    querystring: z.strictObject(pageQuery(20, 100)),
    responses: { 200: listEnvelope(post) },
    handler: async (ctx, { query }) => {
      const { rows, total } = await listPublished(ctx, query.page, query.limit);
      const data = rows.map(({ createdAt, updatedAt, status: _status, ...p }) => ({ ...p, createdDate: createdAt, updatedDate: updatedAt }));
      return { body: list(data, total, query.page, query.limit) };
    },
  });
}
