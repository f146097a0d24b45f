import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, type ApiKey, type CreatedKey, type Environment, type Me } from '../api.ts';
import { CodeBlock, Empty, EnvBadge, ErrorBox, FieldErrors, FormError, Loading, Modal, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import { ConfirmDialog } from '../components/confirm.tsx';
import { ShowOnce, ShowOnceDialog } from '../components/show-once.tsx';
import { describeElsewhere, elsewhere, groupScopes, groupState, summarizeScopes, toggleGroup, toggleScope, type ScopedOperation, type ScopeGroup } from '../lib/scopes.ts';
import { expiryFrom, formatDateTime, keyStatus, maskKey, relativeTime, rotatingOut } from '../lib/format.ts';
import { buildCurl } from '../lib/curl.ts';
import { BASE, Link } from '../router.tsx';

export function KeysPage({ me, env }: { me: Me; env: Environment }) {
  const keys = useAsync(() => api.keys(), []);
  // ?new opens the create form straight away (the Quick start links here when there's no key yet).
  const [creating, setCreating] = useState(() => new URLSearchParams(location.search).has('new'));
  const [shown, setShown] = useState<{ key: CreatedKey; title: string }>();
  const [revoking, setRevoking] = useState<ApiKey>();
  const [rotating, setRotating] = useState<ApiKey>();
  const [showRevoked, setShowRevoked] = useState(false);
  useEffect(() => {
    if (!creating && location.search) history.replaceState(null, '', location.pathname);
  }, [creating]);

  if (me.role === 'member') {
    return (
      <>
        <PageHeader title="API keys" />
        <Empty title="Only owners and admins manage API keys">Ask an owner or admin of {me.tenantName} to create a key for your integration.</Empty>
      </>
    );
  }

  // The list follows the Test / Live switch, like every other page.
  const envKeys = (keys.data ?? []).filter((k) => k.environment === env);
  const otherCount = (keys.data ?? []).length - envKeys.length;
  const list = envKeys.filter((k) => showRevoked || !k.revokedAt);
  const replacing = rotatingOut(envKeys);
  const revokedCount = envKeys.filter((k) => k.revokedAt).length;

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your website, DMS or other tools use the Motors CRM APIs. A key is tied to one environment: test keys only ever see test data."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            + Create key
          </button>
        }
      />
      {keys.loading && !keys.data && <Loading label="Loading keys…" />}
      {keys.error && <ErrorBox error={keys.error} onRetry={keys.reload} />}
      {keys.data && keys.data.length === 0 && (
        <Empty
          title="No API keys yet"
          action={
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
              Create your first key
            </button>
          }
        >
          Create a key to connect your website or another tool. Start with a test key: it only sees test data.
        </Empty>
      )}
      {keys.data && keys.data.length > 0 && (
        <section className="card flush">
          <div className="table-tools">
            <label className="check">
              <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show revoked keys ({revokedCount})
            </label>
            {otherCount > 0 && (
              <span className="muted small" data-testid="other-env-keys">
                {' '}
                · Showing {env} keys; {otherCount} {env === 'live' ? 'test' : 'live'} key{otherCount === 1 ? '' : 's'} hidden (use the switch at the top).
              </span>
            )}
          </div>
          {list.length === 0 && envKeys.length === 0 && (
            <Empty title={`No ${env} keys`}>
              Create a {env} key, or switch to {env === 'live' ? 'Test' : 'Live'} at the top to see your other keys.
            </Empty>
          )}
          {list.length === 0 && envKeys.length > 0 && <Empty title="No active keys">All your keys are revoked. Create a new one, or tick "Show revoked keys" to see the old ones.</Empty>}
          {list.length > 0 && (
            <div className="table-wrap">
              <table className="table" aria-label="API keys">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Key</th>
                    <th>Env</th>
                    <th>Scopes</th>
                    <th>Created</th>
                    <th>Last used</th>
                    <th className="right">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((k) => {
                    const status = keyStatus(k);
                    const replaced = replacing.has(k.id);
                    const label = replaced ? `${k.name} (rotating out)` : k.name;
                    return (
                      <tr key={k.id} data-key-id={k.id} className={k.revokedAt ? 'dim' : ''}>
                        <td data-label="Name">
                          <strong>{k.name || 'Unnamed key'}</strong>
                          <div className="key-meta">
                            {status === 'revoked' && <span className="badge badge-muted">Revoked</span>}
                            {status === 'expired' && <span className="badge badge-muted">Expired</span>}
                            {status === 'active' && <span className="badge badge-ok">Active</span>}
                            {status === 'expiring' && (
                              <span className="badge badge-warn" title={formatDateTime(k.expiresAt)}>
                                {replaced ? `Rotating out, expires ${relativeTime(k.expiresAt)}` : `Expires ${relativeTime(k.expiresAt)}`}
                              </span>
                            )}
                            {k.rateLimit && <span className="muted small">{k.rateLimit}/min</span>}
                          </div>
                        </td>
                        <td data-label="Key">
                          <code>{maskKey(k)}</code>
                        </td>
                        <td data-label="Environment">
                          <EnvBadge env={k.environment} />
                        </td>
                        <td data-label="Scopes" title={k.scopes.join(', ')}>
                          {summarizeScopes(k.scopes)}
                        </td>
                        <td data-label="Created" title={formatDateTime(k.createdAt)}>
                          {relativeTime(k.createdAt)}
                        </td>
                        <td data-label="Last used" title={formatDateTime(k.lastUsedAt)}>
                          {relativeTime(k.lastUsedAt)}
                        </td>
                        <td className="right actions" data-label="Actions">
                          {!k.revokedAt && status !== 'expired' && (
                            <>
                              {/* Its replacement is the one to rotate; the old key only waits out the overlap. */}
                              {!replaced && (
                                <button type="button" className="btn btn-small" onClick={() => setRotating(k)} aria-label={`Rotate ${k.name}`}>
                                  Rotate
                                </button>
                              )}
                              <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setRevoking(k)} aria-label={`Revoke ${label}`}>
                                Revoke
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}

      <Modal open={creating} title="Create an API key" onClose={() => setCreating(false)} wide>
        <CreateKeyForm
          defaultEnv={env}
          onCancel={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setShown({ key, title: 'Your new API key' });
            keys.reload();
          }}
        />
      </Modal>
      <ShowOnceDialog shown={shown} title={shown?.title ?? ''} onDone={() => setShown(undefined)} render={(s) => <ShowKeyOnce created={s.key} onDone={() => setShown(undefined)} />} />
      <ConfirmDialog
        open={Boolean(revoking)}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        busyLabel="Revoking…"
        cancelLabel="Keep the key"
        danger
        onClose={() => setRevoking(undefined)}
        onConfirm={async () => {
          await api.revokeKey(revoking!.id);
          keys.reload();
        }}
      >
        {revoking && (
          <p>
            <strong>{revoking.name || 'This key'}</strong> (<code>{maskKey(revoking)}</code>, <EnvBadge env={revoking.environment} />) stops working within a second. Every integration using it gets{' '}
            <code>401 Unauthorized</code>. This can't be undone.
          </p>
        )}
      </ConfirmDialog>
      <Modal open={Boolean(rotating)} title="Rotate this key" onClose={() => setRotating(undefined)}>
        {rotating && (
          <RotateForm
            apiKey={rotating}
            onCancel={() => setRotating(undefined)}
            onRotated={(key) => {
              setRotating(undefined);
              setShown({ key, title: 'Your replacement key' });
              keys.reload();
            }}
          />
        )}
      </Modal>
    </>
  );
}

function CreateKeyForm({ defaultEnv, onCancel, onCreated }: { defaultEnv: Environment; onCancel: () => void; onCreated: (k: CreatedKey) => void }) {
  const catalogue = useAsync(() => api.scopes(), []);
  const operations = useAsync(() => api.scopeOperations(), []);
  const groups = useMemo(() => (catalogue.data ? groupScopes(catalogue.data) : []), [catalogue.data]);
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<Environment>(defaultEnv);
  const [full, setFull] = useState(false);
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('never');
  const [customExpiry, setCustomExpiry] = useState('');
  const [rateLimit, setRateLimit] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [localError, setLocalError] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocalError('');
    if (!full && scopes.length === 0) {
      setLocalError('Pick at least one scope (or "Full access"): a key without scopes can do nothing.');
      return;
    }
    if (expiry === 'custom' && !customExpiry) {
      setLocalError('Pick the expiry date, or choose "Never".');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createKey({
        name: name.trim(),
        environment,
        scopes: full ? ['*'] : scopes,
        rateLimit: rateLimit ? Number(rateLimit) : null,
        expiresAt: expiryFrom(expiry, customExpiry),
      });
      onCreated(created);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="form" aria-label="Create an API key">
      <FormError message={error?.message} />
      <FormError message={localError} />
      <div className="field">
        <label htmlFor="key-name">Name</label>
        <input
          id="key-name"
          name="name"
          required
          maxLength={100}
          placeholder="e.g. Website inventory sync"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          aria-describedby="key-name-hint"
        />
        <small id="key-name-hint" className="muted">
          Something that tells you later which integration uses it.
        </small>
        <FieldErrors error={error} field="name" />
      </div>

      <fieldset className="field">
        <legend>Environment</legend>
        <div className="segmented">
          {(['test', 'live'] as const).map((e) => (
            <label key={e} className={`seg seg-${e}${environment === e ? ' active' : ''}`}>
              <input type="radio" name="environment" value={e} checked={environment === e} onChange={() => setEnvironment(e)} />
              {e === 'test' ? 'Test — sees test data only' : 'Live — real customer data'}
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset className="field">
        <legend>Scopes</legend>
        <label className="check strong">
          <input type="checkbox" name="full-access" checked={full} onChange={(e) => setFull(e.target.checked)} /> Full access — every scope, including ones added later
        </label>
        {!full && (
          <small className="muted">
            Give the key only what the integration needs. A scope such as <code>customers:read</code> covers that resource on every API that has it.
          </small>
        )}
        {!full && catalogue.loading && <Loading label="Loading scopes…" />}
        {!full && catalogue.error && <ErrorBox error={catalogue.error} onRetry={catalogue.reload} />}
        {!full && groups.map((g) => <ScopeGroupBox key={g.surface} group={g} selected={scopes} onChange={setScopes} operations={operations.data} />)}
        <FieldErrors error={error} field="scopes" />
      </fieldset>

      <div className="row">
        <label className="field">
          <span>Expires</span>
          <select value={expiry} onChange={(e) => setExpiry(e.target.value)} name="expiry">
            <option value="never">Never</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In 1 year</option>
            <option value="custom">On a date…</option>
          </select>
        </label>
        {expiry === 'custom' && (
          <label className="field">
            <span>Expiry date</span>
            <input type="date" value={customExpiry} min={new Date().toISOString().slice(0, 10)} onChange={(e) => setCustomExpiry(e.target.value)} required />
          </label>
        )}
        <label className="field">
          <span>Rate limit (requests/minute)</span>
          <input type="number" name="rateLimit" min={1} max={100000} inputMode="numeric" placeholder="Server default" value={rateLimit} onChange={(e) => setRateLimit(e.target.value)} />
          <FieldErrors error={error} field="rateLimit" />
        </label>
      </div>

      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

function ScopeGroupBox({ group, selected, onChange, operations }: { group: ScopeGroup; selected: string[]; onChange: (s: string[]) => void; operations?: Record<string, ScopedOperation[]> }) {
  const state = groupState(selected, group);
  return (
    <details className="scope-group" open={group.surface === 'records'}>
      <summary>
        <span className="scope-group-title">
          {group.label} <code className="muted">{group.basePath}</code>
        </span>
        <span className="muted small">{group.scopes.filter((s) => selected.includes(s)).length} selected</span>
      </summary>
      <label className="check strong">
        <input
          type="checkbox"
          checked={state === 'all'}
          ref={(el) => {
            if (el) el.indeterminate = state === 'some';
          }}
          onChange={(e) => onChange(toggleGroup(selected, group, e.target.checked))}
        />{' '}
        All of the {group.label}
      </label>
      <div className="scope-grid">
        {group.resources.map((r) => (
          <div key={r.resource} className="scope-row">
            <span className="scope-name">{r.label}</span>
            {r.scopes.map((s) => (
              <label key={s} className="check" title={(operations?.[s] ?? []).map((o) => `${o.method} ${o.path}`).join('\n') || s}>
                <input type="checkbox" value={s} checked={selected.includes(s)} onChange={(e) => onChange(toggleScope(selected, s, e.target.checked))} /> {s.split(':')[1]}
              </label>
            ))}
            {r.scopes
              .filter((s) => elsewhere(operations, s, group.surface).length)
              .map((s) => (
                <small key={`${s}-shared`} className="muted scope-shared" data-testid={`shared-${s}`}>
                  <code>{s}</code> also opens {describeElsewhere(elsewhere(operations, s, group.surface))}
                </small>
              ))}
          </div>
        ))}
      </div>
    </details>
  );
}

function ShowKeyOnce({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  return (
    <ShowOnce
      warning={
        <>
          <strong>Copy this key now — you won't see it again.</strong> We store only a fingerprint of it. If you lose it, rotate or revoke it and create another.
        </>
      }
      values={[{ value: created.key, testId: 'new-key', copyLabel: 'Copy key' }]}
      doneLabel="I've saved the key"
      onDone={onDone}
    >
      <p className="muted">
        {created.name} · <EnvBadge env={created.environment} /> · {summarizeScopes(created.scopes)}
        {created.expiresAt && <> · expires {formatDateTime(created.expiresAt)}</>}
      </p>
      <CodeBlock label="Try it" code={buildCurl({ origin: location.origin, environment: created.environment, scopes: created.scopes, key: created.key })} />
      <p className="small">
        Next: <Link to={`${BASE}/integrations/requests`}>watch your requests arrive in the request log</Link> or read the{' '}
        <a href="/docs" target="_blank" rel="noreferrer">
          API reference
        </a>
        .
      </p>
    </ShowOnce>
  );
}

const overlaps = [
  { hours: 0, label: 'Immediately (no overlap)' },
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '24 hours' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
];

function RotateForm({ apiKey, onCancel, onRotated }: { apiKey: ApiKey; onCancel: () => void; onRotated: (k: CreatedKey) => void }) {
  const [overlap, setOverlap] = useState(24);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      onRotated(await api.rotateKey(apiKey.id, overlap));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="form">
      {error && <ErrorBox error={error} />}
      <p>
        A new key with the same name, environment and scopes replaces <code>{maskKey(apiKey)}</code>. Keep the old one working long enough to deploy the new one everywhere.
      </p>
      <label className="field">
        <span>Old key keeps working for</span>
        <select value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} name="overlap">
          {overlaps.map((o) => (
            <option key={o.hours} value={o.hours}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Rotating…' : 'Rotate key'}
        </button>
      </div>
    </form>
  );
}
