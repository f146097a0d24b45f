import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import { call, type ApiError, type Environment } from '../api.ts';
import { ErrorBox, PageHeader, toApiError } from '../components/ui.tsx';
import { formatNumber } from '../lib/format.ts';
import { BASE, Link, navigate } from '../router.tsx';
import { collectionOf, slugOf } from '../lib/records.ts';

// Tools › Import CSV: choose a file, check the mapping and every row's validation (the server's
// preview: nothing written), download the rejected rows, import. Reached from the menu and from
// the customers, vehicles and inventory lists (/dashboard/tools/import/<list>).

export type ImportCollection = 'customers' | 'motors' | 'inventoryItems';
type Field = { name: string; label: string; kind: string };
type Rejected = { row: number; values: string[]; errors: { field: string; label: string; message: string }[] };
type ImportAnswer = {
  collection: ImportCollection;
  naturalKey: string;
  headers: string[];
  mapping: Record<string, string | null>;
  fields: Field[];
  sample: { row: number; values: Record<string, string> }[];
  total: number;
  valid: number;
  rejectedCount: number;
  rejected: Rejected[];
  report: string;
  committed: boolean;
  created: number;
  updated: number;
  unchanged: number;
};

const importApi = {
  preview: (c: ImportCollection, csv: string, mapping?: Record<string, string | null>) => call<{ data: ImportAnswer }>('POST', `/imports/${c}/preview`, { csv, mapping }).then((r) => r.data),
  commit: (c: ImportCollection, csv: string, mapping: Record<string, string | null>) => call<{ data: ImportAnswer }>('POST', `/imports/${c}`, { csv, mapping }).then((r) => r.data),
};

const choices: { collection: ImportCollection; label: string; key: string }[] = [
  { collection: 'customers', label: 'Customers', key: 'email (case-insensitive)' },
  { collection: 'motors', label: 'Vehicles', key: 'VIN' },
  { collection: 'inventoryItems', label: 'Inventory items', key: 'SKU' },
];

/** The import page's address for a collection, for the lists' "Import CSV" buttons. */
export const importPath = (collection: ImportCollection) => `${BASE}/tools/import/${slugOf(collection)}`;

const LISTED = 50;

