import type { ReactNode } from 'react';
import { overviewApi, type Environment, type Money } from '../api.ts';
import { Empty, ErrorBox, Loading, PageHeader, useAsync } from '../components/ui.tsx';
import { formatMoney } from '../lib/money.ts';
import { formatDateTime, formatDuration, formatNumber, relativeTime } from '../lib/format.ts';
import { humanStatus, statusTone } from '../lib/records.ts';
import { Link } from '../router.tsx';
import { INBOX } from './leads-inbox.tsx';
import { recordsPath } from './records.tsx';

/** Amounts in several currencies, side by side; "—" when there are none. */
export const moneyList = (m: Money[]) => (m.length ? m.map((x) => formatMoney(x.amount, x.currency)).join(' + ') : '—');

function Tile({ label, value, detail, to }: { label: string; value: ReactNode; detail?: ReactNode; to?: string }) {
  const body = (
    <>
      <span className="tile-label">{label}</span>
      <strong className="tile-value">{typeof value === 'number' ? formatNumber(value) : value}</strong>
      {detail && <span className="tile-detail muted small">{detail}</span>}
    </>
  );
  return <li className="card tile">{to ? <Link to={to}>{body}</Link> : body}</li>;
}

/** The landing page: what the dealership works through today, from GET /manage/v1/today. */
export function TodayPage({ env }: { env: Environment }) {
  const t = useAsync(() => overviewApi.today(), [env]);
  if (t.loading && !t.data) return <Loading label="Loading today…" />;
  if (t.error) return <ErrorBox error={t.error} onRetry={t.reload} />;
  const d = t.data!;
  const day = new Date(`${d.date}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  return (
    <>
      <PageHeader
        title="Today"
        description={
          <>
            {day} · the day in {d.timeZone}
          </>
        }
        actions={
          <button type="button" className="btn" onClick={t.reload}>
            Refresh
          </button>
        }
      />
      <ul className="tiles" aria-label="Today at a glance">
        <Tile label="New leads" value={d.leads.new} detail={`${formatNumber(d.leads.receivedToday)} received today`} to={`${INBOX}?status=new`} />
        <Tile label="Test drives today" value={d.testDrives.count} />
        <Tile label="Overdue invoices" value={d.overdueInvoices.count} detail={moneyList(d.overdueInvoices.amountDue)} to={`${recordsPath('invoices')}`} />
        <Tile label="Work in progress" value={d.workOrdersInProgress.count} to={recordsPath('workOrders')} />
        <Tile
          label="Today's sales"
          value={moneyList(d.sales.invoicedPaid)}
          detail={`${formatNumber(d.sales.invoicesPaid)} invoice${d.sales.invoicesPaid === 1 ? '' : 's'} paid · ${moneyList(d.sales.received)} received`}
        />
      </ul>

      <section className="card flush" aria-labelledby="today-leads">
        <h2 className="card-title" id="today-leads">
          New leads
        </h2>
        {d.leads.items.length === 0 ? (
          <Empty title="No new leads">Leads still new, or received today, appear here.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="New leads">
              <thead>
                <tr>
                  <th>Lead</th>
                  <th>Status</th>
                  <th>Received</th>
                  <th>Response time</th>
                </tr>
              </thead>
              <tbody>
                {d.leads.items.map((l) => (
                  <tr key={l.id} data-lead-id={l.id}>
                    <td data-label="Lead">
                      <Link to={`${INBOX}/${l.id}`}>
                        <strong>{l.title}</strong>
                      </Link>
                      {l.customerId && (
                        <>
                          {' '}
                          <Link to={recordsPath('customers', l.customerId)} className="small">
                            customer
                          </Link>
                        </>
                      )}
                    </td>
                    <td data-label="Status">
                      <span className={`badge badge-${statusTone(l.status)}`}>{humanStatus(l.status)}</span>
                    </td>
                    <td data-label="Received" title={formatDateTime(l.createdAt)}>
                      {relativeTime(l.createdAt)}
                    </td>
                    <td data-label="Response time" data-testid="response-time">
                      {l.respondedAt ? formatDuration(l.responseSeconds) : <span className={l.responseSeconds > 3600 ? 'text-danger' : 'muted'}>waiting {formatDuration(l.responseSeconds)}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="two-col">
        <section className="card flush" aria-labelledby="today-drives">
          <h2 className="card-title" id="today-drives">
            Test drives today
          </h2>
          {d.testDrives.items.length === 0 ? (
            <Empty title="No test drives booked for today" />
          ) : (
            <ul className="plain-list">
              {d.testDrives.items.map((a) => (
                <li key={a.id}>
                  <strong>{a.name}</strong> · <Link to={recordsPath('motors', a.motorId)}>{a.motorName}</Link> <span className={`badge badge-${statusTone(a.status)}`}>{a.status}</span>
                  <div className="muted small">
                    <a href={`mailto:${a.email}`}>{a.email}</a>
                    {a.phone && (
                      <>
                        {' '}
                        · <a href={`tel:${a.phone}`}>{a.phone}</a>
                      </>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card flush" aria-labelledby="today-overdue">
          <h2 className="card-title" id="today-overdue">
            Overdue invoices
          </h2>
          {d.overdueInvoices.items.length === 0 ? (
            <Empty title="Nothing overdue" />
          ) : (
            <ul className="plain-list">
              {d.overdueInvoices.items.map((i) => (
                <li key={i.id}>
                  <Link to={recordsPath('invoices', i.id)}>
                    <strong>{i.number}</strong>
                  </Link>{' '}
                  · <Link to={recordsPath('customers', i.customerId)}>{i.customerName}</Link> · <strong>{formatMoney(i.amountDue, i.currency)}</strong> due
                  <div className="muted small">due {i.dueDate ?? '—'}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card flush" aria-labelledby="today-wip">
        <h2 className="card-title" id="today-wip">
          Work orders in progress
        </h2>
        {d.workOrdersInProgress.items.length === 0 ? (
          <Empty title="Nothing in the workshop" />
        ) : (
          <ul className="plain-list">
            {d.workOrdersInProgress.items.map((w) => (
              <li key={w.id}>
                <Link to={recordsPath('workOrders', w.id)}>
                  <strong>{w.number}</strong>
                </Link>{' '}
                · <Link to={recordsPath('motors', w.motorId)}>{w.motorName}</Link> for <Link to={recordsPath('customers', w.customerId)}>{w.customerName}</Link> ·{' '}
                {formatMoney(w.totalAmount, w.currency)}
                <div className="muted small">{w.promisedAt ? `promised ${formatDateTime(w.promisedAt)}` : 'no promised time'}</div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
