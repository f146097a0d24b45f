import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { recordsApi, type RecordRow } from '../api.ts';
import { recordTitle, slugOf } from '../lib/records.ts';
import { BASE, navigate } from '../router.tsx';

// The server's search (`q` on /manage/v1/records/<collection>) in two shapes: a combobox that picks
// a record for a reference field, and the global search box (`/`) across the main collections.

/** How long typing pauses before a search is sent. */
const DEBOUNCE_MS = 200;

/** A record's name in a list of results: motors by year/make/model, everything else by recordTitle. */
function resultTitle(collection: string, r: RecordRow): string {
  if (collection === 'motors') {
    const name = [r.year, r.make, r.model].filter(Boolean).join(' ');
    if (name) return name;
  }
  return recordTitle(r);
}

/** The second line: what tells two namesakes apart (email, phone, VIN, stock number, status). */
function resultDetail(collection: string, r: RecordRow): string {
  const keys: Record<string, string[]> = {
    customers: ['email', 'mobile', 'phone'],
    motors: ['stockNumber', 'vin', 'plate'],
    invoices: ['status', 'issueDate'],
    leads: ['contactEmail', 'contactPhone', 'status'],
    workOrders: ['status'],
  };
  return (keys[collection] ?? ['email', 'status'])
    .map((k) => r[k])
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .join(' · ');
}

/** Results of `q` in one collection, debounced; the newest records while `q` is blank. */
function useSearch(collection: string, q: string, limit: number, enabled = true) {
  const [state, setState] = useState<{ rows: RecordRow[]; loading: boolean; failed: boolean }>({ rows: [], loading: false, failed: false });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      recordsApi.list(collection, { page: 1, limit, q }).then(
        (r) => live && setState({ rows: r.data, loading: false, failed: false }),
        () => live && setState({ rows: [], loading: false, failed: true }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [collection, q, limit, enabled]);
  return state;
}

/**
 * An async combobox over one collection (WAI-ARIA combobox with a listbox): type to search the
 * server, arrows and Enter (or a click) to choose. Every record can be chosen, not only the newest.
 */
export function RecordCombobox({
  id,
  collection,
  value,
  required,
  emptyLabel,
  onChange,
  'aria-invalid': invalid,
  'aria-describedby': describedBy,
}: {
  id: string;
  collection: string;
  value: string | null;
  required?: boolean;
  emptyLabel?: string;
  onChange: (id: string | null) => void;
  /** From the form's field errors (components/ui.tsx invalidProps), like every other input. */
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [chosen, setChosen] = useState<RecordRow>();
  const results = useSearch(collection, text, 10, open);
  const rows = results.rows;

  // The title of a value set from outside (an existing record's reference).
  useEffect(() => {
    if (!value) return setChosen(undefined);
    if (chosen?.id === value) return;
    let live = true;
    recordsApi.get(collection, value).then(
      (r) => live && setChosen(r),
      () => live && setChosen({ id: value }),
    );
    return () => {
      live = false;
    };
  }, [collection, value, chosen?.id]);

  const choose = (r: RecordRow | null) => {
    setChosen(r ?? undefined);
    onChange(r?.id ?? null);
    setOpen(false);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((a) => Math.min(a + 1, rows.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      if (rows[active]) choose(rows[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      setText('');
    }
  };

  const shown = open ? text : chosen ? resultTitle(collection, chosen) : '';
  return (
    <div className="combobox">
      <input
        id={id}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && rows[active] ? `${listId}-${active}` : undefined}
        aria-required={required}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        autoComplete="off"
        placeholder={emptyLabel ?? 'Search…'}
        value={shown}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
      />
      {value && !required && (
        <button type="button" className="icon-btn combobox-clear" aria-label="Clear" onClick={() => choose(null)}>
          ×
        </button>
      )}
      {open && (
        <ul className="combobox-list" id={listId} role="listbox">
          {results.loading && rows.length === 0 && <li className="muted small combobox-note">Searching…</li>}
          {!results.loading && rows.length === 0 && (
            <li className="muted small combobox-note">
              {results.failed ? 'The search failed; try again.' : text ? `No match for “${text}”.` : `No ${collection} yet in this environment: create one first.`}
            </li>
          )}
          {rows.map((r, i) => (
            <li
              key={r.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => choose(r)}
            >
              <span>{resultTitle(collection, r)}</span>
              <span className="muted small">{resultDetail(collection, r)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const globalCollections: { name: string; title: string }[] = [
  { name: 'customers', title: 'Customers' },
  { name: 'motors', title: 'Vehicles' },
  { name: 'invoices', title: 'Invoices' },
  { name: 'leads', title: 'Leads' },
  { name: 'workOrders', title: 'Work orders' },
];

const typingIn = (el: EventTarget | null) => el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

/** The dashboard's search box across customers, vehicles, invoices, leads and work orders; `/` opens it. */
export function GlobalSearch() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const d = dialog.current;
    if (open && d && !d.open) d.showModal();
    if (!open && d?.open) d.close();
  }, [open]);
  return (
    <>
      <button type="button" className="btn btn-small btn-ghost search-open" onClick={() => setOpen(true)} aria-keyshortcuts="/">
        Search <kbd>/</kbd>
      </button>
      <dialog ref={dialog} className="modal modal-wide global-search" aria-label="Search records" onClose={() => setOpen(false)}>
        {open && <SearchPanel onDone={() => setOpen(false)} />}
      </dialog>
    </>
  );
}

function SearchPanel({ onDone }: { onDone: () => void }) {
  const [q, setQ] = useState('');
  const go = (collection: string, id: string) => {
    onDone();
    navigate(`${BASE}/records/${slugOf(collection)}/${id}`);
  };
  return (
    <div className="modal-body">
      <input
        // Not type=search: there Escape first clears the text, and should close the box at once.
        type="text"
        role="searchbox"
        className="global-search-input"
        aria-label="Search customers, vehicles, invoices, leads and work orders"
        placeholder="Name, email, phone, VIN, stock or invoice number…"
        autoFocus
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {q.trim() ? (
        <div className="global-search-results">
          {globalCollections.map((c) => (
            <SearchGroup key={c.name} collection={c.name} title={c.title} q={q} onPick={go} />
          ))}
        </div>
      ) : (
        <p className="muted small">Type to search; Esc closes. Press / anywhere (outside a text field) to open this box.</p>
      )}
    </div>
  );
}

function SearchGroup({ collection, title, q, onPick }: { collection: string; title: string; q: string; onPick: (collection: string, id: string) => void }) {
  const { rows, loading, failed } = useSearch(collection, q, 5);
  if (!loading && !failed && rows.length === 0) return null;
  return (
    <section className="search-group" aria-label={title}>
      <h3>{title}</h3>
      {failed && <p className="muted small">The search of {title.toLowerCase()} failed; try again.</p>}
      {loading && rows.length === 0 && <p className="muted small">Searching…</p>}
      <ul>
        {rows.map((r) => (
          <li key={r.id}>
            <a
              href={`${BASE}/records/${slugOf(collection)}/${r.id}`}
              onClick={(e) => {
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                e.preventDefault();
                onPick(collection, r.id);
              }}
            >
              <span>{resultTitle(collection, r)}</span>
              <span className="muted small">{resultDetail(collection, r)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
