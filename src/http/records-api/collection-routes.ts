import { withArticle } from '../../core/errors.ts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { BrowseOptions, ListOptions } from '../../core/collection.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { ifNoneMatch } from '../platform/conditional.ts';
import { dataEnvelope, etag, filterValues, idParams, listBody, listEnvelope, listQueryOf, searchQueryText, syncOptions, type ListQuery, type ListSearch } from './common.ts';

type Record_ = { id: string; updatedAt: string };

export type CollectionOps<I> = {
  /** Its writes need no transaction (core/collection.ts `pure`): create and PUT run as `transaction: 'statement'` routes. */
  pure?: boolean;
  /** Its create can be one statement (core/collection.ts `createInOneStatement`): a `transaction: 'statement'` route. */
  createInOneStatement?: boolean;
  create(ctx: Ctx, input: I): Promise<Record_>;
  get(ctx: Ctx, id: string): Promise<Record_>;
  update(ctx: Ctx, id: string, input: I, opts: { ifMatch?: string }): Promise<Record_>;
  /** `q` and typed filters (core/search.ts), when the collection declares them. */
  search?: ListSearch;
  list(ctx: Ctx, opts: ListOptions): Promise<{ rows: Record_[]; total: number | null; hasMore: boolean; last?: { updatedAt: Date; id: string }; ranked?: true }>;
  remove(ctx: Ctx, id: string): Promise<Record_>;
  restore(ctx: Ctx, id: string): Promise<Record_>;
  /** The dashboard's pages and CSV export (core/collection.ts `listRecent`). */
  listRecent(ctx: Ctx, opts: BrowseOptions): Promise<{ rows: Record_[]; total: number }>;
};

/**
 * A Records API collection as the surfaces see it: its schemas and core operations. The Records
 * API registers its routes from it, the dashboard browses and edits it (the registry,
 * platform/record-registry.ts, lists every one).
 */
export type DashboardCollection = {
  /** Path segment and scope prefix, e.g. `workOrders`. */
  name: string;
  /** Singular for summaries, e.g. `work order`. */
  singular: string;
  plural: string;
  record: z.ZodType;
  create: z.ZodType;
  update: z.ZodType;
  ops: CollectionOps<never>;
  description?: string;
};

/** A collection's definition, its operations checked against what its schemas parse. */
export function recordCollection<C extends z.ZodType, U extends z.ZodType>(
  spec: Omit<DashboardCollection, 'create' | 'update' | 'ops'> & { create: C; update: U; ops: CollectionOps<z.output<C> & z.output<U>> },
): DashboardCollection {
  return spec as unknown as DashboardCollection;
}

// The four documented routes of one Records API collection:
// GET /:collection, POST /:collection, GET /:collection/:id, PUT /:collection/:id.
export function registerCollectionRoutes(app: FastifyInstance, deps: Deps, opts: DashboardCollection) {
  const tags = ['Records API'];
  const { name, ops } = opts;
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: `/${name}`,
    scope: `${name}:read`,
    summary: `List ${opts.plural}`,
    description: [
      opts.description,
      'Without `q`: ordered by `updatedAt`, then `id`. To sync: call with `updatedAfter` (or nothing), then follow `nextCursor` until `hasMore` is false; keep the last `nextUpdatedAfter` and pass it as `updatedAfter` on the next run. Records sharing one timestamp are never skipped or repeated within a run. Setting `updatedAfter` to the largest `updatedAt` you have seen is enough on its own: a page shows only writes that can no longer be overtaken by a slower one still committing (a long-running transaction can delay a record, never hide it), and a page never ends between records that share one `updatedAt` (it can then hold a few more than `limit`). Soft-deleted records are left out unless `includeDeleted=true`, which returns them as tombstones with `deletedAt`.',
      ops.search ? searchQueryText : undefined,
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags,
    querystring: listQueryOf(ops.search),
    responses: { 200: listEnvelope(opts.record) },
    handler: async (ctx, { query }) => {
      const q = query as ListQuery;
      return { body: listBody(q, await ops.list(ctx, { ...syncOptions(q), filters: filterValues(q, ops.search) })) };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'POST',
    path: `/${name}`,
    scope: `${name}:write`,
    summary: `Create ${withArticle(opts.singular)}`,
    description: `Fires \`crm.${name}.created\`.`,
    tags,
    body: opts.create,
    responses: { 201: dataEnvelope(opts.record) },
    transaction: ops.pure || ops.createInOneStatement ? 'statement' : undefined,
    handler: async (ctx, { body }) => {
      const record = await ops.create(ctx, body as never);
      return { status: 201, body: { data: record }, headers: { etag: etag(record) } };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: `/${name}/:id`,
    scope: `${name}:read`,
    summary: `Get ${withArticle(opts.singular)}`,
    description: 'The `ETag` header identifies this version; send it back as `If-Match` on PUT, or as `If-None-Match` here to be answered 304 Not Modified (no body) while the record is unchanged.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(opts.record), 304: z.null().meta({ description: 'Not Modified: the record still has the ETag sent in If-None-Match.' }) },
    handler: async (ctx, { params, req }) => {
      const record = await ops.get(ctx, params.id);
      const tag = etag(record);
      if (ifNoneMatch(req.headers['if-none-match'], tag)) return { status: 304, body: null, headers: { etag: tag } };
      return { body: { data: record }, headers: { etag: tag } };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'PUT',
    path: `/${name}/:id`,
    scope: `${name}:write`,
    summary: `Update ${withArticle(opts.singular)}`,
    description: `Partial update: fields you omit keep their values, \`null\` clears a field; \`updatedAt\` always moves. With \`If-Match: <ETag>\` the update is refused with 412 if the record changed since you read it. Fires \`crm.${name}.updated\`.`,
    tags,
    params: idParams,
    body: opts.update,
    responses: { 200: dataEnvelope(opts.record) },
    transaction: ops.pure ? 'statement' : undefined,
    handler: async (ctx, { params, body, req }) => {
      const ifMatch = req.headers['if-match'];
      const record = await ops.update(ctx, params.id, body as never, { ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined });
      return { body: { data: record }, headers: { etag: etag(record) } };
    },
  });
}
