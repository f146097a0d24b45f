// Async iterators for the three pagination styles, each over any list path of its surface:
// Records follows `nextCursor` while `hasMore`; CRM counts `page` up to `pagination.total_pages`;
// the Storefront counts `page` up to `totalPages`. A failed page throws MotorsApiError.

export class MotorsApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly response: Response,
  ) {
    super(`${response.url ? new URL(response.url).pathname : 'request'} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'MotorsApiError';
  }
}

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type GetOk<Op> = Op extends { get: { responses: { 200: infer R } } } ? Json<R> : never;

/** The GET paths of `P` whose 200 body has the given shape. */
export type ListPath<P, Shape> = { [K in keyof P]: GetOk<P[K]> extends Shape ? K : never }[keyof P] & string;
export type ItemOf<P, K extends keyof P> = GetOk<P[K]> extends { data: (infer I)[] } ? I : never;
type Params<P, K extends keyof P> = P[K] extends { get: { parameters: infer X } } ? X : never;
type QueryOf<P, K extends keyof P> = Params<P, K> extends { query?: infer Q } ? NonNullable<Q> : never;
type PathOf<P, K extends keyof P> = Params<P, K> extends { path?: infer Q } ? Q : never;

export type PageOptions<P, K extends keyof P, Omitted extends string> = {
  /** Filters and page size; the paging parameters are the iterator's. */
  query?: Omit<QueryOf<P, K>, Omitted>;
  path?: PathOf<P, K>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

type Getter = (path: string, init: { params: { query?: object; path?: unknown }; headers?: Record<string, string>; signal?: AbortSignal }) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

async function page<T>(get: Getter, path: string, opts: { query?: object; path?: unknown; headers?: Record<string, string>; signal?: AbortSignal }, paging: object): Promise<T> {
  const { data, error, response } = await get(path, { params: { query: { ...opts.query, ...paging }, path: opts.path }, headers: opts.headers, signal: opts.signal });
  if (!response.ok || data === undefined) throw new MotorsApiError(response.status, error, response);
  return data as T;
}

export async function* cursorPages<I>(get: Getter, path: string, opts: PageOptions<any, any, never> = {}): AsyncGenerator<I> {
  let cursor: string | undefined;
  for (;;) {
    const body = await page<{ data: I[]; hasMore: boolean; nextCursor: string | null }>(get, path, opts, cursor ? { cursor } : {});
    yield* body.data;
    if (!body.hasMore || !body.nextCursor) return;
    cursor = body.nextCursor;
  }
}

export async function* numberedPages<I>(get: Getter, path: string, opts: PageOptions<any, any, never>, totalPages: (body: any) => number): AsyncGenerator<I> {
  for (let n = 1; ; n++) {
    const body = await page<{ data: I[] }>(get, path, opts, { page: n });
    yield* body.data;
    // An empty page ends it too: rows deleted while paging can shrink the total under us.
    if (n >= totalPages(body) || body.data.length === 0) return;
  }
}
