import { useEffect, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { recordsApi } from '../api.ts';
import { toApiError } from './ui.tsx';
import { ariaSort, nextSort, pageWithin, PAGE_SIZES } from '../lib/list-state.ts';

// The tools of a records list: sortable column headers, the pager (first/previous/next/last,
// "Page N of M", jump to a page, page size) and the CSV export of the list's selection.

/**
 * The list's search box (the server's `q`, over every record): sent a moment after typing stops,
 * or at once with Enter; follows the URL when Back brings another search.
 */
export function ListSearchBox({ q, noun, describedBy, onSearch }: { q: string; noun: string; describedBy?: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(q);
  const sent = useRef(q);
  useEffect(() => {
    if (q === sent.current) return;
    sent.current = q;
    setText(q);
  }, [q]);
  const send = (value: string) => {
    if (value.trim() === sent.current.trim()) return;
    sent.current = value.trim();
    onSearch(value.trim());
  };
  useEffect(() => {
    const timer = setTimeout(() => send(text), 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <form
      role="search"
      className="search"
      onSubmit={(e) => {
        e.preventDefault();
        send(text);
      }}
    >
      <label>
        <span className="sr-only">Search {noun}</span>
        <input type="search" placeholder={`Search ${noun}…`} value={text} onChange={(e) => setText(e.target.value)} aria-describedby={describedBy} />
      </label>
    </form>
  );
}

/** A column header; with a sort key, a button that sorts by it (aria-sort says how it is sorted now). */
export function SortHeader({
  label,
  sortKey,
  applied,
  onSort,
  className,
}: {
  label: string;
  sortKey?: string;
  applied: string | null | undefined;
  onSort: (sort: string) => void;
  className?: string;
}) {
  if (!sortKey) return <th className={className}>{label}</th>;
  const state = ariaSort(applied, sortKey);
  return (
    <th className={className} aria-sort={state}>
      <button type="button" className="sort-button" onClick={() => onSort(nextSort(applied ?? undefined, sortKey))}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {state === 'ascending' ? '▲' : state === 'descending' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

/**
 * The same sorts as the column headers, as one select: at phone width the table is a list of cards
 * without its header row (styles.css), so this is how a phone sorts. Hidden at wider sizes.
 */
export function SortSelect({ columns, applied, onSort }: { columns: { label: string; sortKey?: string }[]; applied: string | null | undefined; onSort: (sort: string) => void }) {
  const keys = columns.filter((c): c is { label: string; sortKey: string } => Boolean(c.sortKey));
  if (keys.length === 0) return null;
  const current = applied ?? '';
  const known = keys.some((c) => current === c.sortKey || current === `-${c.sortKey}`);
  return (
    <label className="sort-select phone-only">
      <span>Sort by</span>
      <select value={known ? current : ''} onChange={(e) => e.target.value && onSort(e.target.value)}>
        {!known && <option value="">{current ? 'Custom order' : 'Best match'}</option>}
        {keys.flatMap((c) => [
          <option key={c.sortKey} value={c.sortKey}>
            {c.label}, ascending
          </option>,
          <option key={`-${c.sortKey}`} value={`-${c.sortKey}`}>
            {c.label}, descending
          </option>,
        ])}
      </select>
    </label>
  );
}

type PagerProps = {
  page: number;
  last: number;
  limit: number;
  /** "42 customers" */
  summary: ReactNode;
  /** What the pages are of, for the landmark's name ("customers"). */
  of: string;
  onPage: (page: number) => void;
  onLimit: (limit: number) => void;
};

export function Pager({ page, last, limit, summary, of, onPage, onLimit }: PagerProps) {
  const [typed, setTyped] = useState(String(page));
  useEffect(() => setTyped(String(page)), [page]);
  const jump = (e: FormEvent) => {
    e.preventDefault();
    const to = pageWithin(typed, last);
    if (to === undefined) return setTyped(String(page));
    setTyped(String(to));
    if (to !== page) onPage(to);
  };
  return (
    <nav className="pager" aria-label={`Pages of ${of}`}>
      <span className="muted">
        {summary} · Page {page} of {last}
      </span>
      <label className="field inline">
        <span className="sr-only">Per page</span>
        <select value={limit} onChange={(e) => onLimit(Number(e.target.value))}>
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n} per page
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(1)}>
        First
      </button>
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(Math.min(page - 1, last))}>
        Previous
      </button>
      <button type="button" className="btn btn-small" disabled={page >= last} onClick={() => onPage(page + 1)}>
        Next
      </button>
      <button type="button" className="btn btn-small" disabled={page >= last} onClick={() => onPage(last)}>
        Last
      </button>
      <form className="pager-jump" onSubmit={jump}>
        <label>
          <span>Go to page</span>
          <input type="number" inputMode="numeric" min={1} max={last} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-small">
          Go
        </button>
      </form>
    </nav>
  );
}

/**
 * "Export CSV": a link to the export of the list's selection. The click downloads it with this
 * environment's header (a plain link would always export test data), under the link's file name.
 */
export function ExportCsvLink({ collection, query, onError }: { collection: string; query: URLSearchParams; onError: (message: string) => void }) {
  const [busy, setBusy] = useState(false);
  const filename = `${collection}.csv`;
  const download = async (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const url = URL.createObjectURL(await recordsApi.csv(collection, query));
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      onError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <a className="btn" href={recordsApi.csvPath(collection, query)} download={filename} onClick={download} aria-disabled={busy || undefined}>
      {busy ? 'Exporting…' : 'Export CSV'}
    </a>
  );
}
