// A records list's state, kept in the page's URL (?page=&limit=&sort=&q=&view=deleted and any
// typed filter such as ?status=sent), so Back returns to the same page, order and filter, and a
// list can be bookmarked or shared. Pure functions: the page pushes what they build.

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_LIMIT = 25;

export type ListState = {
  page: number;
  limit: number;
  /** A value of the server's `sort` (`email`, `-updatedAt`); undefined: the list's default order. */
  sort?: string;
  q: string;
  deleted: boolean;
  /** Typed filters, passed to the server as they are (`status=sent`, `customerId=…`). */
  filters: Record<string, string>;
};

const OWN = new Set(['page', 'limit', 'sort', 'q', 'view']);

export function parseListState(search: string): ListState {
  const p = new URLSearchParams(search);
  const page = Math.floor(Number(p.get('page')));
  const limit = Number(p.get('limit'));
  const filters: Record<string, string> = {};
  for (const [k, v] of p) if (!OWN.has(k) && v) filters[k] = v;
  return {
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_LIMIT,
    sort: p.get('sort') || undefined,
    q: p.get('q') ?? '',
    deleted: p.get('view') === 'deleted',
    filters,
  };
}

/** The URL query of a state (leading `?`, or '' for the default list); defaults are left out. */
export function listSearch(s: ListState): string {
  const p = new URLSearchParams();
  if (s.deleted) p.set('view', 'deleted');
  if (s.q.trim()) p.set('q', s.q.trim());
  for (const [k, v] of Object.entries(s.filters)) p.set(k, v);
  if (s.sort) p.set('sort', s.sort);
  if (s.limit !== DEFAULT_LIMIT) p.set('limit', String(s.limit));
  if (s.page > 1) p.set('page', String(s.page));
  const query = p.toString();
  return query ? `?${query}` : '';
}

/** The state after a change: any change but the page's starts again at page 1. */
export function changed(s: ListState, change: Partial<ListState>): ListState {
  return { ...s, ...change, page: 'page' in change && change.page !== undefined ? change.page : 1 };
}

/** The server's query for the same selection (the list's page, or with `paging: false` the CSV export's). */
export function apiQuery(s: ListState, opts: { paging: boolean } = { paging: true }): URLSearchParams {
  const p = new URLSearchParams();
  if (opts.paging) {
    p.set('page', String(s.page));
    p.set('limit', String(s.limit));
  }
  if (s.deleted) p.set('deleted', 'true');
  if (s.q.trim()) p.set('q', s.q.trim());
  for (const [k, v] of Object.entries(s.filters)) p.set(k, v);
  if (s.sort) p.set('sort', s.sort);
  return p;
}

/** A column header's click: ascending first, then descending, then ascending again. */
export const nextSort = (current: string | undefined, key: string): string => (current === key ? `-${key}` : key);

/** `aria-sort` of a column sorted by `key`, given the order applied (the server's `sort`). */
export function ariaSort(applied: string | null | undefined, key: string): 'ascending' | 'descending' | 'none' {
  if (applied === key) return 'ascending';
  if (applied === `-${key}`) return 'descending';
  return 'none';
}

/** The last page (at least 1) of `total` records in pages of `limit`. */
export const lastPage = (total: number, limit: number): number => Math.max(1, Math.ceil(total / limit));

/** A page number typed by a person, kept within 1…last; undefined when it is not a number. */
export function pageWithin(typed: string, last: number): number | undefined {
  const n = Math.floor(Number(typed));
  if (!typed.trim() || !Number.isFinite(n)) return undefined;
  return Math.min(Math.max(1, n), last);
}

/** The sort key of a column: its own, or the first of its candidates the list offers. */
export function columnSort(sort: string | readonly string[] | undefined, sortable: readonly string[]): string | undefined {
  const candidates = typeof sort === 'string' ? [sort] : (sort ?? []);
  return candidates.find((k) => sortable.includes(k));
}
