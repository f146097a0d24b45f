import { AppError, invalidField } from './errors.ts';

// Exact money arithmetic. Amounts are integer minor units (cents); quantities and tax rates are
// decimals with up to 3 places, held as BigInt thousandths, so nothing ever passes through a
// binary float. The one rounding rule: half away from zero ("half-up" on magnitudes), applied
// once per line amount (subtotal, then tax); document totals are exact sums of the rounded lines.

/** Digits after the decimal point for a currency's minor unit (ISO 4217); 2 unless listed. */
const minorDigits: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

export const minorUnitDigits = (currency: string): number => minorDigits[currency.toUpperCase()] ?? 2;

const decimalPattern = /^-?\d+(\.\d+)?$/;

/**
 * Parses a decimal given as a JSON number or a string ("1.5", 7.125) into BigInt units of
 * 10^-places. Refuses more decimal places than allowed rather than rounding silently.
 * A JSON number's shortest round-trip text is the decimal the sender wrote, for ≤ 15 digits.
 */
export function parseScaled(value: number | string, places: number, field: string): bigint {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (!decimalPattern.test(text)) throw invalidField(field, `must be a decimal number, got ${JSON.stringify(value)}`);
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  if (fraction.length > places) throw invalidField(field, `at most ${places} decimal places`);
  const scaled = BigInt(whole + fraction.padEnd(places, '0'));
  return negative ? -scaled : scaled;
}

/**
 * A whole number with thousands separators, as toLocaleString('en-US') writes it: 12345 → "12,345".
 * By hand because a process's first Intl call maps ~5 MB of ICU data (in node's binary) that stays
 * resident, and the texts built at start (the API description, the first start's demo) need one.
 */
export const withThousands = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');

/** The decimal text of a scaled BigInt: formatScaled(1500n, 3) → "1.5". */
export function formatScaled(value: bigint, places: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = places ? digits.slice(digits.length - places).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? '.' + fraction : ''}`;
}

/** A scaled decimal as a JSON number (exact for the ≤ 3-place values this module makes). */
export const scaledToNumber = (value: bigint, places: number): number => Number(formatScaled(value, places));

/** n / d rounded half away from zero; d > 0. */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const magnitude = n < 0n ? -n : n;
  const q = (magnitude * 2n + d) / (2n * d);
  return n < 0n ? -q : q;
}

export type LineAmounts = { subtotalAmount: bigint; taxAmount: bigint; totalAmount: bigint };

/**
 * One line: subtotal = round(quantity × unitAmount), tax = round(subtotal × rate / 100), both half
 * up; total = subtotal + tax. `quantityMilli` is thousandths of a unit, `taxRateMilli` thousandths
 * of a percent (20% → 20000n, 7.125% → 7125n).
 */
export function lineAmounts(quantityMilli: bigint, unitAmount: bigint, taxRateMilli: bigint): LineAmounts {
  const subtotalAmount = divRoundHalfUp(quantityMilli * unitAmount, 1000n);
  const taxAmount = divRoundHalfUp(subtotalAmount * taxRateMilli, 100_000n);
  return { subtotalAmount, taxAmount, totalAmount: subtotalAmount + taxAmount };
}

/** A BigInt amount as a JS number, refused beyond the exactly representable range. */
export function toSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AppError('validation_failed', `${field}: amount too large`, { fields: [{ field, message: 'amount too large' }] });
  }
  return Number(value);
}

/** A decimal major-unit amount (100.00, "19.99") in minor units of the currency, exactly. */
export function decimalToMinor(value: number | string, currency: string, field = 'amount'): number {
  return toSafeNumber(parseScaled(value, minorUnitDigits(currency), field), field);
}

/** Minor units as a decimal major-unit number (5999, "USD" → 59.99), for surfaces that show decimals. */
export const minorToDecimal = (amount: number, currency: string): number => scaledToNumber(BigInt(amount), minorUnitDigits(currency));

/** "150.00 USD": an amount as people write it, for messages. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const [whole, fraction = ''] = formatScaled(BigInt(amount), digits).split('.');
  return `${whole}${digits ? '.' + fraction.padEnd(digits, '0') : ''} ${currency}`;
}
