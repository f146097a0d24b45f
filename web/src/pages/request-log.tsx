import { useEffect, useState } from 'react';
import { api, type Environment } from '../api.ts';
import { CopyButton, Empty, ErrorBox, Loading, NewerOlder, PageHeader, useAsync } from '../components/ui.tsx';
import { HourlyChart } from '../components/hourly-chart.tsx';
import { fillHours, formatNumber, formatTime, maskKey, percent, rotatingOut, totals } from '../lib/format.ts';
import { BASE, Link } from '../router.tsx';

const PAGE_SIZE = 50;

export function RequestLogPage({ env }: { env: Environment }) {
  const [keyId, setKeyId] = useState('');
  const [status, setStatus] = useState<'' | 'success' | 'error'>('');
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [keyId, status, env]);
  useEffect(() => setKeyId(''), [env]);

  const keys = useAsync(() => api.keys().catch(() => []), []);
  const logs = useAsync(() => api.requestLogs({ keyId: keyId || undefined, status: status || undefined, page, limit: PAGE_SIZE }), [keyId, status, page, env]);
  const stats = useAsync(() => api.requestStats({ keyId: keyId || undefined, days: 7 }), [keyId, env]);

  const keyName = new Map((keys.data ?? []).map((k) => [k.id, k.name || maskKey(k)]));
  const envKeys = (keys.data ?? []).filter((k) => k.environment === env);
  const replacing = rotatingOut(envKeys);
  const series = stats.data ? fillHours(stats.data, 7) : [];
  const sum = totals(series);
  const pages = logs.data ? Math.max(1, Math.ceil(logs.data.total / PAGE_SIZE)) : 1;
  const refresh = () => {
    logs.reload();
    stats.reload();
  };

  return (
    <>
      <PageHeader
        title="Request log"
        description={`Every API request made with your ${env} keys, newest first. Kept for 30 days.`}
        actions={
          <button type="button" className="btn" onClick={refresh}>
            ↻ Refresh
          </button>
        }
      />
      <div className="filters" role="search">
        <label className="field inline">
          <span>Key</span>
          <select value={keyId} onChange={(e) => setKeyId(e.target.value)} name="keyId">
            <option value="">All {env} keys</option>
            {envKeys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name || 'Unnamed'} ({maskKey(k)}){k.revokedAt ? ' — revoked' : replacing.has(k.id) ? ' — rotating out' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Result</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)} name="status">
            <option value="">All</option>
            <option value="success">Success (2xx/3xx)</option>
            <option value="error">Errors (4xx/5xx)</option>
          </select>
        </label>
      </div>

      <section className="card">
        <div className="chart-head">
          <h2>
            Last 7 days <span className="muted small">{keyId ? `· ${keyName.get(keyId) ?? 'this key'}` : `· all ${env} keys`}</span>
          </h2>
          <div className="stats">
            <span>
              <strong>{sum.requests}</strong> requests
            </span>
            <span>
              <strong>{sum.errors}</strong> errors
            </span>
            <span>
              <strong>{percent(sum.errorRate)}</strong> error rate
            </span>
            <span className="legend">
              <i className="sw sw-bar" /> requests <i className="sw sw-err" /> errors <i className="sw sw-line" /> error rate
            </span>
          </div>
        </div>
        {stats.loading && !stats.data && <Loading label="Loading the chart…" />}
        {stats.error && <ErrorBox error={stats.error} onRetry={stats.reload} />}
        {stats.data && <HourlyChart series={series} />}
      </section>

      <section className="card flush" aria-busy={logs.loading} style={logs.loading && logs.data ? { opacity: 0.6 } : undefined}>
        {logs.loading && !logs.data && <Loading label="Loading requests…" />}
        {logs.error && <ErrorBox error={logs.error} onRetry={logs.reload} />}
        {logs.data && logs.data.total === 0 && (
          <Empty title={keyId || status ? 'No requests match these filters' : `No ${env} requests yet`}>
            {keyId || status ? (
              'Try another key or result filter.'
            ) : (
              <>
                Send your first request with a {env} key — the <Link to={`${BASE}/integrations/quick-start`}>Quick start</Link> has a command to copy.
              </>
            )}
          </Empty>
        )}
        {logs.data && logs.data.total > 0 && (
          <>
            <div className="table-wrap">
              <table className="table" aria-label="Requests">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Key</th>
                    <th>Request</th>
                    <th>Status</th>
                    <th className="right">Latency</th>
                    <th>Request id</th>
                  </tr>
                </thead>
                <tbody>
                  {logs.data.data.map((r) => (
                    <tr key={r.id} data-request-id={r.requestId}>
                      <td data-label="Time">{formatTime(r.createdAt)}</td>
                      <td data-label="Key">{keyName.get(r.keyId) ?? r.keyId.slice(0, 8)}</td>
                      <td data-label="Request" className="mono">
                        <span className={`method method-${r.method.toLowerCase()}`}>{r.method}</span> {r.path}
                      </td>
                      <td data-label="Status">
                        <span className={`badge ${r.status >= 500 ? 'badge-err' : r.status >= 400 ? 'badge-warn' : 'badge-ok'}`}>{r.status}</span>
                      </td>
                      <td data-label="Latency" className="right">
                        {r.durationMs} ms
                      </td>
                      <td data-label="Request id" className="mono small">
                        {r.requestId} <CopyButton text={r.requestId} label="Copy" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <NewerOlder page={page} pages={pages} onPage={setPage}>
              {formatNumber(logs.data.total)} request{logs.data.total === 1 ? '' : 's'} · page {page} of {pages}
            </NewerOlder>
          </>
        )}
      </section>
    </>
  );
}
