import { uuidv7 } from 'uuidv7';

// Time-ordered ids, generated here rather than by PostgreSQL 18's uuidv7(), which the
// machines' PostgreSQL 15 lacks.
export const newId = (): string => uuidv7();

/** Current time at millisecond precision, the precision every API renders. */
export const now = (): Date => new Date();

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()`, built in JavaScript: node 20's native one took 0.6–1.1 µs a call against
 * 0.25–0.45 µs for this, and a list page renders three instants per record. Years outside
 * 0–9999 (and invalid dates, which throw) go to the native one.
 */
export function isoInstant(date: Date): string {
  const y = date.getUTCFullYear();
  if (!(y >= 1000 && y <= 9999)) return date.toISOString();
  return `${y}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}T${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${pad3(date.getUTCMilliseconds())}Z`;
}
