import { useCallback, useEffect, useState } from 'react';
import { recordsApi, type Environment, type RecordRow } from '../api.ts';
import { Empty, ErrorBox, Loading, Modal, PageHeader, useAsync } from '../components/ui.tsx';
import { ConfirmDialog, Toast } from '../components/confirm.tsx';
import { RecordForm } from '../components/record-form.tsx';
import { columnsOf } from '../lib/record-config.ts';
import { collectionOf, deletable, matchesSearch, recordTitle, slugOf, statusTone } from '../lib/records.ts';
import { formatDateTime, relativeTime } from '../lib/format.ts';
import { BASE, Link, navigate } from '../router.tsx';
import { RecordDetail, RefName } from './record-detail.tsx';
import { Customer360Page } from './customer-360.tsx';
import { VehicleHistory } from './vehicle-history.tsx';

const PAGE_SIZES = [25, 50, 100];
export const recordsPath = (collection: string, id?: string) => `${BASE}/records/${slugOf(collection)}${id ? `/${id}` : ''}`;

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
  const params = new URLSearchParams(location.search);
  const [deleted, setDeleted] = useState(params.get('view') === 'deleted');
  const [page, setPage] = useState(1);
  const [limit, setLimit] = useState(25);
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<RecordRow>();
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const meta = useAsync(() => recordsApi.collections(), []);
  const info = collectionTitle(collection, meta.data?.find((c) => c.name === collection));
  const list = useAsync(() => recordsApi.list(collection, { page, limit, deleted }), [collection, page, limit, deleted, env]);
  useEffect(() => setPage(1), [env, deleted, limit]);
  useEffect(() => {
    history.replaceState(null, '', deleted ? `${location.pathname}?view=deleted` : location.pathname);
  }, [deleted]);

  const rows = (list.data?.data ?? []).filter((r) => matchesSearch(r, search));
  const cols = columnsOf(collection, list.data?.data[0]);
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / limit));

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
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            + New {info.singular}
          </button>
        }
      />
      <div className="tabs" role="tablist" aria-label="Which records">
        <button type="button" role="tab" aria-selected={!deleted} className={`tab${deleted ? '' : ' active'}`} onClick={() => setDeleted(false)}>
          Active
        </button>
        <button type="button" role="tab" aria-selected={deleted} className={`tab${deleted ? ' active' : ''}`} onClick={() => setDeleted(true)}>
          Recently deleted
        </button>
      </div>
      <section className="card flush">
        <div className="table-tools split">
          <label className="search">
            <span className="sr-only">Search</span>
            <input type="search" placeholder={`Search this page of ${info.title.toLowerCase()}…`} value={search} onChange={(e) => setSearch(e.target.value)} aria-describedby="search-hint" />
          </label>
          <small id="search-hint" className="muted">
            This box filters the records on this page only; press / to search every record. Sorted by most recently changed.
          </small>
          <label className="field inline">
            <span className="sr-only">Per page</span>
            <select aria-label="Per page" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n} per page
                </option>
              ))}
            </select>
          </label>
        </div>
        {deleted && <p className="alert alert-info small flat">Deleted records can be restored for 30 days; after that they are gone for good.</p>}
        {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Loading label={`Loading ${info.title.toLowerCase()}…`} />}
        {list.data && list.data.data.length === 0 && (
          <Empty
            title={deleted ? `No recently deleted ${info.title.toLowerCase()}` : `No ${env} ${info.title.toLowerCase()} yet`}
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
        {list.data && list.data.data.length > 0 && rows.length === 0 && <Empty title="Nothing on this page matches">Clear the search or look on the other pages.</Empty>}
        {rows.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label={info.title}>
              <thead>
                <tr>
                  {collection === 'motors' && <th aria-label="Photo" />}
                  {cols.map((c) => (
                    <th key={c.label}>{c.label}</th>
                  ))}
                  <th>{deleted ? 'Deleted' : 'Updated'}</th>
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
                          c.value(r) ? <RefName collection={c.ref} id={c.value(r)} /> : '—'
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
        {list.data && list.data.total > 0 && (
          <div className="pager">
            <span className="muted">
              {list.data.total} {list.data.total === 1 ? info.singular : info.title.toLowerCase()} · page {page} of {pages}
            </span>
            <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              ← Newer
            </button>
            <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Older →
            </button>
          </div>
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
