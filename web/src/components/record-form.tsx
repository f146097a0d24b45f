import { useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, recordsApi, type RecordRow } from '../api.ts';
import { FieldErrors, FormError, invalidProps, toApiError } from './ui.tsx';
import { describeError } from '../lib/field-errors.ts';
import { RecordCombobox } from './record-search.tsx';
import { fieldSpecs, type FieldSpec } from '../lib/record-config.ts';
import { changedFields, getPath, recordTitle, setPath, toInput } from '../lib/records.ts';
import { parseMoney, toMajorInput } from '../lib/money.ts';
import { isoToLocal, localToIso } from '../lib/webhooks.ts';

const topKey = (path: string) => path.split('.')[0];
const lineKinds = ['part', 'labour', 'fee', 'discount', 'product', 'service'] as const;
const withLines = new Set(['invoices', 'quotes', 'purchaseOrders', 'marketplaceOrders']);

/**
 * The edit (or create) form of a record: the collection's common fields as inputs, photos and lines
 * with their own editors, and every other field in a JSON editor. An update sends only what changed.
 */
export function RecordForm({ collection, record, onSaved, onCancel }: { collection: string; record?: RecordRow; onSaved: (r: RecordRow) => void; onCancel: () => void }) {
  const specs = fieldSpecs[collection] ?? [];
  const special = [...(collection === 'motors' ? ['media'] : []), ...(withLines.has(collection) ? ['lines'] : []), ...(collection === 'workOrders' ? ['jobs'] : [])];
  const initial = useMemo(() => (record ? toInput(record) : {}), [record]);
  const covered = useMemo(() => new Set([...specs.map((s) => topKey(s.path)), ...special]), [specs, special]);
  const [values, setValues] = useState<Record<string, unknown>>(() => (record ? initial : defaultsFor(collection)));
  const [json, setJson] = useState(() => JSON.stringify(Object.fromEntries(Object.entries(initial).filter(([k]) => !covered.has(k))), null, 2));
  const [error, setError] = useState<ApiError>();
  const [localError, setLocalError] = useState('');
  const [busy, setBusy] = useState(false);
  const invalid = useRef(new Set<string>());

  const set = (path: string, v: unknown) =>
    setValues((cur) => {
      const next = setPath(cur, path, v);
      // Choosing a listing type starts its price options, so the currency is there from the first price.
      const key = `${v}Options`;
      if (collection === 'motors' && path === 'listingType' && typeof v === 'string' && !next[key]) return { ...next, [key]: { currency: guessCurrency(cur) } };
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocalError('');
    if (invalid.current.size) return setLocalError(`Check ${[...invalid.current].join(', ')}: not an amount.`);
    let extra: Record<string, unknown>;
    try {
      extra = json.trim() ? JSON.parse(json) : {};
      if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new Error('not an object');
    } catch {
      return setLocalError('Other fields: the JSON is not valid — it must be one object like {"field": "value"}.');
    }
    const formPart = Object.fromEntries(Object.entries(values).filter(([k]) => covered.has(k)));
    const all = { ...extra, ...formPart };
    setBusy(true);
    setError(undefined);
    try {
      if (record) {
        const patch = changedFields(initial, all);
        if (Object.keys(patch).length === 0) {
          setBusy(false);
          return setLocalError('Nothing changed.');
        }
        onSaved(await recordsApi.update(collection, record.id, patch));
      } else {
        onSaved(await recordsApi.create(collection, dropEmpty(all)));
      }
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  const visible = specs.filter((s) => !s.showIf || s.showIf(values));
  // The server names fields in words; where this form has its own label for one, that one.
  const labels = Object.fromEntries(specs.map((s) => [s.path, s.label]));
  return (
    <form className="form" onSubmit={submit} aria-label={record ? `Edit ${recordTitle(record)}` : 'New record'}>
      {error && (
        <div className="alert alert-error" role="alert" data-testid="form-error">
          {error.fields.length > 1 ? (
            <>
              The record was not saved:
              <ul className="small">
                {describeError(error, labels).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </>
          ) : (
            describeError(error, labels)[0]
          )}
        </div>
      )}
      <FormError message={localError} />
      <div className="form-grid">
        {visible.map((s) => (
          <FieldInput key={s.path} spec={s} values={values} onChange={(v) => set(s.path, v)} onValidity={(ok) => (ok ? invalid.current.delete(s.label) : invalid.current.add(s.label))} error={error} />
        ))}
      </div>
      {special.includes('media') && <MediaEditor value={(values.media as MediaItem[] | undefined) ?? []} onChange={(m) => set('media', m)} />}
      {special.includes('lines') && (
        <LinesEditor
          value={(values.lines as LineInput[] | undefined) ?? []}
          currency={String(values.currency ?? guessCurrency(values))}
          locked={Boolean(record && ['paid', 'void', 'accepted', 'declined', 'expired', 'received', 'cancelled', 'shipped', 'completed'].includes(String(record.status)))}
          onChange={(l) => set('lines', l)}
          onValidity={(ok) => (ok ? invalid.current.delete('lines') : invalid.current.add('lines'))}
          error={error}
        />
      )}
      {special.includes('jobs') && (
        <JobsEditor
          value={(values.jobs as JobInput[] | undefined) ?? []}
          currency={String(values.currency ?? guessCurrency(values))}
          locked={Boolean(record && ['invoiced', 'cancelled'].includes(String(record.status)))}
          onChange={(j) => set('jobs', j)}
          onValidity={(ok) => (ok ? invalid.current.delete('jobs') : invalid.current.add('jobs'))}
          error={error}
        />
      )}
      <details className="json-editor" open={specs.length === 0}>
        <summary>Other fields (JSON)</summary>
        <small className="muted">Fields without a form above, as the Records API names them. {record ? 'Only what you change is sent; removing a field clears it.' : ''}</small>
        <textarea aria-label="Other fields (JSON)" spellCheck={false} rows={Math.min(18, Math.max(4, json.split('\n').length + 1))} value={json} onChange={(e) => setJson(e.target.value)} />
      </details>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : record ? 'Save changes' : 'Create'}
        </button>
      </div>
    </form>
  );
}

function defaultsFor(collection: string): Record<string, unknown> {
  if (collection === 'customers') return { type: 'person' };
  if (collection === 'motors') return { listingType: null, listingStatus: 'draft', mileageUnit: 'km', condition: 'used', status: 'in_stock' };
  if (collection === 'leads') return { source: 'other' };
  return {};
}

function guessCurrency(values: Record<string, unknown>): string {
  for (const k of ['currency', 'saleOptions.currency', 'rentalOptions.currency', 'auctionOptions.currency']) {
    const c = getPath(values, k);
    if (typeof c === 'string' && c) return c;
  }
  return 'USD';
}

/** A new record carries only what was filled in; the server applies its defaults to the rest. */
function dropEmpty(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)));
}

