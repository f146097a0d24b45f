import { useCallback, useEffect, useMemo, useState } from 'react';
import { leadInboxApi, recordsApi, type Environment, type InboxLead, type RecordRow } from '../api.ts';
import { Empty, ErrorBox, Loading, Modal, NewerOlder, PageHeader, toApiError, useAsync } from '../components/ui.tsx';
import { Toast } from '../components/confirm.tsx';
import { RecordForm } from '../components/record-form.tsx';
import { humanStatus, recordTitle, statusActions, statusTone } from '../lib/records.ts';
import { formatDateTime, formatNumber, relativeTime } from '../lib/format.ts';
import { originLabel, originNames, replyHref, vehicleText } from '../lib/leads.ts';
import { BASE, Link, navigate, useLocationSearch } from '../router.tsx';
import { recordsPath } from './records.tsx';

// /leads: the Leads inbox, newest received first. Every filter lives in the URL (?status=,
// ?origin=, ?assignee=, ?page=), pushed as a history entry, so Back returns to the same view.
// /leads/<id>: one lead with its raw document and what the parser had to forgive.
export const INBOX = `${BASE}/leads`;
const PAGE_SIZE = 25;
const STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;
// Where the lead page's "back to the inbox" goes: the inbox as last filtered in this tab.
const LAST_VIEW = 'motors.leadInbox.search';

function useSearch(): URLSearchParams {
  const search = useLocationSearch();
  return useMemo(() => new URLSearchParams(search), [search]);
}

/** A new history entry with these filters changed; any change but the page's starts at page 1. */
function setFilters(changes: Record<string, string | undefined>) {
  const p = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v) p.set(k, v);
    else p.delete(k);
  }
  if (!('page' in changes)) p.delete('page');
  const query = p.toString();
  navigate(`${INBOX}${query ? `?${query}` : ''}`);
}

function useEmployees(env: Environment) {
  const list = useAsync(() => recordsApi.list('employees', { page: 1, limit: 200 }), [env]);
  // An employee by name: recordTitle would fall back to the email before the name parts.
  const name = (e: RecordRow) => [e.firstName, e.lastName].filter((x) => typeof x === 'string' && x).join(' ') || recordTitle(e);
  return (list.data?.data ?? []).map((e) => ({ id: e.id, name: name(e), active: e.active !== false }));
}

export function LeadsInboxPage({ rest, env }: { rest: string; env: Environment }) {
  if (rest) return <LeadPage key={rest} id={rest} env={env} />;
  return <Inbox env={env} />;
}

