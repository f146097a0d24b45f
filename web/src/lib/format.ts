// Formatting and chart data (no DOM): unit-tested in test/dashboard-ui.test.ts.

export type HourStat = { hour: string; requests: number; errors: number };

export const maskKey = (k: { prefix: string; last4: string }) => `${k.prefix}…${k.last4}`;

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; "in 3 days" for the future; "Never" for null. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'Never';
  const diff = now - new Date(iso).getTime();
  const future = diff < 0;
  const s = Math.abs(diff) / 1000;
  const text = s < 45 ? null : s < 3600 ? `${Math.round(s / 60)} min` : s < 86400 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} day${Math.round(s / 86400) === 1 ? '' : 's'}`;
  if (!text) return future ? 'in a moment' : 'just now';
  return future ? `in ${text}` : `${text} ago`;
}

export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';
export function keyStatus(k: { revokedAt: string | null; expiresAt: string | null }, now = Date.now()): KeyStatus {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt) {
    const t = new Date(k.expiresAt).getTime();
    if (t <= now) return 'expired';
    return 'expiring';
  }
  return 'active';
}

type KeyLike = { id: string; name: string; environment: string; createdAt: string; expiresAt: string | null; revokedAt: string | null };

/**
 * The keys a rotation is replacing: still valid for the overlap (so with an expiry), with a newer
 * unrevoked key of the same name and environment beside them. Rotation copies the name, so without
 * this the old and new rows look alike.
 */
export function rotatingOut(keys: readonly KeyLike[], now = Date.now()): Set<string> {
  const out = new Set<string>();
  for (const k of keys) {
    if (k.revokedAt || !k.expiresAt || new Date(k.expiresAt).getTime() <= now) continue;
    if (keys.some((n) => n.id !== k.id && !n.revokedAt && n.name === k.name && n.environment === k.environment && n.createdAt > k.createdAt)) out.add(k.id);
  }
  return out;
}

/**
 * Every hour of the last `days` days, oldest first, ending with the current hour: the API returns
 * only hours that had requests, and the chart needs the quiet hours too.
 */
export function fillHours(stats: readonly HourStat[], days: number, now = Date.now()): HourStat[] {
  const byHour = new Map(stats.map((s) => [new Date(s.hour).getTime(), s]));
  const last = Math.floor(now / 3_600_000) * 3_600_000;
  const out: HourStat[] = [];
  for (let i = days * 24 - 1; i >= 0; i--) {
    const t = last - i * 3_600_000;
    const s = byHour.get(t);
    out.push({ hour: new Date(t).toISOString(), requests: s?.requests ?? 0, errors: s?.errors ?? 0 });
  }
  return out;
}

export function totals(stats: readonly HourStat[]): { requests: number; errors: number; errorRate: number } {
  const requests = stats.reduce((n, s) => n + s.requests, 0);
  const errors = stats.reduce((n, s) => n + s.errors, 0);
  return { requests, errors, errorRate: requests ? errors / requests : 0 };
}

export const percent = (ratio: number) => `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)}%`;

/** Expiry choices in the create form, as an ISO timestamp or null (never). */
export function expiryFrom(choice: string, custom: string, now = Date.now()): string | null {
  const days = { '30': 30, '90': 90, '365': 365 }[choice];
  if (days) return new Date(now + days * 86_400_000).toISOString();
  if (choice === 'custom' && custom) return new Date(`${custom}T23:59:59`).toISOString();
  return null;
}

/** A span of time, coarse: "40 s", "12 min", "3 h 5 min", "2 days". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.round(s / 86400);
  return `${d} day${d === 1 ? '' : 's'}`;
}

// Numbers in the reader's locale (`undefined`: the browser's), one formatter per option set.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  const known = numberFormats.get(key);
  if (known) return known;
  const made = new Intl.NumberFormat(locale, options);
  numberFormats.set(key, made);
  return made;
}

/** A count or quantity with the locale's separators: 12,480 · 1.5 · 0.125; "—" when there is none. */
export function formatNumber(n: number | null | undefined, locale?: string): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  return numberFormat(locale, { maximumFractionDigits: 3 }).format(n);
}

/** An odometer reading with its unit, as the locale writes it: "48,210 mi", "48.210 km". */
export function formatMileage(n: number | null | undefined, unit: unknown, locale?: string): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  if (unit !== 'km' && unit !== 'mi') return formatNumber(n, locale);
  return numberFormat(locale, { style: 'unit', unit: unit === 'km' ? 'kilometer' : 'mile', unitDisplay: 'short', maximumFractionDigits: 0 }).format(n);
}