function FieldInput({
  spec,
  values,
  onChange,
  onValidity,
  error,
}: {
  spec: FieldSpec;
  values: Record<string, unknown>;
  onChange: (v: unknown) => void;
  onValidity: (ok: boolean) => void;
  error?: ApiError;
}) {
  const id = `f-${spec.path.replace(/\./g, '-')}`;
  const value = getPath(values, spec.path);
  const hint = spec.hint ? <small className="muted">{spec.hint}</small> : null;
  const errors = <FieldErrors error={error} field={spec.path} id={id} />;
  const a11y = invalidProps(error, spec.path, id);
  if (spec.kind === 'bool') {
    return (
      <label className="check field-check">
        <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} {...a11y} /> {spec.label}
        {errors}
      </label>
    );
  }
  let input: ReactNode;
  switch (spec.kind) {
    case 'textarea':
      input = <textarea id={id} {...a11y} rows={3} value={String(value ?? '')} onChange={(e) => onChange(e.target.value || null)} />;
      break;
    case 'number':
      input = (
        <input
          id={id}
          {...a11y}
          type="number"
          inputMode="numeric"
          value={value === null || value === undefined ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        />
      );
      break;
    case 'select':
      input = (
        <select id={id} {...a11y} value={value === null || value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} required={spec.required}>
          {(spec.emptyLabel !== undefined || value === null || value === undefined) && <option value="">{spec.emptyLabel ?? '—'}</option>}
          {spec.options!.map((o) => (
            <option key={o} value={o}>
              {o.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      );
      break;
    case 'money':
      input = (
        <MoneyInput
          id={id}
          {...a11y}
          value={value as number | null | undefined}
          currency={String(getPath(values, spec.currencyPath ?? 'currency') ?? 'USD')}
          onChange={onChange}
          onValidity={onValidity}
        />
      );
      break;
    case 'date':
      input = <input id={id} {...a11y} type="date" value={typeof value === 'string' ? value.slice(0, 10) : ''} onChange={(e) => onChange(e.target.value || null)} />;
      break;
    case 'datetime':
      input = <input id={id} {...a11y} type="datetime-local" value={typeof value === 'string' && value ? isoToLocal(value) : ''} onChange={(e) => onChange(localToIso(e.target.value))} />;
      break;
    case 'ref':
      input = <RecordCombobox id={id} {...a11y} collection={spec.ref!} value={value as string | null} required={spec.required} emptyLabel={spec.emptyLabel} onChange={onChange} />;
      break;
    case 'tags':
      input = (
        <input
          id={id}
          {...a11y}
          defaultValue={Array.isArray(value) ? value.join(', ') : ''}
          onChange={(e) =>
            onChange(
              e.target.value
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            )
          }
        />
      );
      break;
    default:
      input = (
        <input
          id={id}
          {...a11y}
          type={spec.kind === 'email' ? 'email' : spec.kind === 'url' ? 'url' : 'text'}
          required={spec.required}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
  }
  return (
    <div className={`field${spec.kind === 'textarea' ? ' span-all' : ''}`}>
      <label htmlFor={id}>
        {spec.label}
        {spec.required && <span aria-hidden="true"> *</span>}
      </label>
      {input}
      {hint}
      {errors}
    </div>
  );
}

/** An amount typed in major units ("19.99"), kept as integer minor units. */
export function MoneyInput({
  id,
  value,
  currency,
  onChange,
  onValidity,
  label,
  'aria-invalid': invalid,
  'aria-describedby': describedBy,
}: {
  id?: string;
  value: number | null | undefined;
  currency: string;
  onChange: (minor: number | null) => void;
  onValidity?: (ok: boolean) => void;
  label?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  const [text, setText] = useState(() => toMajorInput(value, currency));
  const [bad, setBad] = useState(false);
  return (
    <span className="money-input">
      <input
        id={id}
        aria-label={label}
        inputMode="decimal"
        value={text}
        aria-invalid={bad || invalid}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          const minor = parseMoney(e.target.value, currency);
          setBad(minor === undefined);
          onValidity?.(minor !== undefined);
          if (minor !== undefined) onChange(minor);
        }}
      />
      <span className="muted small">{currency}</span>
      {bad && <span className="field-error">Not an amount in {currency}</span>}
    </span>
  );
}

type MediaItem = { url: string; type?: 'photo' | 'video'; category?: string; isFeatured?: boolean; sortOrder?: number };

/** Photos as URLs with previews; the featured one leads the listing. */
function MediaEditor({ value, onChange }: { value: MediaItem[]; onChange: (m: MediaItem[]) => void }) {
  const [url, setUrl] = useState('');
  const [bad, setBad] = useState('');
  const add = () => {
    try {
      const u = new URL(url.trim());
      if (!/^https?:$/.test(u.protocol)) throw new Error();
    } catch {
      return setBad('Enter a full http(s) address of an image.');
    }
    setBad('');
    onChange([...value, { url: url.trim(), type: 'photo', category: 'exterior', isFeatured: value.length === 0, sortOrder: value.length }]);
    setUrl('');
  };
  return (
    <fieldset className="field span-all">
      <legend>Photos</legend>
      {value.length === 0 && <small className="muted">No photos yet. Paste the address of an image hosted on your website or CDN.</small>}
      <ul className="photo-grid">
        {value.map((m, i) => (
          <li key={`${m.url}-${i}`} className={m.isFeatured ? 'featured' : ''}>
            {m.type === 'video' ? <div className="photo-video">▶ video</div> : <img src={m.url} alt={`Photo ${i + 1}`} loading="lazy" />}
            <label className="check small">
              <input type="radio" name="featured" checked={Boolean(m.isFeatured)} onChange={() => onChange(value.map((x, j) => ({ ...x, isFeatured: j === i })))} /> Featured
            </label>
            <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`Remove photo ${i + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-add">
        <input
          aria-label="Photo URL"
          type="url"
          placeholder="https://images.example.com/car-front.jpg"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())}
        />
        <button type="button" className="btn btn-small" onClick={add}>
          Add photo
        </button>
      </div>
      {bad && <span className="field-error">{bad}</span>}
    </fieldset>
  );
}

type LineInput = { kind?: string; description?: string; quantity: number; unitAmount?: number; taxRate?: number; inventoryItemId?: string | null; marketplaceItemId?: string | null };

/** Document lines: amounts in major units; the server computes every total. */
export function LinesEditor({
  value,
  currency,
  locked,
  onChange,
  onValidity,
  error,
  path = 'lines',
}: {
  value: LineInput[];
  currency: string;
  locked: boolean;
  onChange: (l: LineInput[]) => void;
  onValidity: (ok: boolean) => void;
  error?: ApiError;
  /** Where the lines are in the record (`jobs.0.lines` in a work order), to find their errors. */
  path?: string;
}) {
  const update = (i: number, patch: Partial<LineInput>) => onChange(value.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  // Each input of a line the error names is marked and described by its message, below it.
  const cell = (i: number, name: string) => {
    const id = `${path}-${i}-${name}`.replace(/\./g, '-');
    const field = `${path}.${i}.${name}`;
    return { id, a11y: invalidProps(error, field, id), message: <FieldErrors error={error} field={field} id={id} /> };
  };
  if (locked) return <p className="muted small span-all">The lines can no longer change in this status.</p>;
  return (
    <fieldset className="field span-all">
      <legend>Lines</legend>
      <div className="table-wrap">
        <table className="table lines-edit">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Description</th>
              <th>Qty</th>
              <th>Unit price</th>
              <th>Tax %</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {value.map((l, i) => {
              const [kind, description, quantity, unitAmount, taxRate] = ['kind', 'description', 'quantity', 'unitAmount', 'taxRate'].map((name) => cell(i, name));
              return (
                <tr key={i}>
                  <td data-label="Kind">
                    <select id={kind.id} {...kind.a11y} aria-label={`Line ${i + 1} kind`} value={l.kind ?? 'product'} onChange={(e) => update(i, { kind: e.target.value })}>
                      {lineKinds.map((k) => (
                        <option key={k}>{k}</option>
                      ))}
                    </select>
                    {kind.message}
                  </td>
                  <td data-label="Description">
                    <input
                      id={description.id}
                      {...description.a11y}
                      aria-label={`Line ${i + 1} description`}
                      value={l.description ?? ''}
                      onChange={(e) => update(i, { description: e.target.value })}
                    />
                    {description.message}
                  </td>
                  <td data-label="Qty">
                    <input
                      id={quantity.id}
                      {...quantity.a11y}
                      aria-label={`Line ${i + 1} quantity`}
                      type="number"
                      step="0.001"
                      min="0"
                      value={l.quantity}
                      onChange={(e) => update(i, { quantity: Number(e.target.value) })}
                    />
                    {quantity.message}
                  </td>
                  <td data-label="Unit price">
                    <MoneyInput
                      id={unitAmount.id}
                      {...unitAmount.a11y}
                      label={`Line ${i + 1} unit price`}
                      value={l.unitAmount}
                      currency={currency}
                      onChange={(v) => update(i, { unitAmount: v ?? undefined })}
                      onValidity={onValidity}
                    />
                    {unitAmount.message}
                  </td>
                  <td data-label="Tax %">
                    <input
                      id={taxRate.id}
                      {...taxRate.a11y}
                      aria-label={`Line ${i + 1} tax rate`}
                      type="number"
                      step="0.001"
                      min="0"
                      max="100"
                      value={l.taxRate ?? 0}
                      onChange={(e) => update(i, { taxRate: Number(e.target.value) })}
                    />
                    {taxRate.message}
                  </td>
                  <td className="actions">
                    <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={`Remove line ${i + 1}`}>
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div>
        <button type="button" className="btn btn-small" onClick={() => onChange([...value, { kind: 'product', description: '', quantity: 1, unitAmount: 0, taxRate: 0 }])}>
          + Add line
        </button>{' '}
        <span className="muted small">Amounts in {currency}; the totals are computed when you save.</span>
      </div>
    </fieldset>
  );
}

type JobInput = { title: string; concern?: string | null; findings?: string | null; authorized?: boolean; technicianEmployeeId?: string | null; lines?: LineInput[] };

/** A work order's jobs: what the customer reported, what was found, and the lines of each. */
function JobsEditor({
  value,
  currency,
  locked,
  onChange,
  onValidity,
  error,
}: {
  value: JobInput[];
  currency: string;
  locked: boolean;
  onChange: (j: JobInput[]) => void;
  onValidity: (ok: boolean) => void;
  error?: ApiError;
}) {
  const update = (i: number, patch: Partial<JobInput>) => onChange(value.map((j, k) => (k === i ? { ...j, ...patch } : j)));
  if (locked) return <p className="muted small span-all">The jobs can no longer change in this status.</p>;
  return (
    <fieldset className="field span-all">
      <legend>Jobs</legend>
      {value.length === 0 && <small className="muted">No jobs yet: add what the customer wants done.</small>}
      {value.map((j, i) => (
        <div key={i} className="job-edit">
          <div className="form-grid">
            <div className="field">
              <label htmlFor={`job-${i}-title`}>Job {i + 1} title</label>
              <input id={`job-${i}-title`} {...invalidProps(error, `jobs.${i}.title`, `job-${i}-title`)} required value={j.title} onChange={(e) => update(i, { title: e.target.value })} />
              <FieldErrors error={error} field={`jobs.${i}.title`} id={`job-${i}-title`} />
            </div>
            <div className="field">
              <label htmlFor={`job-${i}-concern`}>Concern</label>
              <input id={`job-${i}-concern`} value={j.concern ?? ''} onChange={(e) => update(i, { concern: e.target.value || null })} />
            </div>
            <div className="field">
              <label htmlFor={`job-${i}-findings`}>Findings</label>
              <input id={`job-${i}-findings`} value={j.findings ?? ''} onChange={(e) => update(i, { findings: e.target.value || null })} />
            </div>
            <label className="check field-check">
              <input type="checkbox" checked={Boolean(j.authorized)} onChange={(e) => update(i, { authorized: e.target.checked })} /> Authorised by the customer
            </label>
          </div>
          <LinesEditor value={j.lines ?? []} currency={currency} locked={false} onChange={(lines) => update(i, { lines })} onValidity={onValidity} error={error} path={`jobs.${i}.lines`} />
          <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => onChange(value.filter((_, k) => k !== i))}>
            Remove job {i + 1}
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="btn btn-small" onClick={() => onChange([...value, { title: '', authorized: false, lines: [] }])}>
          + Add job
        </button>
      </div>
    </fieldset>
  );
}
