import { z } from 'zod';

// One phrasing for validation messages on every surface: zod's defaults ("Too big: expected
// number to be <=100") become plain phrases ("must be at most 100"), the style of the messages
// our schemas and core write themselves. Installed as zod's global error map, which zod consults
// only where a schema gives no message of its own, so hand-written messages stay as they are.
type Issue = z.core.$ZodRawIssue;

const plural = (n: number | bigint, one: string) => `${n} ${one}${Number(n) === 1 ? '' : 's'}`;
const bound = (issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string; exact?: boolean }, side: 'min' | 'max'): string => {
  const n = (side === 'min' ? issue.minimum : issue.maximum) as number | bigint | Date;
  const value = n instanceof Date ? n.toISOString() : n;
  const strictWord = side === 'min' ? 'greater than' : 'less than';
  const wordOf = side === 'min' ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'string':
      return issue.exact ? `must be exactly ${plural(value as number, 'character')}` : `must be ${wordOf} ${plural(value as number, 'character')}`;
    case 'array':
    case 'set':
      return issue.exact ? `must have exactly ${plural(value as number, 'item')}` : `must have ${wordOf} ${plural(value as number, 'item')}`;
    case 'date':
      return `must be ${side === 'min' ? 'on or after' : 'on or before'} ${String(value)}`;
    default:
      return issue.inclusive === false ? `must be ${strictWord} ${String(value)}` : `must be ${wordOf} ${String(value)}`;
  }
};

const formatNames: Record<string, string> = {
  email: 'an email address',
  url: 'a URL',
  uuid: 'a UUID',
  guid: 'a UUID',
  datetime: 'an ISO 8601 date-time with a time zone, such as 2026-01-15T10:30:00Z',
  date: 'a date in the form YYYY-MM-DD',
  time: 'a time in the form HH:MM[:SS]',
  duration: 'an ISO 8601 duration',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  e164: 'a phone number in E.164 form, such as +15551234567',
};

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  bigint: 'an integer',
  date: 'a date',
  null: 'null',
};

export function plainMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'number' && typeof issue.input === 'number' && Number.isNaN(issue.input)) return 'must be a number';
      return `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case 'too_big':
      return bound(issue, 'max');
    case 'too_small':
      return bound(issue, 'min');
    case 'invalid_format':
      if (issue.format === 'regex') return 'has an invalid format';
      if (issue.format === 'starts_with') return `must start with "${String((issue as { prefix?: string }).prefix)}"`;
      if (issue.format === 'ends_with') return `must end with "${String((issue as { suffix?: string }).suffix)}"`;
      if (issue.format === 'includes') return `must include "${String((issue as { includes?: string }).includes)}"`;
      return `must be ${formatNames[issue.format] ?? `a valid ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'is not valid here (see the schema for the accepted forms)';
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid element';
    case 'custom':
      return 'is invalid';
  }
  return undefined;
}

z.config({ customError: (issue) => plainMessage(issue as Issue) });
