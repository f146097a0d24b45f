import { useCallback, useEffect, useMemo, useState } from 'react';
import { recordsApi, type Environment, type RecordRow } from '../api.ts';
import { Empty, ErrorBox, Loading, Modal, PageHeader, useAsync } from '../components/ui.tsx';
import { ConfirmDialog, Toast } from '../components/confirm.tsx';
import { RecordForm } from '../components/record-form.tsx';
import { ExportCsvLink, ListSearchBox, Pager, SortHeader, SortSelect } from '../components/list-tools.tsx';
import { columnsOf } from '../lib/record-config.ts';
import { apiQuery, changed, columnSort, lastPage, listSearch, parseListState, type ListState } from '../lib/list-state.ts';
import { collectionOf, deletable, recordTitle, slugOf, statusTone } from '../lib/records.ts';
import { formatDateTime, formatNumber, relativeTime } from '../lib/format.ts';
import { BASE, Link, navigate, useLocationSearch } from '../router.tsx';
import { RecordDetail, RefName } from './record-detail.tsx';
import { Customer360Page } from './customer-360.tsx';
import { VehicleHistory } from './vehicle-history.tsx';
import { importPath, type ImportCollection } from './import.tsx';

/** The lists with an "Import CSV" button (the import page's collections). */
const IMPORTABLE: readonly string[] = ['customers', 'motors', 'inventoryItems'] satisfies ImportCollection[];
export const recordsPath = (collection: string, id?: string) => `${BASE}/records/${slugOf(collection)}${id ? `/${id}` : ''}`;
// Where a record page's "← <list>" goes: the list as last paged, sorted and searched in this tab.
const lastView = (collection: string) => `motors.list.${collection}`;
export const listPath = (collection: string) => `${recordsPath(collection)}${sessionStorage.getItem(lastView(collection)) ?? ''}`;

const titles: Record<string, { title: string; singular: string; description: string }> = {
  customers: { title: 'Customers', singular: 'customer', description: 'People and companies you sell to and service for.' },
  motors: { title: 'Vehicles', singular: 'vehicle', description: 'Stock for sale, rental or auction, and customers’ cars in for service.' },
  invoices: { title: 'Invoices', singular: 'invoice', description: 'Numbered without gaps; status changes follow draft → sent → paid (or void).' },
  leads: { title: 'Leads', singular: 'lead', description: 'Sales and service enquiries from your website, phone and marketplaces.' },
  workOrders: { title: 'Work orders', singular: 'work order', description: 'Repair orders: jobs with labour and parts, from estimate to invoice.' },
};
export function collectionTitle(collection: string, fallback?: { plural: string; singular: string }) {
  const t = titles[collection];
  if (t) return t;
  const plural = fallback?.plural ?? collection.replace(/([A-Z])/g, ' $1').toLowerCase();
  return { title: plural.charAt(0).toUpperCase() + plural.slice(1), singular: fallback?.singular ?? plural.replace(/s$/, ''), description: '' };
}

/** /records/<slug>[/<id>]: the list of a collection or one record. */
export function RecordsPage({ rest, env }: { rest: string; env: Environment }) {
  if (!rest) return <CollectionsIndex />;
  const [slug, id] = rest.split('/');
  const collection = collectionOf(slug);
  if (id && collection === 'customers') return <Customer360Page key={id} id={id} env={env} />;
  if (id && collection === 'motors')
    return (
      <>
        <RecordDetail key={`${collection}/${id}`} collection={collection} id={id} env={env} />
        <VehicleHistory key={`history/${id}`} id={id} env={env} />
      </>
    );
  if (id) return <RecordDetail key={`${collection}/${id}`} collection={collection} id={id} env={env} />;
  return <RecordList key={collection} collection={collection} env={env} />;
}

