import { uuidv7 } from 'uuidv7';

// Time-ordered ids, generated here rather than by PostgreSQL 18's uuidv7(), which the
// machines' PostgreSQL 15 lacks.
export const newId = (): string => uuidv7();

/** Current time at millisecond precision, the precision every API renders. */
export const now = (): Date => new Date();
