import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { adfForwardingApi, ApiError, type AdfDelivery, type AdfTestResult, type Environment } from '../api.ts';
import { Empty, ErrorBox, FieldErrors, Loading, NewerOlder, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import { DeliveryTable, type LogDelivery } from '../components/delivery-log.tsx';
import { Toast } from '../components/confirm.tsx';
import { formatDateTime, relativeTime } from '../lib/format.ts';

// Tools & reports → ADF forwarding: where every new lead is sent as ADF/XML (a DMS's URL and/or
// mailbox), a test send, and the delivery log with each attempt, as for webhooks.
export function AdfForwardingPage({ env }: { env: Environment }) {
  const settings = useAsync(() => adfForwardingApi.get(), [env]);
  const [page, setPage] = useState(1);
  const log = useAsync(() => adfForwardingApi.deliveries(page), [env, page]);
  const [url, setUrl] = useState('');
  const [email, setEmail] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [results, setResults] = useState<AdfTestResult[]>();
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);

  useEffect(() => {
    if (!settings.data) return;
    setUrl(settings.data.url ?? '');
    setEmail(settings.data.email ?? '');
    setEnabled(settings.data.targets.length ? settings.data.enabled : true);
  }, [settings.data]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await adfForwardingApi.save({ url: url.trim() || null, email: email.trim() || null, enabled });
      setToast('ADF forwarding saved.');
      settings.reload();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  };
  const test = async () => {
    setTesting(true);
    setError(undefined);
    try {
      setResults(await adfForwardingApi.test());
      log.reload();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setTesting(false);
    }
  };
  const resend = async (d: LogDelivery) => {
    try {
      await adfForwardingApi.resend(d.id);
      setToast('Queued to be sent again.');
      log.reload();
    } catch (err) {
      setToast(toApiError(err).message);
    }
  };

  if (settings.loading && !settings.data) return <Loading label="Loading ADF forwarding…" />;
  if (settings.error) return <ErrorBox error={settings.error} onRetry={settings.reload} />;
  const s = settings.data!;
  const pages = Math.max(1, Math.ceil((log.data?.total ?? 0) / 25));
  return (
    <>
      <PageHeader
        title="ADF forwarding"
        description={`Send every new ${env} lead, as an ADF/XML 1.0 document, to your DMS or CRM: by HTTP POST, by e-mail, or both. Failed sends are retried like webhooks.`}
      />
      <section className="card">
        <form onSubmit={save} className="form-grid" noValidate>
          <label className="field">
            <span>Target URL</span>
            <input type="url" inputMode="url" placeholder="https://dms.example.com/adf/inbound" value={url} onChange={(e) => setUrl(e.target.value)} aria-describedby="url-hint" />
            <small id="url-hint" className="muted">
              Gets a POST with Content-Type application/xml for each lead. Leave empty for none.
            </small>
            <FieldErrors error={error} field="url" />
          </label>
          <label className="field">
            <span>Target e-mail address</span>
            <input type="email" placeholder="leads@dms.example.com" value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby="email-hint" />
            <small id="email-hint" className="muted">
              {s.emailAvailable ? 'Gets a plain-text mail whose body is the ADF document.' : 'This server sends no mail yet: its operator sets SMTP_RELAY_URL to enable e-mail forwarding.'}
            </small>
            <FieldErrors error={error} field="email" />
          </label>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Forward new leads
          </label>
          {error && !error.fields.length && <p className="alert alert-error">{error.message}</p>}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn" onClick={test} disabled={testing || !s.targets.length}>
              {testing ? 'Sending…' : 'Send test lead'}
            </button>
          </div>
        </form>
        {s.targets.map((t) => (
          <p key={t.id} className="small" data-testid={`target-${t.kind}`}>
            <strong>{t.kind === 'http' ? 'URL' : 'E-mail'}</strong> <span className="mono break">{t.target}</span> ·{' '}
            {t.enabled ? (t.failingSince ? `failing since ${formatDateTime(t.failingSince)}` : 'on') : (t.disabledReason ?? 'off')}
            {t.lastSuccessAt && <> · last success {relativeTime(t.lastSuccessAt)}</>}
          </p>
        ))}
        {results && (
          <ul className="test-results" aria-label="Test results">
            {results.map((r) => (
              <li key={r.deliveryId} className={`alert ${r.success ? 'alert-info' : 'alert-error'}`}>
                {r.kind === 'http' ? 'URL' : 'E-mail'}: {r.success ? 'delivered' : 'failed'} · {r.statusCode ?? 'no answer'} · {r.durationMs} ms
                {r.error && <> · {r.error}</>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card flush" aria-labelledby="adf-log-h">
        <div className="table-tools split">
          <h2 id="adf-log-h">Deliveries</h2>
          <button type="button" className="btn btn-small" onClick={log.reload}>
            Refresh
          </button>
        </div>
        {log.error && <ErrorBox error={log.error} onRetry={log.reload} />}
        {log.data && log.data.data.length === 0 && <Empty title="Nothing forwarded yet">Each new lead appears here with every attempt to send it.</Empty>}
        {log.data && log.data.data.length > 0 && <DeliveryTable label="ADF deliveries" deliveries={log.data.data.map(asLogDelivery)} target onResend={resend} />}
        {log.data && log.data.total > 25 && (
          <NewerOlder page={page} pages={pages} onPage={setPage}>
            page {page} of {pages}
          </NewerOlder>
        )}
      </section>
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

const asLogDelivery = (d: AdfDelivery): LogDelivery => ({
  id: d.id,
  createdAt: d.createdAt,
  event: d.eventType === 'webhook.test' ? 'test lead' : d.eventType,
  target: d.target,
  status: d.status,
  nextAttemptAt: d.nextAttemptAt,
  attemptCount: d.attemptCount,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  attempts: d.attempts.map(({ requestId: _, ...a }) => a),
});
