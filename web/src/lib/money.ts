// Money arrives in integer minor units with an ISO 4217 currency; the UI shows and reads it in
// major units. Pure functions, unit-tested in test/dashboard-ui.test.ts.

/** Digits after the decimal point for a currency (USD 2, JPY 0, BHD 3); 2 for unknown codes. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 1999 USD → "$19.99" (in the browser's locale unless one is given). */
export function formatMoney(minor: number | null | undefined, currency: string | null | undefined, locale?: string): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  const code = currency || 'USD';
  const digits = minorDigits(code);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: code }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${code}`;
  }
}

/** Minor units as the text of an input: 1999 USD → "19.99", 500 JPY → "500". Exact: no floating point. */
export function toMajorInput(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '';
  const digits = minorDigits(currency);
  const negative = minor < 0;
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const text = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return negative ? `-${text}` : text;
}

/**
 * What someone typed as an amount, in minor units: "19.99" → 1999, "1,250" → 125000, "" → null.
 * `undefined` when it isn't an amount (too many decimals, letters), so the form can say so.
 */
export function parseMoney(text: string, currency: string): number | null | undefined {
  const t = text.trim().replace(/[\s,_']/g, '');
  if (!t) return null;
  const digits = minorDigits(currency);
  const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > digits) return undefined;
  const value = Number((m[2] || '0') + frac.padEnd(digits, '0'));
  if (!Number.isSafeInteger(value)) return undefined;
  return m[1] ? -value : value;
}
