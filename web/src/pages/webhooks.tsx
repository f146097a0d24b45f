import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, webhookApi, type Delivery, type Environment, type Me, type TestResult, type Webhook, type WebhookWithSecret } from '../api.ts';
import { Empty, EnvBadge, ErrorBox, FieldErrors, FormError, Loading, Modal, NewerOlder, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import { DeliveryTable, type LogDelivery } from '../components/delivery-log.tsx';
import { ConfirmDialog, Toast } from '../components/confirm.tsx';
import { ShowOnce, ShowOnceDialog } from '../components/show-once.tsx';
import { compactEvents, endpointState, expandEvents, groupEvents, isoToLocal, localToIso, summarizeEvents } from '../lib/webhooks.ts';
import { formatDateTime, formatNumber, relativeTime } from '../lib/format.ts';
import { BASE, Link, navigate } from '../router.tsx';

const WEBHOOKS = `${BASE}/integrations/webhooks`;

export function WebhooksPage({ me, env, endpointId }: { me: Me; env: Environment; endpointId?: string }) {
  if (me.role === 'member') {
    return (
      <>
        <PageHeader title="Webhooks" />
        <Empty title="Only owners and admins manage webhooks">Ask an owner or admin of {me.tenantName} to add an endpoint for your integration.</Empty>
      </>
    );
  }
  return endpointId ? <EndpointPage env={env} id={endpointId} /> : <EndpointList env={env} />;
}

function EndpointList({ env }: { env: Environment }) {
  const list = useAsync(() => webhookApi.list(), [env]);
  const [editing, setEditing] = useState<Webhook | 'new'>();
  const [secret, setSecret] = useState<{ hook: WebhookWithSecret; title: string }>();
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const hooks = list.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Webhooks"
        description={`Motors CRM POSTs a signed JSON event to your endpoints when ${env} records change. Only ${env} events reach ${env} endpoints.`}
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            + Add endpoint
          </button>
        }
      />
      {list.loading && !list.data && <Loading label="Loading webhooks…" />}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && hooks.length === 0 && (
        <Empty
          title={`No ${env} webhook endpoints yet`}
          action={
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
              Add your first endpoint
            </button>
          }
        >
          Add the URL of your system; we send it an event for every change you subscribe to, signed with a secret only you and we know.
        </Empty>
      )}
      {hooks.length > 0 && (
        <section className="card flush">
          <div className="table-wrap">
            <table className="table" aria-label="Webhook endpoints">
              <thead>
                <tr>
                  <th>Endpoint</th>
                  <th>Events</th>
                  <th>Status</th>
                  <th>Last success</th>
                  <th className="right">Actions</th>
                </tr>
              </thead>
              <tbody>
                {hooks.map((w) => {
                  const state = endpointState(w);
                  return (
                    <tr key={w.id} data-webhook-id={w.id} className={w.enabled ? '' : 'dim-soft'}>
                      <td data-label="Endpoint">
                        <Link to={`${WEBHOOKS}/${w.id}`} className="mono break">
                          {w.url}
                        </Link>
                        {w.description && <div className="muted small">{w.description}</div>}
                      </td>
                      <td data-label="Events" title={w.events.join(', ')}>
                        {summarizeEvents(w.events)}
                      </td>
                      <td data-label="Status">
                        <span className={`badge badge-${state.tone}`}>{state.label}</span>
                        {state.detail && <div className="small muted reason">{state.detail}</div>}
                      </td>
                      <td data-label="Last success" title={formatDateTime(w.last_success_at)}>
                        {relativeTime(w.last_success_at)}
                      </td>
                      <td className="right actions" data-label="Actions">
                        <Link to={`${WEBHOOKS}/${w.id}`} className="btn btn-small" aria-label={`Deliveries of ${w.url}`}>
                          Deliveries
                        </Link>
                        <button type="button" className="btn btn-small" onClick={() => setEditing(w)} aria-label={`Edit ${w.url}`}>
                          Edit
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <Modal open={Boolean(editing)} title={editing === 'new' ? 'Add a webhook endpoint' : 'Edit webhook endpoint'} onClose={() => setEditing(undefined)} wide>
        {editing && (
          <EndpointForm
            hook={editing === 'new' ? undefined : editing}
            onCancel={() => setEditing(undefined)}
            onSaved={(saved) => {
              setEditing(undefined);
              list.reload();
              if ('secret' in saved) setSecret({ hook: saved as WebhookWithSecret, title: 'Your endpoint is ready' });
              else setToast('Endpoint saved.');
            }}
          />
        )}
      </Modal>
      <ShowOnceDialog shown={secret} title={secret?.title ?? ''} onDone={() => setSecret(undefined)} render={(s) => <SecretOnce hook={s.hook} onDone={() => setSecret(undefined)} />} />
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

function EndpointForm({ hook, onCancel, onSaved }: { hook?: Webhook; onCancel: () => void; onSaved: (w: Webhook | WebhookWithSecret) => void }) {
  const catalogue = useAsync(() => webhookApi.events(), []);
  const events = catalogue.data ?? [];
  const groups = useMemo(() => groupEvents(events), [events]);
  const [url, setUrl] = useState(hook?.url ?? '');
  const [description, setDescription] = useState(hook?.description ?? '');
  const [all, setAll] = useState(hook ? hook.events.includes('*') : true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [enabled, setEnabled] = useState(hook?.enabled ?? true);
  const [error, setError] = useState<ApiError>();
  const [localError, setLocalError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (hook && events.length) setChosen(expandEvents(hook.events, events));
  }, [hook, events]);

  const toggle = (list: string[], on: boolean) => setChosen((c) => (on ? [...new Set([...c, ...list])] : c.filter((e) => !list.includes(e))));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocalError('');
    if (!all && chosen.length === 0) {
      setLocalError('Pick at least one event, or "All events".');
      return;
    }
    setBusy(true);
    setError(undefined);
    const body = { url: url.trim(), description: description.trim() || null, events: all ? ['*'] : compactEvents(chosen, events) };
    try {
      onSaved(hook ? await webhookApi.update(hook.id, { ...body, enabled }) : await webhookApi.create(body));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Webhook endpoint">
      <FormError message={error?.message} />
      <FormError message={localError} />
      <div className="field">
        <label htmlFor="hook-url">Endpoint URL</label>
        <input id="hook-url" type="url" required maxLength={2000} placeholder="https://dealer.example.com/hooks/motors" value={url} onChange={(e) => setUrl(e.target.value)} autoFocus />
        <small className="muted">An https URL of your system that answers 2xx within 10 seconds.</small>
        <FieldErrors error={error} field="url" />
      </div>
      <div className="field">
        <label htmlFor="hook-description">Description</label>
        <input id="hook-description" maxLength={500} placeholder="e.g. DMS sync" value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <fieldset className="field">
        <legend>Events</legend>
        <label className="check strong">
          <input type="checkbox" name="all-events" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events — including ones added later
        </label>
        {!all && catalogue.loading && <Loading label="Loading the event catalogue…" />}
        {!all && catalogue.error && <ErrorBox error={catalogue.error} onRetry={catalogue.reload} />}
        {!all && (
          <div className="event-groups">
            {groups.map((g) => {
              const picked = g.events.filter((e) => chosen.includes(e)).length;
              return (
                <div key={g.key} className="event-group">
                  <label className="check strong">
                    <input
                      type="checkbox"
                      checked={picked === g.events.length}
                      ref={(el) => {
                        if (el) el.indeterminate = picked > 0 && picked < g.events.length;
                      }}
                      onChange={(e) => toggle(g.events, e.target.checked)}
                    />{' '}
                    {g.label}
                  </label>
                  {g.events.map((ev) => (
                    <label key={ev} className="check small">
                      <input type="checkbox" value={ev} checked={chosen.includes(ev)} onChange={(e) => toggle([ev], e.target.checked)} />{' '}
                      {ev.split('.').slice(-1)[0] === 'test' ? ev : ev.split('.').slice(2).join('.')}
                    </label>
                  ))}
                </div>
              );
            })}
          </div>
        )}
        <FieldErrors error={error} field="events" />
      </fieldset>
      {hook && (
        <label className="check">
          <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
          {!hook.enabled && hook.disabled_reason && <span className="muted small"> — re-enabling clears “{hook.disabled_reason}”</span>}
        </label>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : hook ? 'Save endpoint' : 'Add endpoint'}
        </button>
      </div>
    </form>
  );
}

function SecretOnce({ hook, onDone }: { hook: WebhookWithSecret; onDone: () => void }) {
  return (
    <ShowOnce
      warning={
        <>
          <strong>Copy the signing secret now — you won't see it again.</strong> Your receiver uses it to check that each event comes from us (the <code>X-Motors-Signature</code> header). If you lose
          it, rotate it.
        </>
      }
      values={[{ value: hook.secret, testId: 'webhook-secret', copyLabel: 'Copy secret' }]}
      doneLabel="I've saved the secret"
      onDone={onDone}
    >
      <p className="muted">
        <span className="mono">{hook.url}</span> · <EnvBadge env={hook.environment} /> · {summarizeEvents(hook.events)}
        {hook.previous_secret_expires_at && <> · the previous secret still signs deliveries until {formatDateTime(hook.previous_secret_expires_at)}</>}
      </p>
      <p className="small">
        Next: send a test event from the endpoint's page to check your receiver, or read the{' '}
        <a href="/docs" target="_blank" rel="noreferrer">
          API reference
        </a>{' '}
        for the signature check.
      </p>
    </ShowOnce>
  );
}

const PAGE_SIZE = 20;

// An endpoint's page: the header with the test send, its settings and secret, its delivery log.
// Each part holds its own state; the page keeps only what they share (the endpoint, the toast,
// and `sent`, bumped when a test event adds a delivery so the log reloads).
function EndpointPage({ env, id }: { env: Environment; id: string }) {
  const hook = useAsync(() => webhookApi.get(id), [id, env]);
  const [editing, setEditing] = useState(false);
  const [sent, setSent] = useState(0);
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const reloadHook = hook.reload;
  const test = useTestEvent(
    id,
    useCallback(() => {
      reloadHook();
      setSent((n) => n + 1);
    }, [reloadHook]),
  );

  if (hook.loading && !hook.data) return <Loading label="Loading the endpoint…" />;
  if (hook.error)
    return (
      <>
        <PageHeader title="Webhook endpoint" />
        <ErrorBox error={hook.error} onRetry={hook.reload} />
        {hook.error.status === 404 && (
          <p>
            It may belong to the other environment or have been deleted. <Link to={WEBHOOKS}>Back to the webhooks</Link>
          </p>
        )}
      </>
    );
  const w = hook.data!;

  return (
    <>
      <p className="crumbs">
        <Link to={WEBHOOKS}>← Webhooks</Link>
      </p>
      <PageHeader
        title="Webhook endpoint"
        description={<span className="mono break">{w.url}</span>}
        actions={
          <>
            <button type="button" className="btn btn-primary" onClick={test.send} disabled={test.testing}>
              {test.testing ? 'Sending…' : 'Send test event'}
            </button>
            <button type="button" className="btn" onClick={() => setEditing(true)}>
              Edit
            </button>
          </>
        }
      />
      {test.error && <ErrorBox error={test.error} />}
      {test.result && <TestResultCard result={test.result} />}
      <EndpointSettings w={w} onChanged={hook.reload} onToast={setToast} />
      <DeliveryLog w={w} sent={sent} onToast={setToast} />
      <Modal open={editing} title="Edit webhook endpoint" onClose={() => setEditing(false)} wide>
        {editing && (
          <EndpointForm
            hook={w}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              setToast('Endpoint saved.');
              hook.reload();
            }}
          />
        )}
      </Modal>
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

/** "Send test event": the receiver's answer, or why it could not be asked. */
function useTestEvent(id: string, onSent: () => void) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestResult>();
  const [error, setError] = useState<ApiError>();
  const send = async () => {
    setTesting(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await webhookApi.test(id));
      onSent();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setTesting(false);
    }
  };
  return { send, testing, result, error };
}

function TestResultCard({ result }: { result: TestResult }) {
  return (
    <section className={`card test-result ${result.success ? 'ok' : 'err'}`} aria-label="Test result" data-testid="test-result">
      <h2>
        Test event {result.success ? 'delivered' : 'failed'} <span className={`badge badge-${result.success ? 'ok' : 'err'}`}>{result.status_code ?? 'no response'}</span>
      </h2>
      <dl className="facts">
        <dt>Status code</dt>
        <dd>{result.status_code ?? '—'}</dd>
        <dt>Duration</dt>
        <dd>{result.duration_ms} ms</dd>
        {result.error && (
          <>
            <dt>Error</dt>
            <dd>{result.error}</dd>
          </>
        )}
        <dt>Response body</dt>
        <dd>
          <pre className="body-preview">{result.response_body || '(empty)'}</pre>
        </dd>
        <dt>Request id</dt>
        <dd className="mono small">{result.request_id}</dd>
      </dl>
      {!result.success && <p className="small">Check that the URL is reachable from this server and answers 2xx within 10 seconds.</p>}
    </section>
  );
}

/** The endpoint's facts and what changes them: rotate the secret (shown once), disable / enable, delete. */
function EndpointSettings({ w, onChanged, onToast }: { w: Webhook; onChanged: () => void; onToast: (message: string) => void }) {
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | 'disable'>();
  const [secret, setSecret] = useState<WebhookWithSecret>();
  const [error, setError] = useState<ApiError>();
  const state = endpointState(w);
  const enable = async () => {
    setError(undefined);
    try {
      await webhookApi.update(w.id, { enabled: true });
      onToast('Endpoint enabled. Recover the deliveries that failed meanwhile below.');
      onChanged();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  return (
    <section className="card">
      {error && <ErrorBox error={error} />}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`badge badge-${state.tone}`} data-testid="endpoint-state">
            {state.label}
          </span>{' '}
          {state.detail && <span className="small">{state.detail}</span>}
        </dd>
        <dt>Environment</dt>
        <dd>
          <EnvBadge env={w.environment} />
        </dd>
        <dt>Events</dt>
        <dd>{w.events.includes('*') ? 'All events' : w.events.join(', ')}</dd>
        {w.description && (
          <>
            <dt>Description</dt>
            <dd>{w.description}</dd>
          </>
        )}
        <dt>Last success</dt>
        <dd title={formatDateTime(w.last_success_at)}>{relativeTime(w.last_success_at)}</dd>
        <dt>Secret</dt>
        <dd>
          <code>whsec_••••••••</code> <span className="muted small">shown only when created or rotated</span>
          {w.previous_secret_expires_at && <div className="small">The previous secret also signs until {formatDateTime(w.previous_secret_expires_at)}.</div>}
        </dd>
      </dl>
      <div className="button-row">
        <button type="button" className="btn btn-small" onClick={() => setConfirm('rotate')}>
          Rotate secret
        </button>
        {w.enabled ? (
          <button type="button" className="btn btn-small" onClick={() => setConfirm('disable')}>
            Disable
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={enable}>
            Enable
          </button>
        )}
        <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setConfirm('delete')}>
          Delete endpoint
        </button>
      </div>
      <ConfirmDialog
        open={confirm === 'rotate'}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        onClose={() => setConfirm(undefined)}
        onConfirm={async () => {
          const rotated = await webhookApi.rotateSecret(w.id);
          setSecret(rotated);
          onChanged();
        }}
      >
        <p>You get a new secret now. For 24 hours each delivery carries signatures made with both secrets, so your receiver can switch without losing an event.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'disable'}
        title="Disable this endpoint?"
        confirmLabel="Disable"
        danger
        onClose={() => setConfirm(undefined)}
        onConfirm={async () => {
          await webhookApi.update(w.id, { enabled: false });
          onChanged();
        }}
      >
        <p>No events are sent to it until you enable it again. Deliveries that fail meanwhile can be recovered afterwards.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        danger
        onClose={() => setConfirm(undefined)}
        onConfirm={async () => {
          await webhookApi.remove(w.id);
          navigate(WEBHOOKS);
        }}
      >
        <p>
          <span className="mono break">{w.url}</span> gets no more events; deliveries still queued are dropped. This can't be undone.
        </p>
      </ConfirmDialog>
      <ShowOnceDialog shown={secret} title="Your new signing secret" onDone={() => setSecret(undefined)} render={(s) => <SecretOnce hook={s} onDone={() => setSecret(undefined)} />} />
    </section>
  );
}

const asLogDelivery = (d: Delivery): LogDelivery => ({
  id: d.id,
  createdAt: d.created_at,
  event: d.event,
  status: d.status,
  nextAttemptAt: d.next_attempt_at,
  attemptCount: d.attempt_count,
  lastStatusCode: d.last_status_code,
  lastError: d.last_error,
  eventId: d.event_id,
  deliveredAt: d.delivered_at,
  attempts: d.attempts.map((a) => ({
    id: a.id,
    statusCode: a.status_code,
    durationMs: a.duration_ms,
    startedAt: a.started_at,
    requestId: a.request_id,
    error: a.error,
    responseBody: a.response_body,
  })),
});

/** The delivery log: a status filter, "recover failed since…", resend, pages; refreshed while deliveries are on their way. */
function DeliveryLog({ w, sent, onToast }: { w: Webhook; sent: number; onToast: (message: string) => void }) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState('');
  const [since, setSince] = useState(() => isoToLocal(new Date(Date.now() - 86400_000).toISOString()));
  const [error, setError] = useState<ApiError>();
  // `sent` (a test event was sent) and `w` (the endpoint changed) reload the log.
  const deliveries = useAsync(() => webhookApi.deliveries(w.id, { page, limit: PAGE_SIZE, status: status || undefined }), [w, page, status, sent]);

  // Retries happen in the background: keep the log fresh while something is still on its way.
  const reloadDeliveries = deliveries.reload;
  const busy = (deliveries.data?.data ?? []).some((d) => d.status === 'pending' || d.status === 'failed');
  useEffect(() => {
    const t = setInterval(reloadDeliveries, busy ? 2000 : 10_000);
    return () => clearInterval(t);
  }, [reloadDeliveries, busy]);

  const resend = async (d: LogDelivery) => {
    setError(undefined);
    try {
      await webhookApi.resend(w.id, d.id);
      onToast(`Delivery of ${d.event} queued again.`);
      deliveries.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const recover = async (e: FormEvent) => {
    e.preventDefault();
    const iso = localToIso(since);
    if (!iso) return setError(new ApiError(0, 'client', 'Pick the date and time to recover from.'));
    setError(undefined);
    try {
      const r = await webhookApi.recover(w.id, iso);
      onToast(r.recovered ? `${r.recovered} failed deliver${r.recovered === 1 ? 'y' : 'ies'} queued again.` : 'No failed deliveries since then — nothing to recover.');
      deliveries.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  return (
    <section className="card flush">
      <div className="table-tools split">
        <h2>Delivery log</h2>
        <label className="field inline">
          <span className="sr-only">Delivery status</span>
          <select aria-label="Delivery status" value={status} onChange={(e) => (setStatus(e.target.value), setPage(1))}>
            <option value="">All deliveries</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed, retrying</option>
            <option value="dead">Failed, gave up</option>
            <option value="pending">Pending</option>
          </select>
        </label>
        <button type="button" className="btn btn-small" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <form className="recover" onSubmit={recover} aria-label="Recover failed deliveries">
        <label htmlFor="recover-since">Recover failed since</label>
        <input id="recover-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />
        <button type="submit" className="btn btn-small">
          Recover failed deliveries
        </button>
        <small className="muted">Queues again every failed delivery created since then — after your receiver was down, for example.</small>
      </form>
      {error && <ErrorBox error={error} />}
      {deliveries.error && <ErrorBox error={deliveries.error} onRetry={deliveries.reload} />}
      {deliveries.loading && !deliveries.data && <Loading label="Loading deliveries…" />}
      {deliveries.data && deliveries.data.data.length === 0 && (
        <Empty title={status ? 'No deliveries with this status' : 'No deliveries yet'}>
          Send a test event, or change a {w.environment} record the endpoint subscribes to: each event shows up here with every attempt.
        </Empty>
      )}
      {deliveries.data && deliveries.data.data.length > 0 && (
        <>
          <DeliveryTable label="Deliveries" deliveries={deliveries.data.data.map(asLogDelivery)} duration onResend={resend} />
          <NewerOlder page={page} pages={deliveries.data.pagination.total_pages} onPage={setPage}>
            {formatNumber(deliveries.data.pagination.total)} deliver{deliveries.data.pagination.total === 1 ? 'y' : 'ies'} · page {page} of {Math.max(1, deliveries.data.pagination.total_pages)}
          </NewerOlder>
        </>
      )}
    </section>
  );
}
