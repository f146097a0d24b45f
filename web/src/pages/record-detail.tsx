import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, documentApi, recordsApi, type Environment, type RecordRow } from '../api.ts';
import { ErrorBox, Loading, Modal, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import { ConfirmDialog, Toast } from '../components/confirm.tsx';
import { RecordForm } from '../components/record-form.tsx';
import { fieldSpecs, formatDay, formatWhen, listingPrice, type FieldSpec } from '../lib/record-config.ts';
import { deletable, getPath, humanStatus, recordTitle, statusActions, statusTone, type StatusAction } from '../lib/records.ts';
import { formatMoney, parseMoney, toMajorInput } from '../lib/money.ts';
import { formatDateTime, formatMileage, formatNumber } from '../lib/format.ts';
import { Link, navigate } from '../router.tsx';
import { collectionTitle, listPath, recordsPath } from './records.tsx';

type Line = { id: string; kind: string; description: string; quantity: number; unitAmount: number; taxRate: number; subtotalAmount: number; taxAmount: number; totalAmount: number };
type Job = { id: string; title: string; concern: string | null; findings: string | null; authorized: boolean; lines: Line[]; totalAmount: number };

export function RecordDetail({ collection, id, env }: { collection: string; id: string; env: Environment }) {
  const rec = useAsync(() => recordsApi.get(collection, id), [collection, id, env]);
  const info = collectionTitle(collection);
  const [editing, setEditing] = useState(false);
  const [paying, setPaying] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [moving, setMoving] = useState<StatusAction>();
  const [error, setError] = useState<ApiError>();
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);

  if (rec.loading && !rec.data) return <Loading label={`Loading the ${info.singular}…`} />;
  if (rec.error)
    return (
      <>
        <p className="crumbs">
          <Link to={listPath(collection)}>← {info.title}</Link>
        </p>
        <ErrorBox error={rec.error} onRetry={rec.reload} />
        {rec.error.status === 404 && (
          <p>
            It may have been deleted (see <Link to={`${recordsPath(collection)}?view=deleted`}>Recently deleted</Link>) or belong to the other environment.
          </p>
        )}
      </>
    );
  const r = rec.data!;
  const status = typeof r.status === 'string' ? r.status : undefined;
  const actions = statusActions(collection, status);

  const move = async (a: StatusAction) => {
    setError(undefined);
    try {
      await recordsApi.update(collection, r.id, { status: a.to });
      setToast(`Now ${humanStatus(a.to)}.`);
      rec.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <>
      <p className="crumbs">
        <Link to={listPath(collection)}>← {info.title}</Link>
      </p>
      <PageHeader
        title={recordTitle(r)}
        description={
          <>
            {status && (
              <span className={`badge badge-${statusTone(String(r.displayStatus ?? status))}`} data-testid="record-status">
                {humanStatus(String(r.displayStatus ?? status))}
              </span>
            )}{' '}
            <span className="muted small">
              {info.singular} · updated {formatDateTime(String(r.updatedAt))}
            </span>
          </>
        }
        actions={
          <>
            {(collection === 'invoices' || collection === 'quotes') && <DocumentButtons kind={collection} r={r} onError={setError} />}
            {collection === 'invoices' && ['sent'].includes(String(r.status)) && Number(r.amountDue) > 0 && (
              <button type="button" className="btn" onClick={() => setPaying(true)}>
                Record payment
              </button>
            )}
            <button type="button" className="btn btn-primary" onClick={() => setEditing(true)}>
              Edit
            </button>
            {deletable(collection, r) && (
              <button type="button" className="btn btn-danger-ghost" onClick={() => setRemoving(true)}>
                Delete
              </button>
            )}
          </>
        }
      />
      {error && <ErrorBox error={error} />}
      {actions.length > 0 && (
        <section className="card status-actions" aria-label="Status">
          <span className="muted small">Move to:</span>
          {actions.map((a) => (
            <button key={a.to} type="button" className={`btn btn-small ${a.danger ? 'btn-danger-ghost' : ''}`} onClick={() => (a.final ? setMoving(a) : move(a))}>
              {a.label}
            </button>
          ))}
        </section>
      )}
      {status && actions.length === 0 && collection in { invoices: 1, workOrders: 1, leads: 1, quotes: 1, purchaseOrders: 1, marketplaceOrders: 1 } && (
        <p className="muted small">{humanStatus(status)} is final: no further status changes.</p>
      )}

      {collection === 'motors' && <Photos r={r} />}
      <section className="card">
        <h2>Details</h2>
        <Facts collection={collection} r={r} />
      </section>
      {Array.isArray(r.lines) && <LinesView lines={r.lines as Line[]} r={r} />}
      {collection === 'workOrders' && Array.isArray(r.jobs) && <JobsView jobs={r.jobs as Job[]} r={r} />}
      <details className="card json-view">
        <summary>All fields (as the Records API returns them)</summary>
        <pre>{JSON.stringify(r, null, 2)}</pre>
      </details>

      <Modal open={editing} title={`Edit ${info.singular}`} onClose={() => setEditing(false)} wide>
        {editing && (
          <RecordForm
            collection={collection}
            record={r}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              setToast('Saved.');
              rec.reload();
            }}
          />
        )}
      </Modal>
      <ConfirmDialog
        open={removing}
        title={`Delete this ${info.singular}?`}
        confirmLabel="Delete"
        danger
        onClose={() => setRemoving(false)}
        onConfirm={async () => {
          await recordsApi.remove(collection, r.id);
          navigate(`${recordsPath(collection)}?view=deleted`);
        }}
      >
        <p>
          <strong>{recordTitle(r)}</strong> disappears from lists and from the APIs. You can restore it from “Recently deleted” for 30 days.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={Boolean(moving)}
        title={`${moving?.label ?? ''}?`}
        confirmLabel={moving?.label ?? 'Confirm'}
        danger={moving?.danger}
        onClose={() => setMoving(undefined)}
        onConfirm={async () => {
          await recordsApi.update(collection, r.id, { status: moving!.to });
          setToast(`Now ${humanStatus(moving!.to)}.`);
          rec.reload();
        }}
      >
        <p>
          {recordTitle(r)} becomes <strong>{humanStatus(moving?.to ?? '')}</strong>. This can't be undone
          {collection === 'workOrders' && moving?.to === 'invoiced' ? ': an invoice is created from the authorised jobs.' : '.'}
        </p>
      </ConfirmDialog>
      <Modal open={paying} title="Record payment" onClose={() => setPaying(false)}>
        {paying && (
          <PaymentForm
            r={r}
            onCancel={() => setPaying(false)}
            onSaved={(invoice) => {
              setPaying(false);
              setToast(invoice.status === 'paid' ? 'Payment recorded: the invoice is paid.' : `Payment recorded: ${formatMoney(invoice.amountDue as number, String(invoice.currency))} still due.`);
              rec.reload();
            }}
          />
        )}
      </Modal>
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

/** "Download PDF" (the server's document, named by its number) and "Print" (this page, print stylesheet). */
function DocumentButtons({ kind, r, onError }: { kind: 'invoices' | 'quotes'; r: RecordRow; onError: (e: ApiError) => void }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const url = URL.createObjectURL(await documentApi.pdf(kind, r.id));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${String(r.number ?? r.id)}.pdf`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      onError(toApiError(err));
    }
    setBusy(false);
  };
  return (
    <>
      <button type="button" className="btn" onClick={download} disabled={busy}>
        {busy ? 'Preparing…' : 'Download PDF'}
      </button>
      <button type="button" className="btn" onClick={() => window.print()}>
        Print
      </button>
    </>
  );
}

const paymentMethods = [
  ['card', 'Card'],
  ['cash', 'Cash'],
  ['bank_transfer', 'Bank transfer'],
  ['check', 'Check'],
  ['financing', 'Financing'],
  ['other', 'Other'],
] as const;

function PaymentForm({ r, onCancel, onSaved }: { r: RecordRow; onCancel: () => void; onSaved: (invoice: RecordRow) => void }) {
  const currency = String(r.currency ?? 'USD');
  const [amount, setAmount] = useState(() => toMajorInput(r.amountDue as number, currency));
  const [method, setMethod] = useState('card');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const minor = parseMoney(amount, currency);
  const amountProblem =
    minor === undefined
      ? 'Enter an amount such as 125.50.'
      : minor === null || minor <= 0
        ? 'Enter an amount more than 0.'
        : minor > Number(r.amountDue)
          ? `At most ${formatMoney(r.amountDue as number, currency)} is due.`
          : '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (amountProblem || !minor) return;
    setBusy(true);
    setError(undefined);
    try {
      const done = await documentApi.recordPayment(r.id, { amount: minor, method, reference: reference.trim() || null });
      onSaved(done.invoice);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={submit}>
      {error && <ErrorBox error={error} />}
      <p className="muted">
        {formatMoney(r.amountDue as number, currency)} due on {String(r.number)}.
      </p>
      <label className="field">
        <span>Amount ({currency})</span>
        <input name="amount" inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={Boolean(amountProblem)} />
        {amountProblem && amount !== '' && <span className="field-error">{amountProblem}</span>}
      </label>
      <label className="field">
        <span>Method</span>
        <select name="method" value={method} onChange={(e) => setMethod(e.target.value)}>
          {paymentMethods.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Reference (optional)</span>
        <input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} placeholder="Card slip, transfer reference…" />
      </label>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || Boolean(amountProblem)}>
          {busy ? 'Recording…' : 'Record payment'}
        </button>
      </div>
    </form>
  );
}

function show(spec: FieldSpec, r: RecordRow): string {
  const v = getPath(r, spec.path);
  if (v === null || v === undefined || v === '') return '—';
  switch (spec.kind) {
    case 'money':
      return formatMoney(v as number, String(getPath(r, spec.currencyPath ?? 'currency') ?? 'USD'));
    case 'bool':
      return v ? 'Yes' : 'No';
    case 'date':
      return formatDay(v);
    case 'datetime':
      return formatWhen(v);
    case 'tags':
      return Array.isArray(v) && v.length ? v.join(', ') : '—';
    case 'select':
      return String(v).replace(/_/g, ' ');
    case 'number':
      // A year is a name, not a quantity: 2019, never 2,019.
      return spec.unitPath ? formatMileage(v as number, getPath(r, spec.unitPath)) : spec.path === 'year' ? String(v) : formatNumber(v as number);
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

function Facts({ collection, r }: { collection: string; r: RecordRow }) {
  const specs = (fieldSpecs[collection] ?? []).filter((s) => !s.showIf || s.showIf(r));
  if (!specs.length) {
    // Collections without a form: their plain fields, as they are.
    const plain = Object.entries(r).filter(([k, v]) => k !== 'id' && (v === null || ['string', 'number', 'boolean'].includes(typeof v)));
    return (
      <dl className="facts">
        {plain.map(([k, v]) => (
          <Fact
            key={k}
            label={fieldLabel(k)}
            value={v === null ? '—' : typeof v === 'string' && /At$/.test(k) ? formatWhen(v) : typeof v === 'number' && !/year/i.test(k) ? formatNumber(v) : String(v)}
          />
        ))}
      </dl>
    );
  }
  return (
    <dl className="facts">
      {specs.map((s) =>
        s.kind === 'ref' ? (
          <Fact key={s.path} label={s.label} value={getPath(r, s.path) ? <RefName collection={s.ref!} id={String(getPath(r, s.path))} /> : '—'} />
        ) : (
          <Fact key={s.path} label={s.label} value={show(s, r)} />
        ),
      )}
      {collection === 'motors' && <Fact label="Price" value={listingPrice(r)} />}
      {collection === 'invoices' && <Fact label="Sent" value={formatWhen(r.sentAt)} />}
      {collection === 'invoices' && <Fact label="Paid" value={formatWhen(r.paidAt)} />}
      {collection === 'workOrders' && r.invoiceId ? <Fact label="Invoice" value={<RefName collection="invoices" id={String(r.invoiceId)} />} /> : null}
      <Fact label="Created" value={formatWhen(r.createdAt)} />
      <Fact label="Id" value={<code>{r.id}</code>} />
    </dl>
  );
}

/** A reference shown by the name of the record it points to, linking to it. */
export function RefName({ collection, id }: { collection: string; id: string }) {
  const ref = useAsync(() => recordsApi.get(collection, id), [collection, id]);
  return <Link to={recordsPath(collection, id)}>{ref.data ? recordTitle(ref.data) : ref.error ? `${id} (not found)` : id}</Link>;
}

const fieldLabel = (key: string) =>
  key
    .replace(/([A-Z])/g, ' $1')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/ (\w)/g, (_, c: string) => ` ${c.toLowerCase()}`);

function Fact({ label, value }: { label: string; value: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function Photos({ r }: { r: RecordRow }) {
  const media = (Array.isArray(r.media) ? r.media : []) as { url: string; type: string; isFeatured: boolean; category: string }[];
  if (!media.length) return <p className="muted small">No photos yet — add image URLs with Edit.</p>;
  return (
    <section className="card" aria-label="Photos">
      <ul className="photo-grid">
        {media.map((m, i) => (
          <li key={`${m.url}-${i}`} className={m.isFeatured ? 'featured' : ''}>
            {m.type === 'video' ? (
              <a href={m.url} target="_blank" rel="noreferrer" className="photo-video">
                ▶ video
              </a>
            ) : (
              <a href={m.url} target="_blank" rel="noreferrer">
                <img src={m.url} alt={`${m.category} photo ${i + 1}`} loading="lazy" />
              </a>
            )}
            <span className="small muted">
              {m.category}
              {m.isFeatured ? ' · featured' : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function LinesTable({ lines, currency, label }: { lines: Line[]; currency: string; label: string }) {
  const money = (n: number) => formatMoney(n, currency);
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th>Description</th>
            <th>Kind</th>
            <th className="right">Qty</th>
            <th className="right">Unit price</th>
            <th className="right">Tax</th>
            <th className="right">Total</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.id}>
              <td data-label="Description">{l.description}</td>
              <td data-label="Kind">{l.kind}</td>
              <td data-label="Qty" className="right">
                {formatNumber(l.quantity)}
              </td>
              <td data-label="Unit price" className="right">
                {money(l.unitAmount)}
              </td>
              <td data-label="Tax" className="right">
                {money(l.taxAmount)} <span className="muted small">({l.taxRate}%)</span>
              </td>
              <td data-label="Total" className="right">
                {money(l.totalAmount)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Totals({ r }: { r: RecordRow }) {
  const c = String(r.currency ?? 'USD');
  return (
    <dl className="totals" data-testid="totals">
      <dt>Subtotal</dt>
      <dd>{formatMoney(r.subtotalAmount as number, c)}</dd>
      <dt>Tax</dt>
      <dd>{formatMoney(r.taxAmount as number, c)}</dd>
      <dt className="grand">Total</dt>
      <dd className="grand">{formatMoney(r.totalAmount as number, c)}</dd>
      {typeof r.amountPaid === 'number' && (
        <>
          <dt>Paid</dt>
          <dd>{formatMoney(r.amountPaid, c)}</dd>
          <dt>Amount due</dt>
          <dd>{formatMoney(r.amountDue as number, c)}</dd>
        </>
      )}
    </dl>
  );
}

function LinesView({ lines, r }: { lines: Line[]; r: RecordRow }) {
  return (
    <section className="card flush">
      <h2 className="card-title">Lines</h2>
      {lines.length === 0 ? <p className="muted pad">No lines yet — add them with Edit.</p> : <LinesTable lines={lines} currency={String(r.currency)} label="Lines" />}
      <Totals r={r} />
    </section>
  );
}

function JobsView({ jobs, r }: { jobs: Job[]; r: RecordRow }) {
  return (
    <section className="card flush">
      <h2 className="card-title">Jobs</h2>
      {jobs.length === 0 && <p className="muted pad">No jobs yet — add them with Edit.</p>}
      {jobs.map((j) => (
        <div key={j.id} className="job">
          <h3>
            {j.title} {j.authorized ? <span className="badge badge-ok">authorised</span> : <span className="badge badge-muted">not authorised</span>}{' '}
            <span className="muted small">{formatMoney(j.totalAmount, String(r.currency))}</span>
          </h3>
          {(j.concern || j.findings) && (
            <p className="small">
              {j.concern && (
                <>
                  <strong>Concern:</strong> {j.concern}{' '}
                </>
              )}
              {j.findings && (
                <>
                  <strong>Findings:</strong> {j.findings}
                </>
              )}
            </p>
          )}
          {j.lines.length > 0 && <LinesTable lines={j.lines} currency={String(r.currency)} label={`Lines of ${j.title}`} />}
        </div>
      ))}
      <Totals r={r} />
    </section>
  );
}
