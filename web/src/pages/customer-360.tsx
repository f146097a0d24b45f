import { useCallback, useState, type ReactNode } from 'react';
import { overviewApi, recordsApi, type Environment, type RecordRow, type TestDrive, type TimelineItem } from '../api.ts';
import { Empty, ErrorBox, Loading, Modal, PageHeader, useAsync } from '../components/ui.tsx';
import { ConfirmDialog, Toast } from '../components/confirm.tsx';
import { RecordForm } from '../components/record-form.tsx';
import { formatMoney } from '../lib/money.ts';
import { formatDateTime, formatMileage, formatNumber, relativeTime } from '../lib/format.ts';
import { humanStatus, recordTitle, statusTone } from '../lib/records.ts';
import { Link, navigate } from '../router.tsx';
import { INBOX } from './leads-inbox.tsx';
import { collectionTitle, listPath, recordsPath } from './records.tsx';
import { moneyList } from './today.tsx';

type Address = { line1?: string; line2?: string; city?: string; region?: string; postalCode?: string; country?: string };
const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
export const Status = ({ r }: { r: RecordRow }) => {
  const s = String(r.displayStatus ?? r.status ?? '');
  return s ? <span className={`badge badge-${statusTone(s)}`}>{humanStatus(s)}</span> : null;
};
const vehicleName = (v: RecordRow) => str(v.name) ?? ([v.year, v.make, v.model].filter(Boolean).join(' ') || recordTitle(v));

export function Section({ id, title, count, children }: { id: string; title: string; count: number; children: ReactNode }) {
  return (
    <section className="card flush" aria-labelledby={`c360-${id}`}>
      <h2 className="card-title" id={`c360-${id}`}>
        {title} <span className="muted small">({formatNumber(count)})</span>
      </h2>
      {children}
    </section>
  );
}

