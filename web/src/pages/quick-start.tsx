import { useState } from 'react';
import { api, type Environment } from '../api.ts';
import { CodeBlock, Empty, ErrorBox, Loading, PageHeader, useAsync } from '../components/ui.tsx';
import { buildCurl } from '../lib/curl.ts';
import { maskKey, rotatingOut } from '../lib/format.ts';
import { BASE, Link } from '../router.tsx';

export function QuickStartPage({ env }: { env: Environment }) {
  const keys = useAsync(() => api.keys(), []);
  const usable = (keys.data ?? []).filter((k) => !k.revokedAt && (!k.expiresAt || new Date(k.expiresAt).getTime() > Date.now()));
  const inEnv = usable.filter((k) => k.environment === env);
  const [picked, setPicked] = useState('');
  // A key being rotated out stops working soon: never the one offered first.
  const replacing = rotatingOut(keys.data ?? []);
  const selected = inEnv.find((k) => k.id === picked) ?? inEnv.find((k) => !replacing.has(k.id)) ?? inEnv[0];

  return (
    <>
      <PageHeader title="Quick start" description="Your first request in a minute." />
      {keys.loading && <Loading label="Loading your keys…" />}
      {keys.error && keys.error.status === 403 && <ErrorBox error={keys.error} />}
      {keys.error && keys.error.status !== 403 && <ErrorBox error={keys.error} onRetry={keys.reload} />}
      {keys.data && (
        <section className="card">
          <h2>1. Pick a key</h2>
          {inEnv.length === 0 ? (
            <Empty
              title={`No active ${env} key`}
              action={
                <Link to={`${BASE}/integrations/keys?new`} className="btn btn-primary">
                  Create a {env} key
                </Link>
              }
            >
              The Quick start uses a key of the environment you're in ({env}). Create one, or switch environment at the top.
            </Empty>
          ) : (
            <label className="field inline">
              <span>Key</span>
              <select value={selected?.id} onChange={(e) => setPicked(e.target.value)} name="quickstart-key">
                {inEnv.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name || 'Unnamed'} ({maskKey(k)}){replacing.has(k.id) ? ' — rotating out' : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {selected && (
            <>
              <h2>2. Send a request</h2>
              <p className="muted">
                Paste your full key (it starts with <code>{selected.prefix}</code> and ends with <code>{selected.last4}</code>; it was shown once when you created it — lost it?{' '}
                <Link to={`${BASE}/integrations/keys`}>rotate the key</Link>).
              </p>
              <CodeBlock label="Shell" code={buildCurl({ origin: location.origin, environment: selected.environment, scopes: selected.scopes })} />
              <h2>3. Watch it arrive</h2>
              <p>
                Open the <Link to={`${BASE}/integrations/requests`}>request log</Link>: your request shows up with its status, latency and request id.
              </p>
            </>
          )}
        </section>
      )}
      <section className="card">
        <h2>Learn more</h2>
        <ul className="links">
          <li>
            <a href="/docs" target="_blank" rel="noreferrer">
              Interactive API reference ↗
            </a>{' '}
            — every endpoint of the Records, CRM and Storefront APIs, with examples.
          </li>
          <li>
            <a href="/openapi.json" target="_blank" rel="noreferrer">
              OpenAPI 3.1 document ↗
            </a>{' '}
            — generate a client in your language.
          </li>
        </ul>
      </section>
    </>
  );
}
