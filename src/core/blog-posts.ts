import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { blogPosts } from '../storage/schema/index.ts';
import { scoped } from '../storage/tenant-scope.ts';
import { AppError } from './errors.ts';
import { defineCollection, defined } from './collection.ts';
import { newId } from './ids.ts';
import { slugify } from './slug.ts';

export type BlogPostRow = typeof blogPosts.$inferSelect;
export type BlogPostInput = {
  title?: string;
  slug?: string;
  excerpt?: string | null;
  body?: string;
  coverImageUrl?: string | null;
  author?: string | null;
  tags?: string[];
  status?: 'draft' | 'published';
};

export function blogPostView(row: BlogPostRow) {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    excerpt: row.excerpt,
    body: row.body,
    coverImageUrl: row.coverImageUrl,
    author: row.author,
    tags: row.tags,
    status: row.status,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const postSlug = (title: string) => slugify(title).slice(0, 80) || newId().slice(-8);

export const blogPostCollection = defineCollection({
  name: 'blogPosts',
  label: 'Blog post',
  table: blogPosts,
  view: blogPostView,
  prepare: async (ctx: Ctx, input: BlogPostInput, current) => {
    const patch: Partial<BlogPostRow> = defined({ ...input }) as Partial<BlogPostRow>;
    if (!current) {
      if (!input.title) throw new AppError('validation_failed', 'title: required', { fields: [{ field: 'title', message: 'required' }] });
      if (!input.body) throw new AppError('validation_failed', 'body: required', { fields: [{ field: 'body', message: 'required' }] });
      patch.slug = input.slug ?? postSlug(input.title);
      patch.status = input.status ?? 'draft';
    }
    if (patch.slug && patch.slug !== current?.slug) {
      const [clash] = await ctx.db
        .select({ id: blogPosts.id })
        .from(blogPosts)
        .where(scoped(ctx, blogPosts, eq(blogPosts.slug, patch.slug)))
        .limit(1);
      if (clash) throw new AppError('conflict', `slug: another post already uses "${patch.slug}"`, { fields: [{ field: 'slug', message: 'already used' }] });
    }
    // Publishing stamps the date once; unpublishing keeps it for the record.
    if (patch.status === 'published' && !current?.publishedAt) patch.publishedAt = new Date();
    return patch;
  },
});

export async function listPublished(ctx: Ctx, page: number, limit: number) {
  const where = scoped(ctx, blogPosts, eq(blogPosts.status, 'published'), isNull(blogPosts.deletedAt));
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select()
      .from(blogPosts)
      .where(where)
      .orderBy(desc(blogPosts.publishedAt), desc(blogPosts.id))
      .limit(limit)
      .offset((page - 1) * limit),
    ctx.db.select({ total: count() }).from(blogPosts).where(and(where)),
  ]);
  return { rows: rows.map(blogPostView), total: Number(total) };
}