function Inbox({ env }: { env: Environment }) {
  const params = useSearch();
  const status = params.get('status') ?? undefined;
  const origin = params.get('origin') ?? undefined;
  const assignee = params.get('assignee') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [creating, setCreating] = useState(false);
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const employees = useEmployees(env);
  const list = useAsync(() => leadInboxApi.list({ status, origin, assignee, page, limit: PAGE_SIZE }), [status, origin, assignee, page, env]);
  useEffect(() => sessionStorage.setItem(LAST_VIEW, location.search), [params]);

  const counts = list.data?.counts ?? {};
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));
  const assign = async (lead: InboxLead, employeeId: string) => {
    try {
      await recordsApi.update('leads', lead.id, { assignedEmployeeId: employeeId || null });
      setToast(employeeId ? `${lead.title} assigned to ${employees.find((e) => e.id === employeeId)?.name}.` : `${lead.title} unassigned.`);
      list.reload();
    } catch (err) {
      setToast(toApiError(err).message);
    }
  };

  return (
    <>
      <PageHeader
        title="Leads"
        description="Enquiries from ADF lead providers, e-mail, your website's forms and the API, newest first."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            + New lead
          </button>
        }
      />
      <div className="tabs" role="tablist" aria-label="Lead status">
        {[undefined, ...STATUSES].map((s) => (
          <button key={s ?? 'all'} type="button" role="tab" aria-selected={status === s} className={`tab${status === s ? ' active' : ''}`} onClick={() => setFilters({ status: s })}>
            {s ? humanStatus(s).replace(/^./, (c) => c.toUpperCase()) : 'All'}
            {list.data && <span className="tab-count"> {formatNumber(counts[s ?? 'all'] ?? 0)}</span>}
          </button>
        ))}
      </div>
      <section className="card flush">
        <div className="table-tools split">
          <label className="field inline">
            <span>Source</span>
            <select value={origin ?? ''} onChange={(e) => setFilters({ origin: e.target.value || undefined })}>
              <option value="">All sources</option>
              {Object.entries(originNames).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field inline">
            <span>Assignee</span>
            <select value={assignee ?? ''} onChange={(e) => setFilters({ assignee: e.target.value || undefined })}>
              <option value="">Anyone</option>
              <option value="none">Unassigned</option>
              {employees.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Loading label="Loading leads…" />}
        {list.data && list.data.data.length === 0 && (
          <Empty title={status || origin || assignee ? 'No leads match these filters' : `No ${env} leads yet`}>
            {status || origin || assignee ? 'Choose another tab or clear the filters.' : 'Leads from your intake addresses, website forms and the API arrive here.'}
          </Empty>
        )}
        {list.data && list.data.data.length > 0 && (
          <div className="table-wrap">
            <table className="table inbox" aria-label="Leads" aria-busy={list.loading}>
              <thead>
                <tr>
                  <th>Received</th>
                  <th>Lead</th>
                  <th>Source</th>
                  <th>Status</th>
                  <th>Assignee</th>
                  <th className="right">Reply</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((l) => {
                  const reply = replyHref(l);
                  const about = [vehicleText(l.vehicleOfInterest), l.message].filter(Boolean).join(' — ');
                  return (
                    <tr key={l.id} data-lead-id={l.id} className={l.status === 'new' ? 'unread' : undefined}>
                      <td data-label="Received" title={formatDateTime(l.createdAt)}>
                        {relativeTime(l.createdAt)}
                      </td>
                      <td data-label="Lead">
                        <Link to={`${INBOX}/${l.id}`}>
                          <strong>{l.title}</strong>
                        </Link>
                        {about && <div className="small muted clamp">{about}</div>}
                      </td>
                      <td data-label="Source">
                        {originLabel(l)}
                        {l.parseWarnings.length > 0 && (
                          <span className="badge badge-warn" title={l.parseWarnings.join('\n')}>
                            {l.parseWarnings.length} warning{l.parseWarnings.length === 1 ? '' : 's'}
                          </span>
                        )}
                      </td>
                      <td data-label="Status">
                        <span className={`badge badge-${statusTone(l.status)}`}>{humanStatus(l.status)}</span>
                      </td>
                      <td data-label="Assignee">
                        <select aria-label={`Assignee of ${l.title}`} value={l.assignedEmployeeId ?? ''} onChange={(e) => assign(l, e.target.value)}>
                          <option value="">Unassigned</option>
                          {employees
                            .filter((e) => e.active || e.id === l.assignedEmployeeId)
                            .map((e) => (
                              <option key={e.id} value={e.id}>
                                {e.name}
                              </option>
                            ))}
                        </select>
                      </td>
                      <td className="right actions" data-label="Reply">
                        {reply ? (
                          <a className="btn btn-small" href={reply} aria-label={`Reply to ${l.title} by e-mail`}>
                            Reply
                          </a>
                        ) : l.contactPhone ? (
                          <a className="btn btn-small" href={`tel:${l.contactPhone}`} aria-label={`Call ${l.title}`}>
                            Call
                          </a>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {list.data && list.data.total > 0 && (
          <NewerOlder page={page} pages={pages} onPage={(p) => setFilters({ page: p > 1 ? String(p) : undefined })}>
            {formatNumber(list.data.total)} lead{list.data.total === 1 ? '' : 's'} · page {page} of {pages}
          </NewerOlder>
        )}
      </section>
      <Modal open={creating} title="New lead" onClose={() => setCreating(false)} wide>
        {creating && (
          <RecordForm
            collection="leads"
            onCancel={() => setCreating(false)}
            onSaved={(r) => {
              setCreating(false);
              navigate(recordsPath('leads', r.id));
            }}
          />
        )}
      </Modal>
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

function LeadPage({ id, env }: { id: string; env: Environment }) {
  const lead = useAsync(() => leadInboxApi.get(id), [id, env]);
  const employees = useEmployees(env);
  const [toast, setToast] = useState('');
  const clearToast = useCallback(() => setToast(''), []);
  const back = `${INBOX}${sessionStorage.getItem(LAST_VIEW) ?? ''}`;

  const change = async (patch: Record<string, unknown>, done: string) => {
    try {
      await recordsApi.update('leads', id, patch);
      setToast(done);
      lead.reload();
    } catch (err) {
      setToast(toApiError(err).message);
    }
  };

  if (lead.loading && !lead.data) return <Loading label="Loading the lead…" />;
  if (lead.error)
    return (
      <>
        <p className="crumbs">
          <Link to={back}>← Leads</Link>
        </p>
        <ErrorBox error={lead.error} onRetry={lead.reload} />
      </>
    );
  const l = lead.data!;
  const reply = replyHref(l);
  const vehicle = vehicleText(l.vehicleOfInterest);
  return (
    <>
      <p className="crumbs">
        <Link to={back}>← Leads</Link>
      </p>
      <PageHeader
        title={l.title}
        description={
          <>
            Received {formatDateTime(l.createdAt)} · {originLabel(l)}
          </>
        }
        actions={
          <>
            {reply && (
              <a className="btn btn-primary" href={reply}>
                Reply by e-mail
              </a>
            )}
            <Link to={recordsPath('leads', l.id)} className="btn">
              Edit all fields
            </Link>
          </>
        }
      />
      <section className="card">
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span className={`badge badge-${statusTone(l.status)}`} data-testid="lead-status">
              {humanStatus(l.status)}
            </span>
            <span className="status-actions">
              {statusActions('leads', l.status).map((a) => (
                <button key={a.to} type="button" className={`btn btn-small${a.danger ? ' btn-danger-ghost' : ''}`} onClick={() => change({ status: a.to }, `Marked as ${humanStatus(a.to)}.`)}>
                  {a.label}
                </button>
              ))}
            </span>
          </dd>
          <dt>
            <label htmlFor="lead-assignee">Assignee</label>
          </dt>
          <dd>
            <select id="lead-assignee" value={l.assignedEmployeeId ?? ''} onChange={(e) => change({ assignedEmployeeId: e.target.value || null }, 'Assignee saved.')}>
              <option value="">Unassigned</option>
              {employees
                .filter((e) => e.active || e.id === l.assignedEmployeeId)
                .map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
            </select>
          </dd>
          <dt>Customer</dt>
          <dd>{l.customerId ? <Link to={recordsPath('customers', l.customerId)}>{l.customerName ?? 'Open the customer'}</Link> : <span className="muted">Not linked</span>}</dd>
          <dt>E-mail</dt>
          <dd>{l.replyEmail ? <a href={reply ?? `mailto:${l.replyEmail}`}>{l.replyEmail}</a> : '—'}</dd>
          <dt>Phone</dt>
          <dd>{l.contactPhone ? <a href={`tel:${l.contactPhone}`}>{l.contactPhone}</a> : '—'}</dd>
          <dt>Interest</dt>
          <dd>{[l.interest, vehicle].filter(Boolean).join(' · ') || '—'}</dd>
          <dt>Message</dt>
          <dd className="prewrap">{l.message || '—'}</dd>
        </dl>
      </section>
      {(l.rawDocument !== null || l.parseWarnings.length > 0) && (
        <section className="card" aria-labelledby="warnings-h">
          <h2 id="warnings-h">Parse warnings</h2>
          {l.parseWarnings.length ? (
            <ul className="warnings" data-testid="parse-warnings">
              {l.parseWarnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None: the document was read as sent.</p>
          )}
        </section>
      )}
      {l.rawDocument !== null && (
        <section className="card" aria-labelledby="raw-h">
          <h2 id="raw-h">Raw document</h2>
          <p className="small muted">
            Exactly as {l.channel === 'email' ? 'mailed' : 'received'}
            {l.provider ? ` from ${l.provider}` : ''}; kept with the lead.
          </p>
          <pre className="body-preview raw-document" aria-labelledby="raw-h" tabIndex={0}>
            {l.rawDocument}
          </pre>
        </section>
      )}
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}
