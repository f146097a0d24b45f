import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import type { SyncListOptions } from '../../core/listing.ts';
import { defineRoute, type Deps } from '../platform/route.ts';
import { dataEnvelope, etag, idParams, listBody, listEnvelope, listQuery, syncOptions } from './common.ts';

type Record_ = { id: string; updatedAt: string };

export type CollectionOps<I> = {
  create(ctx: Ctx, input: I): Promise<Record_>;
  get(ctx: Ctx, id: string): Promise<Record_>;
  update(ctx: Ctx, id: string, input: I, opts: { ifMatch?: string }): Promise<Record_>;
  list(ctx: Ctx, opts: SyncListOptions): Promise<{ rows: Record_[]; total: number | null; hasMore: boolean; last?: { updatedAt: Date; id: string } }>;
  remove(ctx: Ctx, id: string): Promise<Record_>;
  restore(ctx: Ctx, id: string): Promise<Record_>;
  listRecent(ctx: Ctx, opts: { page: number; limit: number; deleted?: boolean }): Promise<{ rows: Record_[]; total: number }>;
};

/** What the dashboard can browse and edit: every collection registered here, with its schemas. */
export type DashboardCollection = {
  name: string;
  singular: string;
  plural: string;
  record: z.ZodType;
  create: z.ZodType;
  update: z.ZodType;
  ops: CollectionOps<never>;
};
// Per server instance (tests run several in one process).
const dashboardCollections = new WeakMap<FastifyInstance, DashboardCollection[]>();
export const dashboardCollectionsOf = (app: FastifyInstance): DashboardCollection[] => dashboardCollections.get(app) ?? [];

// The four documented routes of one Records API collection:
// GET /:collection, POST /:collection, GET /:collection/:id, PUT /:collection/:id.
export function registerCollectionRoutes<C extends z.ZodType, U extends z.ZodType>(
  app: FastifyInstance,
  deps: Deps,
  opts: {
    /** Path segment and scope prefix, e.g. `workOrders`. */
    name: string;
    /** Singular for summaries, e.g. `work order`. */
    singular: string;
    plural: string;
    record: z.ZodType;
    create: C;
    update: U;
    ops: CollectionOps<z.output<C> & z.output<U>>;
    description?: string;
  },
) {
  const tags = ['Records API'];
  const { name, ops } = opts;
  dashboardCollections.set(app, [...dashboardCollectionsOf(app), opts as unknown as DashboardCollection]);
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: `/${name}`,
    scope: `${name}:read`,
    summary: `List ${opts.plural}`,
    description: [
      opts.description,
      'Ordered by `updatedAt`, then `id`. To sync: call with `updatedAfter` (or nothing), then follow `nextCursor` until `hasMore` is false; keep the last `nextUpdatedAfter` and pass it as `updatedAfter` on the next run. Records sharing one timestamp are never skipped or repeated within a run. Writes still committing while you read can carry a slightly earlier `updatedAt` than records you already saw, so start each run a few seconds before the checkpoint (`updatedAfter` = checkpoint − 5 s) and skip records whose `id` + `updatedAt` you already have. Soft-deleted records are left out unless `includeDeleted=true`, which returns them as tombstones with `deletedAt`.',
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags,
    querystring: listQuery,
    responses: { 200: listEnvelope(opts.record) },
    handler: async (ctx, { query }) => ({ body: listBody(query, await ops.list(ctx, syncOptions(query))) }),
  });
  defineRoute(app, deps, 'records', {
    method: 'POST',
    path: `/${name}`,
    scope: `${name}:write`,
    summary: `Create a ${opts.singular}`,
    description: `Fires \`crm.${name}.created\`.`,
    tags,
    body: opts.create,
    responses: { 201: dataEnvelope(opts.record) },
    handler: async (ctx, { body }) => {
      const record = await ops.create(ctx, body as z.output<C> & z.output<U>);
      return { status: 201, body: { data: record }, headers: { etag: etag(record) } };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: `/${name}/:id`,
    scope: `${name}:read`,
    summary: `Get a ${opts.singular}`,
    description: 'The `ETag` header identifies this version; send it back as `If-Match` on PUT.',
    tags,
    params: idParams,
    responses: { 200: dataEnvelope(opts.record) },
    handler: async (ctx, { params }) => {
      const record = await ops.get(ctx, params.id);
      return { body: { data: record }, headers: { etag: etag(record) } };
    },
  });
  defineRoute(app, deps, 'records', {
    method: 'PUT',
    path: `/${name}/:id`,
    scope: `${name}:write`,
    summary: `Update a ${opts.singular}`,
    description: `Partial update: fields you omit keep their values, \`null\` clears a field; \`updatedAt\` always moves. With \`If-Match: <ETag>\` the update is refused with 412 if the record changed since you read it. Fires \`crm.${name}.updated\`.`,
    tags,
    params: idParams,
    body: opts.update,
    responses: { 200: dataEnvelope(opts.record) },
    handler: async (ctx, { params, body, req }) => {
      const ifMatch = req.headers['if-match'];
      const record = await ops.update(ctx, params.id, body as z.output<C> & z.output<U>, { ifMatch: typeof ifMatch === 'string' ? ifMatch : undefined });
      return { body: { data: record }, headers: { etag: etag(record) } };
    },
  });
}
