import { pgTable, text, timestamp, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantColumns, recordTimestamps } from './columns.ts';

// The dealer's own articles, written in the dashboard and shown on the storefront.
export const blogPosts = pgTable(
  'blog_posts',
  {
    ...tenantColumns(),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    excerpt: text('excerpt'),
    body: text('body').notNull(),
    coverImageUrl: text('cover_image_url'),
    author: text('author'),
    tags: text('tags').array().notNull().default([]),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    ...recordTimestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('blog_posts_slug_uq').on(t.tenantId, t.environment, t.slug),
    index('blog_posts_published_idx').on(t.tenantId, t.environment, t.status, t.publishedAt),
  ],
);
