import { withArticle } from '../../core/errors.ts';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { blogPostCollection } from '../../core/blog-posts.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { recordCollections, type DashboardCollection } from '../platform/record-registry.ts';
import { idParam, webUrl } from '../platform/fields.ts';
import { filterValues, listQueryOf, type ListQuery, type ListSearch } from '../records-api/common.ts';

// The dashboard pages by number; `q` and the filters are the Records API list's own (one schema).
const browsePaging = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  deleted: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});
type BrowseQuery = z.output<typeof browsePaging> & { q?: string };
function browseQuery(search: ListSearch | undefined) {
  if (!search) return browsePaging;
  const { limit: _l, skip: _s, updatedAfter: _u, cursor: _c, includeDeleted: _d, includeTotal: _t, ...searchFields } = listQueryOf(search).shape;
  return browsePaging.extend(searchFields);
}

const blogPostFields = {
  title: z.string().trim().min(1).max(200),
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lowercase letters, digits and hyphens').max(80),
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
      description: c.ops.search
        ? 'Newest changes first; with `q`, search results in rank order (the Records API list\'s `q`, same ranking). Typed filters as on the Records API list. `deleted=true` lists the soft-deleted ones that can still be restored (without `q`).'
        : 'Newest changes first. `deleted=true` lists the soft-deleted ones that can still be restored.',
      tags,
      querystring: browseQuery(c.ops.search),
      responses: { 200: z.object({ data: z.array(c.record), total: z.number().int(), page: z.number().int(), limit: z.number().int() }) },
      handler: async (ctx, { query }) => {
        const q = query as BrowseQuery;
        const filters = filterValues(q as unknown as ListQuery, c.ops.search);
        const { rows, total } =
          q.q && q.q.trim() && !q.deleted
            ? await c.ops.list(ctx, { q: q.q, limit: q.limit, skip: (q.page - 1) * q.limit, includeTotal: true, filters })
            : await c.ops.listRecent(ctx, { page: q.page, limit: q.limit, deleted: q.deleted, filters });
        return { body: { data: rows, total: total ?? 0, page: q.page, limit: q.limit } };
      },
    });
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
