import { useState } from 'react';
import { formatDateTime, relativeTime } from '../lib/format.ts';
import { statusTone } from '../lib/records.ts';

/** One try at sending a delivery, whichever log it comes from (webhooks, ADF forwarding). */
export type LogAttempt = { id: string; statusCode: number | null; durationMs: number; startedAt: string; requestId?: string; error: string | null; responseBody: string | null };
export type LogDelivery = {
  id: string;
  createdAt: string;
  /** What the log shows as the event; also the Resend button's accessible name. */
  event: string;
  target?: string;
  status: 'pending' | 'succeeded' | 'failed' | 'dead';
  nextAttemptAt: string | null;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  eventId?: string;
  deliveredAt?: string | null;
  attempts: LogAttempt[];
};

/**
 * The table of a delivery log: a row per delivery (status, attempts, last response) with Resend,
 * and Details opening every attempt with its answer. `target` and `duration` add those columns.
 */
export function DeliveryTable({
  label,
  deliveries,
  target,
  duration,
  onResend,
}: {
  label: string;
  deliveries: LogDelivery[];
  target?: boolean;
  duration?: boolean;
  onResend: (d: LogDelivery) => void;
}) {
  const [open, setOpen] = useState<string>();
  const columns = 6 + (target ? 1 : 0) + (duration ? 1 : 0);
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th>Time</th>
            {target && <th>Target</th>}
            <th>Event</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Response</th>
            {duration && <th>Duration</th>}
            <th className="right">Actions</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => {
            const expanded = open === d.id;
            const last = d.attempts[d.attempts.length - 1];
            return (
              <DeliveryRows
                key={d.id}
                d={d}
                columns={columns}
                target={target}
                duration={duration ? (last ? `${last.durationMs} ms` : '—') : undefined}
                expanded={expanded}
                onToggle={() => setOpen(expanded ? undefined : d.id)}
                onResend={() => onResend(d)}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryRows({
  d,
  columns,
  target,
  duration,
  expanded,
  onToggle,
  onResend,
}: {
  d: LogDelivery;
  columns: number;
  target?: boolean;
  duration?: string;
  expanded: boolean;
  onToggle: () => void;
  onResend: () => void;
}) {
  return (
    <>
      <tr data-delivery-id={d.id} data-event={d.event}>
        <td data-label="Time" title={formatDateTime(d.createdAt)}>
          {formatDateTime(d.createdAt)}
        </td>
        {target && (
          <td data-label="Target" className="mono small break">
            {d.target}
          </td>
        )}
        <td data-label="Event" className="mono small">
          {d.event}
        </td>
        <td data-label="Status">
          <span className={`badge badge-${statusTone(d.status)}`}>{d.status === 'dead' ? 'gave up' : d.status}</span>
          {d.status === 'failed' && d.nextAttemptAt && <div className="small muted">retry {relativeTime(d.nextAttemptAt)}</div>}
        </td>
        <td data-label="Attempts">{d.attemptCount}</td>
        <td data-label="Response" data-testid="delivery-code">
          {d.lastStatusCode ?? (d.lastError ? 'error' : '—')}
        </td>
        {duration !== undefined && <td data-label="Duration">{duration}</td>}
        <td className="right actions" data-label="Actions">
          <button type="button" className="btn btn-small" onClick={onToggle} aria-expanded={expanded}>
            {expanded ? 'Hide' : 'Details'}
          </button>
          <button type="button" className="btn btn-small" onClick={onResend} aria-label={`Resend ${d.event}`}>
            Resend
          </button>
        </td>
      </tr>
      {expanded && (
        <tr className="attempts-row">
          <td colSpan={columns}>
            {d.eventId && (
              <p className="small muted">
                Event id <code>{d.eventId}</code>
                {d.deliveredAt && <> · delivered {formatDateTime(d.deliveredAt)}</>}
              </p>
            )}
            {d.attempts.length === 0 && <p className="small">Not attempted yet.</p>}
            <ol className="attempts">
              {d.attempts.map((a) => (
                <li key={a.id}>
                  <div>
                    <strong>{a.statusCode ?? 'no response'}</strong> · {a.durationMs} ms · {formatDateTime(a.startedAt)}
                    {a.requestId && (
                      <>
                        {' '}
                        · <span className="mono small">{a.requestId}</span>
                      </>
                    )}
                    {a.error && <span className="field-error"> · {a.error}</span>}
                  </div>
                  <pre className="body-preview">{a.responseBody || '(empty body)'}</pre>
                </li>
              ))}
            </ol>
          </td>
        </tr>
      )}
    </>
  );
}
