// VIN rules of 49 CFR 565 / ISO 3779, as pure functions: the Records API validates with them, the
// demo data generates with them, and the storefront can decode a model year without a database.

const ALPHABET = /^[0-9A-HJ-NPR-Z]{17}$/;

const TRANSLITERATION: Record<string, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

// Position 10 cycles through these 30 codes, 1980 + index (and again from 2010).
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

/** Upper-cases and strips spaces and dashes, the way VINs are typed and printed. */
export const normaliseVin = (vin: string): string => vin.toUpperCase().replace(/[\s-]/g, '');

/** 17 characters of 0-9 A-H J-N P R-Z (never I, O or Q). */
export const hasVinShape = (vin: string): boolean => ALPHABET.test(vin);

/** The check digit ("0"–"9" or "X") that position 9 must hold; assumes a VIN-shaped string. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i];
    const value = c >= '0' && c <= '9' ? Number(c) : TRANSLITERATION[c];
    if (value === undefined) throw new Error(`Not a VIN character: ${c}`);
    sum += value * WEIGHTS[i];
  }
  const rest = sum % 11;
  return rest === 10 ? 'X' : String(rest);
}

export const hasValidCheckDigit = (vin: string): boolean => hasVinShape(vin) && vin[8] === vinCheckDigit(vin);

/** WMIs starting 1–5 are assigned to the US, Canada and Mexico, where the check digit is mandatory. */
export const isNorthAmericanVin = (vin: string): boolean => /^[1-5]/.test(vin);

/**
 * The World Manufacturer Identifier: positions 1–3, and for makers of fewer than 500 vehicles a
 * year ("9" in position 3) positions 12–14 as well (49 CFR 565.15(a)).
 */
export const vinWmi = (vin: string): string => (vin[2] === '9' ? vin.slice(0, 3) + vin.slice(11, 14) : vin.slice(0, 3));

/** The model year of position 10 in the 2010–2039 cycle; null when it is not a year code ("0", "Z", "U"…). */
export function vinSecondCycleYear(vin: string): number | null {
  const index = YEAR_CODES.indexOf(vin[9] ?? '');
  return index < 0 ? null : 2010 + index;
}

/**
 * The model year from position 10. For light vehicles a digit in position 7 means the 1980–2009
 * cycle and a letter 2010–2039; null when position 10 is not a year code (e.g. "0" outside North America).
 */
export function vinModelYear(vin: string): number | null {
  if (!hasVinShape(vin)) return null;
  const index = YEAR_CODES.indexOf(vin[9]);
  if (index < 0) return null;
  const secondCycle = /[A-Z]/.test(vin[6]);
  return 1980 + index + (secondCycle ? 30 : 0);
}

/** The position-10 code of a model year (1980–2039). */
export function vinYearCode(year: number): string {
  const index = (year - 1980) % 30;
  if (year < 1980 || year > 2039) throw new Error(`No VIN year code for ${year}`);
  return YEAR_CODES[index];
}

/** Puts the right check digit into position 9 of a 17-character VIN (for generated or test data). */
export function withCheckDigit(vin: string): string {
  const draft = vin.slice(0, 8) + '0' + vin.slice(9);
  return draft.slice(0, 8) + vinCheckDigit(draft) + draft.slice(9);
}

export type VinCheck = { ok: true; checkDigitValid: boolean; northAmerican: boolean; modelYear: number | null } | { ok: false; reason: 'shape' | 'check_digit'; message: string };

/**
 * What the Records API needs to decide: a malformed VIN is always refused; a wrong check digit is
 * refused for North-American VINs (where it is mandatory) and only reported elsewhere.
 */
export function checkVin(vin: string): VinCheck {
  if (!hasVinShape(vin)) {
    return { ok: false, reason: 'shape', message: 'must be 17 characters of 0-9 and A-Z without I, O or Q' };
  }
  const northAmerican = isNorthAmericanVin(vin);
  const checkDigitValid = vin[8] === vinCheckDigit(vin);
  if (northAmerican && !checkDigitValid) {
    return {
      ok: false,
      reason: 'check_digit',
      message: `check digit (position 9) is ${vin[8]} but should be ${vinCheckDigit(vin)}; send vinCheckOverride {reason} to keep it anyway`,
    };
  }
  return { ok: true, checkDigitValid, northAmerican, modelYear: vinModelYear(vin) };
}