/** Customer 360 (/records/customers/:id): the contact card and everything tied to the customer. */
export function Customer360Page({ id, env }: { id: string; env: Environment }) {
  const o = useAsync(() => overviewApi.customer(id), [id, env]);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const back = (
    <p className="crumbs">
      <Link to={listPath('customers')}>← Customers</Link>
    </p>
  );
  if (o.loading && !o.data) return <Loading label="Loading the customer…" />;
  if (o.error)
    return (
      <>
        {back}
        <ErrorBox error={o.error} onRetry={o.reload} />
        {o.error.status === 404 && (
          <p>
            It may have been deleted (see <Link to={`${recordsPath('customers')}?view=deleted`}>Recently deleted</Link>) or belong to the other environment.
          </p>
        )}
      </>
    );
  const d = o.data!;
  const c = d.customer;
  const address = (c.address ?? null) as Address | null;
  const addressLines = address ? [address.line1, address.line2, [address.postalCode, address.city].filter(Boolean).join(' '), address.region, address.country].filter(Boolean) : [];
  const tags = Array.isArray(c.tags) ? (c.tags as string[]) : [];

  return (
    <>
      {back}
      <PageHeader
        title={recordTitle(c)}
        description={
          <>
            {c.isVip ? <span className="badge badge-ok">VIP</span> : null} <span className="muted small">customer since {formatDateTime(String(c.createdAt))}</span>
          </>
        }
        actions={
          <>
            <button type="button" className="btn btn-primary" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="btn btn-danger-ghost" onClick={() => setRemoving(true)}>
              Delete
            </button>
          </>
        }
      />
      <div className="two-col">
        <section className="card" aria-label="Contact">
          <h2>Contact</h2>
          <dl className="facts">
            {str(c.email) && (
              <>
                <dt>Email</dt>
                <dd>
                  <a href={`mailto:${c.email}`}>{String(c.email)}</a>
                </dd>
              </>
            )}
            {(['phone', 'mobile', 'whatsapp'] as const).map((k) =>
              str(c[k]) ? (
                <Fact key={k} label={k === 'whatsapp' ? 'WhatsApp' : k.charAt(0).toUpperCase() + k.slice(1)}>
                  <a href={`tel:${String(c[k]).replace(/[^+\d]/g, '')}`}>{String(c[k])}</a>
                </Fact>
              ) : null,
            )}
            <dt>Stage</dt>
            <dd>{humanStatus(String(c.lifecycleStage ?? '').toLowerCase())}</dd>
            <dt>Address</dt>
            <dd data-testid="address">{addressLines.length ? addressLines.map((l) => <div key={l}>{l}</div>) : '—'}</dd>
            {tags.length > 0 && (
              <>
                <dt>Tags</dt>
                <dd>{tags.join(', ')}</dd>
              </>
            )}
            {str(c.notes) && (
              <>
                <dt>Notes</dt>
                <dd>{String(c.notes)}</dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-label="Balance">
          <h2>Balance</h2>
          <p className="tile-value" data-testid="open-balance">
            {d.openBalance.length ? moneyList(d.openBalance) : 'Nothing owed'}
          </p>
          <p className="muted small">
            Due on sent invoices. {d.invoices.length} invoice{d.invoices.length === 1 ? '' : 's'} in all.
          </p>
        </section>
      </div>

      <Section id="vehicles" title="Vehicles" count={d.vehicles.length}>
        {d.vehicles.length === 0 ? (
          <Empty title="No vehicles on record">Set this customer as a vehicle's owner to see it here.</Empty>
        ) : (
          <ul className="plain-list">
            {d.vehicles.map((v) => (
              <li key={v.id}>
                <Link to={recordsPath('motors', v.id)}>
                  <strong>{vehicleName(v)}</strong>
                </Link>{' '}
                <Status r={v} />
                <div className="muted small">
                  {[str(v.vin) && `VIN ${v.vin}`, str(v.plate) && `plate ${v.plate}`, typeof v.mileage === 'number' && formatMileage(v.mileage, v.mileageUnit)].filter(Boolean).join(' · ') || '—'}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="invoices" title="Invoices" count={d.invoices.length}>
        {d.invoices.length === 0 ? (
          <Empty title="No invoices" />
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Invoices">
              <thead>
                <tr>
                  <th>Invoice</th>
                  <th>Status</th>
                  <th>Due date</th>
                  <th className="right">Total</th>
                  <th className="right">Paid</th>
                  <th className="right">Balance</th>
                </tr>
              </thead>
              <tbody>
                {d.invoices.map((i) => {
                  const cur = String(i.currency);
                  return (
                    <tr key={i.id} data-record-id={i.id}>
                      <td data-label="Invoice">
                        <Link to={recordsPath('invoices', i.id)}>
                          <strong>{String(i.number)}</strong>
                        </Link>
                      </td>
                      <td data-label="Status">
                        <Status r={i} />
                      </td>
                      <td data-label="Due date">{str(i.dueDate) ?? '—'}</td>
                      <td data-label="Total" className="right">
                        {formatMoney(i.totalAmount as number, cur)}
                      </td>
                      <td data-label="Paid" className="right">
                        {formatMoney(i.amountPaid as number, cur)}
                      </td>
                      <td data-label="Balance" className="right">
                        <strong>{formatMoney(i.amountDue as number, cur)}</strong>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <div className="two-col">
        <Section id="quotes" title="Quotes" count={d.quotes.length}>
          <DocList rows={d.quotes} collection="quotes" empty="No quotes" />
        </Section>
        <Section id="work-orders" title="Work orders" count={d.workOrders.length}>
          <DocList rows={d.workOrders} collection="workOrders" empty="No work orders" />
        </Section>
      </div>

      <LeadsDrivesTimeline leads={d.leads} testDrives={d.testDrives} timeline={d.timeline} />

      <Modal open={editing} title="Edit customer" onClose={() => setEditing(false)} wide>
        {editing && (
          <RecordForm
            collection="customers"
            record={c}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              setToast('Saved.');
              o.reload();
            }}
          />
        )}
      </Modal>
      <ConfirmDialog
        open={removing}
        title="Delete this customer?"
        confirmLabel="Delete"
        danger
        onClose={() => setRemoving(false)}
        onConfirm={async () => {
          await recordsApi.remove('customers', c.id);
          navigate(`${recordsPath('customers')}?view=deleted`);
        }}
      >
        <p>
          <strong>{recordTitle(c)}</strong> disappears from lists and from the APIs. You can restore it from “Recently deleted” for 30 days.
        </p>
      </ConfirmDialog>
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** The leads, test drives and timeline of a customer or a vehicle. */
export function LeadsDrivesTimeline({ leads, testDrives, timeline }: { leads: RecordRow[]; testDrives: TestDrive[]; timeline: TimelineItem[] }) {
  return (
    <>
      <div className="two-col">
        <Section id="leads" title="Leads" count={leads.length}>
          <LeadList leads={leads} />
        </Section>
        <Section id="test-drives" title="Test drives" count={testDrives.length}>
          <TestDriveList drives={testDrives} />
        </Section>
      </div>
      <Section id="timeline" title="Timeline" count={timeline.length}>
        {timeline.length === 0 ? <Empty title="Nothing has happened yet" /> : <Timeline items={timeline} />}
      </Section>
    </>
  );
}

function LeadList({ leads }: { leads: RecordRow[] }) {
  if (!leads.length) return <Empty title="No leads" />;
  return (
    <ul className="plain-list">
      {leads.map((l) => (
        <li key={l.id}>
          <Link to={`${INBOX}/${l.id}`}>
            <strong>{recordTitle(l)}</strong>
          </Link>{' '}
          <Status r={l} /> <span className="muted small">{[l.interest, relativeTime(String(l.createdAt))].filter(Boolean).join(' · ')}</span>
          {str(l.message) && <div className="muted small">{String(l.message)}</div>}
        </li>
      ))}
    </ul>
  );
}

function TestDriveList({ drives }: { drives: TestDrive[] }) {
  if (!drives.length) return <Empty title="No test drives" />;
  return (
    <ul className="plain-list">
      {drives.map((t) => (
        <li key={t.id}>
          <strong>{t.name}</strong> · <Link to={recordsPath('motors', t.motorId)}>vehicle</Link> · {t.preferredDate ? formatDateTime(t.preferredDate) : 'no date asked'}{' '}
          <span className={`badge badge-${statusTone(t.status)}`}>{t.status}</span>
        </li>
      ))}
    </ul>
  );
}

export function DocList({ rows, collection, empty }: { rows: RecordRow[]; collection: string; empty: string }) {
  if (!rows.length) return <Empty title={empty} />;
  return (
    <ul className="plain-list">
      {rows.map((r) => (
        <li key={r.id}>
          <Link to={recordsPath(collection, r.id)}>
            <strong>{String(r.number)}</strong>
          </Link>{' '}
          <Status r={r} /> <span className="muted small">{formatMoney(r.totalAmount as number, String(r.currency))}</span>
        </li>
      ))}
    </ul>
  );
}

const verbs: Record<string, string> = { created: 'created', updated: 'updated', deleted: 'deleted', status_changed: 'status changed' };

function Timeline({ items }: { items: TimelineItem[] }) {
  return (
    <ol className="timeline" aria-label="Timeline">
      {items.map((t) => {
        const verb = t.event.split('.').at(-1) ?? '';
        const noun = collectionTitle(t.collection).singular;
        const label = t.label ?? '';
        return (
          <li key={t.id}>
            <time dateTime={t.createdAt} title={formatDateTime(t.createdAt)} className="muted small">
              {relativeTime(t.createdAt)}
            </time>{' '}
            <span>
              {noun.charAt(0).toUpperCase() + noun.slice(1)} {label && <strong>{label}</strong>} {verbs[verb] ?? verb}
              {t.status && verb !== 'created' ? (
                <>
                  {' '}
                  → <span className={`badge badge-${statusTone(t.status)}`}>{humanStatus(t.status)}</span>
                </>
              ) : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
