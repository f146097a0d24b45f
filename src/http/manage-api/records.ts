import { withArticle } from '../../core/errors.ts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { blogPostCollection } from '../../core/blog-posts.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { recordCollections, type DashboardCollection } from '../platform/record-registry.ts';
import { idParam, webUrl } from '../platform/fields.ts';
import { browseEnvelope, browsePage, browseQuery, registerRecordsCsv, type BrowseQuery } from './record-lists.ts';

const blogPostFields = {
  title: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lowercase letters, digits and hyphens')
    .max(80),
  excerpt: z.string().max(500).nullable(),
  body: z.string().min(1).max(100_000),
  coverImageUrl: webUrl().nullable(),
  author: z.string().max(100).nullable(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20),
  status: z.enum(['draft', 'published']),
};
const blogPosts: DashboardCollection = {
  name: 'blogPosts',
  singular: 'blog post',
  plural: 'blog posts',
  record: z.object({ id: z.string(), ...blogPostFields, publishedAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string() }).meta({ id: 'BlogPost' }),
  create: z.strictObject(blogPostFields).partial().required({ title: true, body: true }),
  update: z.strictObject(blogPostFields).partial(),
  ops: blogPostCollection as unknown as DashboardCollection['ops'],
};

// /manage/v1/records/<collection>: the dashboard's view of every Records API collection (and
// blog posts), generated from the same schemas and core operations the public API uses.
export function registerManageRecords(app: FastifyInstance, deps: Deps) {
  const tags = ['Management API'];
  const all = [...recordCollections, blogPosts];
  const idParams = idParam();

  defineRoute(app, deps, 'manage', {
    method: 'GET',
    path: '/records',
    scope: null,
    summary: 'The record collections the dashboard can browse',
    tags,
    responses: { 200: z.object({ data: z.array(z.object({ name: z.string(), singular: z.string(), plural: z.string() })) }) },
    handler: async () => ({ body: { data: all.map(({ name, singular, plural }) => ({ name, singular, plural })) } }),
  });

  for (const c of all) {
    const base = `/records/${c.name}`;
    const one = z.object({ data: c.record });
    defineRoute(app, deps, 'manage', {
      method: 'GET',
      path: base,
      scope: 'records:manage',
      summary: `Browse ${c.plural}`,
      description: [
        c.ops.search
          ? "Newest changes first, or in `sort`'s order; with `q`, search results in rank order (the Records API list's `q`, same ranking) unless `sort` is given. Typed filters as on the Records API list. `deleted=true` lists the soft-deleted ones that can still be restored (`q` searches those then)."
          : "Newest changes first, or in `sort`'s order. `deleted=true` lists the soft-deleted ones that can still be restored.",
        `The same selection as a file: \`GET /manage/v1/records/${c.name}.csv\`.`,
      ].join(' '),
      tags,
      querystring: browseQuery(c.name, c.ops.search),
      responses: { 200: browseEnvelope(c.record) },
      handler: async (ctx, { query }) => ({ body: await browsePage(ctx, c, query as BrowseQuery) }),
    });
    registerRecordsCsv(app, deps, c);
    defineRoute(app, deps, 'manage', {
      method: 'GET',
      path: `${base}/:id`,
      scope: 'records:manage',
      summary: `Get ${withArticle(c.singular)}`,
      tags,
      params: idParams,
      responses: { 200: one },
      handler: async (ctx, { params }) => ({ body: { data: await c.ops.get(ctx, params.id) } }),
    });
    defineRoute(app, deps, 'manage', {
      method: 'POST',
      path: base,
      scope: 'records:manage',
      summary: `Create ${withArticle(c.singular)}`,
      tags,
      body: c.create,
      responses: { 201: one },
      handler: async (ctx, { body }) => ({ status: 201, body: { data: await c.ops.create(ctx, body as never) } }),
    });
    defineRoute(app, deps, 'manage', {
      method: 'PUT',
      path: `${base}/:id`,
      scope: 'records:manage',
      summary: `Update ${withArticle(c.singular)}`,
      tags,
      params: idParams,
      body: c.update,
      responses: { 200: one },
      handler: async (ctx, { params, body }) => ({ body: { data: await c.ops.update(ctx, params.id, body as never, {}) } }),
    });
    defineRoute(app, deps, 'manage', {
      method: 'DELETE',
      path: `${base}/:id`,
      scope: 'records:manage',
      summary: `Delete ${withArticle(c.singular)} (restorable for 30 days)`,
      tags,
      params: idParams,
      responses: { 200: one },
      handler: async (ctx, { params }) => ({ body: { data: await c.ops.remove(ctx, params.id) } }),
    });
    defineRoute(app, deps, 'manage', {
      method: 'POST',
      path: `${base}/:id/restore`,
      scope: 'records:manage',
      summary: `Restore a deleted ${c.singular}`,
      tags,
      params: idParams,
      responses: { 200: one },
      handler: async (ctx, { params }) => ({ body: { data: await c.ops.restore(ctx, params.id) } }),
    });
  }
}
