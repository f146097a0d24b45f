import { and, desc, eq, gte, sql, count, type SQL } from 'drizzle-orm';
import type { Queryable } from '../storage/db.ts';
import { requestLogs } from '../storage/schema/index.ts';
import type { Ctx, Environment } from './context.ts';
import { scoped } from '../storage/tenant-scope.ts';
import { newId } from './ids.ts';

export type RequestLogEntry = {
  tenantId: string;
  environment: Environment;
  keyId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  requestId: string;
  createdAt: Date;
};

// Requests are logged off the hot path: entries are buffered and written in one insert every
// second (or every 500 entries). A crash can lose the last second of log lines, never a request.
export function createRequestLogWriter(db: Queryable, onError: (err: Error) => void) {
  let buffer: (RequestLogEntry & { id: string })[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    if (!buffer.length) return;
    const batch = buffer;
    buffer = [];
    // One array per column and a constant SQL text: building a 500-row insert through the query
    // builder cost more CPU than the requests it logged (profile in docs/benchmarks.md).
    const column = <K extends keyof (typeof batch)[number]>(k: K) => sql.param(batch.map((e) => e[k]));
    await db
      .execute(
        sql`insert into ${requestLogs} (tenant_id, environment, id, key_id, method, path, status, duration_ms, request_id, created_at)
            select * from unnest(${column('tenantId')}::text[], ${column('environment')}::text[], ${column('id')}::text[],
              ${column('keyId')}::text[], ${column('method')}::text[], ${column('path')}::text[], ${column('status')}::int[],
              ${column('durationMs')}::int[], ${column('requestId')}::text[], ${sql.param(batch.map((e) => e.createdAt.toISOString()))}::timestamptz[])`,
      )
      .catch((err: Error) => onError(err));
  };
  const timer = setInterval(() => {
    flushing = flush();
  }, 1000);
  timer.unref();
  return {
    add(entry: RequestLogEntry) {
      buffer.push({ ...entry, id: newId() });
      if (buffer.length >= 500) flushing = flush();
    },
    async close() {
      clearInterval(timer);
      await flushing;
      await flush();
    },
    flush,
  };
}
export type RequestLogWriter = ReturnType<typeof createRequestLogWriter>;

/** The caller's environment's requests, newest first. */
export async function listRequestLogs(ctx: Ctx, q: { keyId?: string; status?: 'success' | 'error'; limit: number; page: number }) {
  const db = ctx.db;
  const where: SQL[] = [scoped(ctx, requestLogs)];
  if (q.keyId) where.push(eq(requestLogs.keyId, q.keyId));
  if (q.status === 'error') where.push(gte(requestLogs.status, 400));
  if (q.status === 'success') where.push(sql`${requestLogs.status} < 400`);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(requestLogs)
      .where(and(...where))
      .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    db
      .select({ total: count() })
      .from(requestLogs)
      .where(and(...where)),
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      keyId: r.keyId,
      environment: r.environment,
      method: r.method,
      path: r.path,
      status: r.status,
      durationMs: r.durationMs,
      requestId: r.requestId,
      createdAt: r.createdAt.toISOString(),
    })),
    total: Number(total),
  };
}

/** Requests and errors per hour over the last `days` days, per key when given. */
export async function requestStats(ctx: Ctx, q: { keyId?: string; days: number }) {
  const db = ctx.db;
  const since = new Date(Date.now() - q.days * 86400_000);
  const where: SQL[] = [scoped(ctx, requestLogs), gte(requestLogs.createdAt, since)];
  if (q.keyId) where.push(eq(requestLogs.keyId, q.keyId));
  const hour = sql<string>`to_char(date_trunc('hour', ${requestLogs.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24":00:00Z"')`;
  const rows = await db
    .select({ hour, requests: count(), errors: sql<number>`count(*) filter (where ${requestLogs.status} >= 400)` })
    .from(requestLogs)
    .where(and(...where))
    .groupBy(hour)
    .orderBy(hour);
  return rows.map((r) => ({ hour: r.hour, requests: Number(r.requests), errors: Number(r.errors) }));
}

export async function pruneRequestLogs(db: Queryable, days = 30): Promise<void> {
  await db.delete(requestLogs).where(sql`${requestLogs.createdAt} < ${new Date(Date.now() - days * 86400_000).toISOString()}`);
}