export function ImportPage({ rest, env }: { rest: string; env: Environment }) {
  const fromPath = collectionOf(rest) as ImportCollection;
  const collection = choices.some((c) => c.collection === fromPath) ? fromPath : 'customers';
  const choice = choices.find((c) => c.collection === collection)!;
  const [file, setFile] = useState<{ name: string; text: string }>();
  const [preview, setPreview] = useState<ImportAnswer>();
  const [result, setResult] = useState<ImportAnswer>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState<'' | 'checking' | 'importing'>('');

  // Another collection or environment, another file: start again.
  useEffect(() => {
    setFile(undefined);
    setPreview(undefined);
    setResult(undefined);
    setError(undefined);
  }, [collection, env]);

  const check = async (text: string, mapping?: Record<string, string | null>) => {
    setBusy('checking');
    setError(undefined);
    setResult(undefined);
    try {
      setPreview(await importApi.preview(collection, text, mapping));
    } catch (err) {
      setError(toApiError(err));
    }
    setBusy('');
  };

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = e.target.files?.[0];
    if (!chosen) return;
    const text = await chosen.text();
    setFile({ name: chosen.name, text });
    setPreview(undefined);
    await check(text);
  };

  const remap = (header: string, field: string) => {
    if (!file || !preview) return;
    void check(file.text, { ...preview.mapping, [header]: field || null });
  };

  const run = async () => {
    if (!file || !preview) return;
    setBusy('importing');
    setError(undefined);
    try {
      const done = await importApi.commit(collection, file.text, preview.mapping);
      setResult(done);
      setPreview(undefined);
    } catch (err) {
      setError(toApiError(err));
    }
    setBusy('');
  };

  const reportName = `${(file?.name ?? collection).replace(/\.csv$/i, '')}.rejected.csv`;
  const shown = result ?? preview;

  return (
    <>
      <PageHeader
        title="Import CSV"
        description={`Customers, vehicles and inventory items from a spreadsheet. Every row is checked before anything is written; a row whose ${choice.key} matches an existing record updates it, so importing a file again creates no duplicates.`}
      />
      <section className="card" aria-label="Choose a file">
        <div className="form-grid">
          <label className="field">
            <span>What the rows are</span>
            <select value={collection} onChange={(e) => navigate(importPath(e.target.value as ImportCollection))} data-testid="import-collection">
              {choices.map((c) => (
                <option key={c.collection} value={c.collection}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>CSV file</span>
            <input key={`${collection}-${env}`} type="file" accept=".csv,text/csv" onChange={choose} data-testid="import-file" />
            <small className="muted">UTF-8, comma-separated, the first row naming the columns. Amounts in minor units (4999 for 49.99); lists separated by ";".</small>
          </label>
        </div>
        {busy === 'checking' && (
          <p className="muted" role="status">
            Checking every row…
          </p>
        )}
      </section>
      {error && <ErrorBox error={error} />}
      {preview && !result && <Mapping preview={preview} onRemap={remap} disabled={busy !== ''} />}
      {shown && (
        <section className="card" aria-label={result ? 'Import result' : 'Validation'}>
          <h2>{result ? 'Imported' : 'Check'}</h2>
          {result ? (
            <p className="alert alert-info" role="status" data-testid="import-result">
              {formatNumber(result.created)} created, {formatNumber(result.updated)} updated, {formatNumber(result.unchanged)} unchanged, {formatNumber(result.rejectedCount)} rejected.{' '}
              <Link to={`${BASE}/records/${slugOf(collection)}`}>Open {choice.label.toLowerCase()}</Link>
            </p>
          ) : (
            <p className={`alert ${preview!.rejectedCount ? 'alert-warn' : 'alert-info'}`} role="status" data-testid="import-summary">
              {formatNumber(preview!.valid)} {preview!.valid === 1 ? 'row' : 'rows'} valid, {formatNumber(preview!.rejectedCount)} rejected (of {formatNumber(preview!.total)}).
              {preview!.rejectedCount > 0 && ' Rejected rows are left out of the import; fix them in the report and import it again.'}
            </p>
          )}
          {shown.rejectedCount > 0 && <RejectedRows answer={shown} reportName={reportName} />}
          {preview && !result && (
            <div className="form-actions">
              <button type="button" className="btn btn-primary" onClick={run} disabled={busy !== '' || preview.valid === 0} data-testid="import-run">
                {busy === 'importing' ? 'Importing…' : `Import ${formatNumber(preview.valid)} ${preview.valid === 1 ? 'row' : 'rows'}`}
              </button>
            </div>
          )}
        </section>
      )}
    </>
  );
}

function Mapping({ preview, onRemap, disabled }: { preview: ImportAnswer; onRemap: (header: string, field: string) => void; disabled: boolean }) {
  const first = preview.sample[0];
  return (
    <section className="card flush" aria-label="Column mapping">
      <div className="table-tools split">
        <h2>Columns</h2>
        <span className="muted small">Suggested from the headers; choose “Ignore” to leave a column out.</span>
      </div>
      <div className="table-wrap">
        <table className="table" aria-label="Column mapping">
          <thead>
            <tr>
              <th scope="col">Column in the file</th>
              <th scope="col">Field</th>
              <th scope="col">First row</th>
            </tr>
          </thead>
          <tbody>
            {preview.headers.map((header) => {
              const field = preview.mapping[header] ?? '';
              return (
                <tr key={header}>
                  <td data-label="Column">{header}</td>
                  <td data-label="Field">
                    <select aria-label={`Field for column ${header}`} value={field} onChange={(e) => onRemap(header, e.target.value)} disabled={disabled} data-testid={`map-${header}`}>
                      <option value="">Ignore</option>
                      {preview.fields.map((f) => (
                        <option key={f.name} value={f.name}>
                          {f.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td data-label="First row" className="muted">
                    {field && first ? first.values[field] : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RejectedRows({ answer, reportName }: { answer: ImportAnswer; reportName: string }) {
  const href = useMemo(() => URL.createObjectURL(new Blob([answer.report], { type: 'text/csv' })), [answer.report]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const rows = answer.rejected.slice(0, LISTED).flatMap((r) => r.errors.map((e, i) => ({ key: `${r.row}-${i}`, row: r.row, label: e.label, message: e.message })));
  return (
    <>
      <div className="table-tools split">
        <h3>Rejected rows</h3>
        <a className="btn btn-small" href={href} download={reportName} data-testid="import-report">
          Download rejected rows (CSV)
        </a>
      </div>
      <div className="table-wrap">
        <table className="table" aria-label="Rejected rows">
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Field</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td data-label="Row">{r.row}</td>
                <td data-label="Field">{r.label}</td>
                <td data-label="Problem">{r.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {answer.rejectedCount > LISTED && (
        <p className="muted small">
          The first {LISTED} of {answer.rejectedCount} rejected rows; the report has them all.
        </p>
      )}
    </>
  );
}
