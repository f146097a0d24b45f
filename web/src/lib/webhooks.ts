// Webhook form and delivery-log logic without the DOM; unit-tested in test/dashboard-ui.test.ts.

/** Whether a subscription entry ("*", "crm.invoices.*", or an exact name) covers an event. */
export function eventMatches(pattern: string, event: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return event.startsWith(pattern.slice(0, -1));
  return pattern === event;
}

export type EventGroup = { key: string; label: string; events: string[] };

/** The catalogue grouped by record type ("crm.customers.created" → Customers), other events last. */
export function groupEvents(catalogue: readonly string[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const e of catalogue) {
    const parts = e.split('.');
    const key = parts[0] === 'crm' && parts.length >= 3 ? parts[1] : 'other';
    const label =
      key === 'other'
        ? 'Other'
        : key
            .replace(/([A-Z])/g, ' $1')
            .replace(/^./, (c) => c.toUpperCase())
            .replace(/ (\w)/g, (_, c: string) => ` ${c.toLowerCase()}`);
    if (!groups.has(key)) groups.set(key, { key, label, events: [] });
    groups.get(key)!.events.push(e);
  }
  const list = [...groups.values()];
  return [...list.filter((g) => g.key !== 'other'), ...list.filter((g) => g.key === 'other')];
}

/** The exact events an endpoint's subscription covers (patterns expanded against the catalogue). */
export function expandEvents(subscribed: readonly string[], catalogue: readonly string[]): string[] {
  return catalogue.filter((e) => subscribed.some((p) => eventMatches(p, e)));
}

/** The list sent to the server: "*" for all, else the chosen events with whole groups as "crm.x.*". */
export function compactEvents(chosen: readonly string[], catalogue: readonly string[]): string[] {
  const set = new Set(chosen);
  if (catalogue.length && catalogue.every((e) => set.has(e))) return ['*'];
  const out: string[] = [];
  for (const g of groupEvents(catalogue)) {
    const picked = g.events.filter((e) => set.has(e));
    if (g.key !== 'other' && picked.length === g.events.length && picked.length > 1) out.push(`crm.${g.key}.*`);
    else out.push(...picked);
  }
  return out;
}

export function summarizeEvents(events: readonly string[]): string {
  if (events.includes('*')) return 'All events';
  if (events.length <= 2) return events.join(', ');
  return `${events.slice(0, 2).join(', ')} +${events.length - 2} more`;
}

export type EndpointState = { label: string; tone: 'ok' | 'warn' | 'err' | 'muted'; detail: string };

/** What the endpoint list says about an endpoint: enabled, failing, or disabled and why. */
export function endpointState(w: { enabled: boolean; disabled_reason: string | null; failing_since: string | null }): EndpointState {
  if (!w.enabled) {
    // The server writes instants as ISO; the reader wants them in their own time zone.
    const reason = w.disabled_reason?.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })) ?? null;
    w = { ...w, disabled_reason: reason };
    if (w.disabled_reason && /automatically|5 days/i.test(w.disabled_reason)) return { label: 'Disabled after 5 days of failures', tone: 'err', detail: w.disabled_reason };
    return w.disabled_reason ? { label: 'Disabled', tone: 'err', detail: w.disabled_reason } : { label: 'Disabled', tone: 'muted', detail: 'Turned off by a user.' };
  }
  if (w.failing_since) return { label: 'Failing', tone: 'warn', detail: `Failing since ${new Date(w.failing_since).toLocaleString()}; disabled after 5 days without a success.` };
  return { label: 'Enabled', tone: 'ok', detail: '' };
}

/** A datetime-local value ("2026-03-01T09:30", the user's local time) as an ISO instant, or null. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO instant as a datetime-local value in the user's time zone. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