function CollectionsIndex() {
  const list = useAsync(() => recordsApi.collections(), []);
  return (
    <>
      <PageHeader title="All records" description="Every collection of the Records API, to browse, edit and restore." />
      {list.loading && <Loading />}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && (
        <ul className="collection-grid">
          {list.data.map((c) => (
            <li key={c.name}>
              <Link to={recordsPath(c.name)} className="card collection-card">
                <strong>{collectionTitle(c.name, c).title}</strong>
                <span className="muted small">{c.name}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RecordList({ collection, env }: { collection: string; env: Environment }) {
  const search = useLocationSearch();
  const state = useMemo(() => parseListState(search), [search]);
  const { deleted } = state;
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<RecordRow>();
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const meta = useAsync(() => recordsApi.collections(), []);
  const info = collectionTitle(
    collection,
    meta.data?.find((c) => c.name === collection),
  );
  const query = apiQuery(state).toString();
  const list = useAsync(() => recordsApi.page(collection, new URLSearchParams(query)), [collection, query, env]);
  // Every change of the list is a new history entry (Back returns to the page, order and filter
  // before it); any change but the page's starts again at page 1.
  useEffect(() => sessionStorage.setItem(lastView(collection), listSearch(state)), [collection, state]);
  const update = (change: Partial<ListState>) => navigate(`${recordsPath(collection)}${listSearch(changed(parseListState(location.search), change))}`);

  const rows = list.data?.data ?? [];
  const cols = columnsOf(collection, rows[0]);
  const sortable = list.data?.sortable ?? [];
  const applied = list.data ? list.data.sort : (state.sort ?? null);
  const total = list.data?.total ?? 0;
  const pages = lastPage(total, state.limit);
  const noun = info.title.toLowerCase();
  const importable = IMPORTABLE.includes(collection) ? (collection as ImportCollection) : undefined;

  const restore = async (r: RecordRow) => {
    try {
      await recordsApi.restore(collection, r.id);
      setToast(`${recordTitle(r)} restored.`);
      list.reload();
    } catch (err) {
      setToast((err as Error).message);
    }
  };

  return (
    <>
      <PageHeader
        title={info.title}
        description={info.description}
        actions={
          <>
            {importable && (
              <Link to={importPath(importable)} className="btn">
                Import CSV
              </Link>
            )}
            <ExportCsvLink collection={collection} query={apiQuery(state, { paging: false })} onError={setToast} />
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              + New {info.singular}
            </button>
          </>
        }
      />
      <div className="tabs" role="tablist" aria-label="Which records">
        <button type="button" role="tab" aria-selected={!deleted} className={`tab${deleted ? '' : ' active'}`} onClick={() => update({ deleted: false })}>
          Active
        </button>
        <button type="button" role="tab" aria-selected={deleted} className={`tab${deleted ? ' active' : ''}`} onClick={() => update({ deleted: true })}>
          Recently deleted
        </button>
      </div>
      <section className="card flush">
        {list.data?.searchable !== false && (
          <div className="table-tools split">
            <ListSearchBox q={state.q} noun={noun} describedBy="search-hint" onSearch={(q) => update({ q })} />
            <small id="search-hint" className="muted">
              Searches every {info.singular}: names, email, phone, numbers. Click a column to sort by it.
            </small>
          </div>
        )}
        {deleted && <p className="alert alert-info small flat">Deleted records can be restored for 30 days; after that they are gone for good.</p>}
        {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Loading label={`Loading ${noun}…`} />}
        {list.data && total === 0 && !state.q.trim() && (
          <Empty
            title={deleted ? `No recently deleted ${noun}` : `No ${env} ${noun} yet`}
            action={
              !deleted && (
                <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
                  Create the first {info.singular}
                </button>
              )
            }
          >
            {deleted ? 'What you delete appears here for 30 days.' : `Create one here, or send them through the API with a ${env} key.`}
          </Empty>
        )}
        {list.data && total === 0 && state.q.trim() && <Empty title={`No ${noun} match “${state.q.trim()}”`}>Check the spelling, search for fewer words, or clear the search.</Empty>}
        {list.data && total > 0 && rows.length === 0 && (
          <Empty
            title={`Page ${state.page} is past the last page`}
            action={
              <button type="button" className="btn" onClick={() => update({ page: pages })}>
                Go to page {pages}
              </button>
            }
          >
            {`There are ${pages} pages of ${noun}.`}
          </Empty>
        )}
        {rows.length > 0 && (
          <SortSelect
            columns={[...cols.map((c) => ({ label: c.label, sortKey: columnSort(c.sort, sortable) })), { label: deleted ? 'Deleted' : 'Updated', sortKey: columnSort('updatedAt', sortable) }]}
            applied={applied}
            onSort={(sort) => update({ sort })}
          />
        )}
        {rows.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label={info.title} aria-busy={list.loading}>
              <thead>
                <tr>
                  {collection === 'motors' && <th aria-label="Photo" />}
                  {cols.map((c) => (
                    <SortHeader key={c.label} label={c.label} sortKey={columnSort(c.sort, sortable)} applied={applied} onSort={(sort) => update({ sort })} />
                  ))}
                  <SortHeader label={deleted ? 'Deleted' : 'Updated'} sortKey={columnSort('updatedAt', sortable)} applied={applied} onSort={(sort) => update({ sort })} />
                  <th className="right">Actions</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-record-id={r.id}>
                    {collection === 'motors' && (
                      <td data-label="Photo" className="thumb-cell">
                        <Thumb r={r} />
                      </td>
                    )}
                    {cols.map((c, i) => (
                      <td key={c.label} data-label={c.label}>
                        {i === 0 && !deleted ? (
                          <Link to={recordsPath(collection, r.id)}>
                            <strong>{c.value(r)}</strong>
                          </Link>
                        ) : c.ref ? (
                          c.value(r) ? (
                            <RefName collection={c.ref} id={c.value(r)} />
                          ) : (
                            '—'
                          )
                        ) : c.label === 'Status' ? (
                          <span className={`badge badge-${statusTone(c.value(r).replace(/ /g, '_'))}`}>{c.value(r)}</span>
                        ) : (
                          c.value(r)
                        )}
                      </td>
                    ))}
                    <td data-label={deleted ? 'Deleted' : 'Updated'} title={formatDateTime(String(deleted ? r.deletedAt : r.updatedAt))}>
                      {relativeTime(String(deleted ? (r.deletedAt ?? r.updatedAt) : r.updatedAt))}
                    </td>
                    <td className="right actions" data-label="Actions">
                      {deleted ? (
                        <button type="button" className="btn btn-small" onClick={() => restore(r)} aria-label={`Restore ${recordTitle(r)}`}>
                          Restore
                        </button>
                      ) : (
                        <>
                          <Link to={recordsPath(collection, r.id)} className="btn btn-small" aria-label={`View ${recordTitle(r)}`}>
                            View
                          </Link>
                          {deletable(collection, r) && (
                            <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRemoving(r)} aria-label={`Delete ${recordTitle(r)}`}>
                              Delete
                            </button>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.data && total > 0 && (
          <Pager
            page={state.page}
            last={pages}
            limit={state.limit}
            of={noun}
            summary={`${formatNumber(total)} ${total === 1 ? info.singular : noun}`}
            onPage={(page) => update({ page })}
            onLimit={(limit) => update({ limit })}
          />
        )}
      </section>
      <Modal open={creating} title={`New ${info.singular}`} onClose={() => setCreating(false)} wide>
        {creating && (
          <RecordForm
            collection={collection}
            onCancel={() => setCreating(false)}
            onSaved={(r) => {
              setCreating(false);
              navigate(recordsPath(collection, r.id));
            }}
          />
        )}
      </Modal>
      <ConfirmDialog
        open={Boolean(removing)}
        title={`Delete this ${info.singular}?`}
        confirmLabel="Delete"
        danger
        onClose={() => setRemoving(undefined)}
        onConfirm={async () => {
          await recordsApi.remove(collection, removing!.id);
          setToast(`${recordTitle(removing!)} deleted. Restore it from “Recently deleted” within 30 days.`);
          list.reload();
        }}
      >
        {removing && (
          <p>
            <strong>{recordTitle(removing)}</strong> disappears from lists and from the APIs. You can restore it from “Recently deleted” for 30 days.
          </p>
        )}
      </ConfirmDialog>
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

function Thumb({ r }: { r: RecordRow }) {
  const media = (Array.isArray(r.media) ? r.media : []) as { url: string; type: string; isFeatured: boolean }[];
  const photo = media.find((m) => m.isFeatured && m.type === 'photo') ?? media.find((m) => m.type === 'photo');
  return photo ? <img className="thumb" src={photo.url} alt="" loading="lazy" /> : <span className="thumb thumb-empty" aria-hidden="true" />;
}
