// Builds the Quick start command (no DOM): unit-tested in test/dashboard-ui.test.ts.

export type CurlInput = { origin: string; environment: 'live' | 'test'; scopes: readonly string[]; key?: string };

/** Quotes a value for a POSIX shell: safe whatever the key or URL contains. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A read request the key is allowed to make, so the first call succeeds rather than answering 403. */
export function samplePath(scopes: readonly string[]): string {
  const has = (s: string) => scopes.includes('*') || scopes.includes(s);
  if (has('customers:read')) return '/api/public/v1/customers?limit=2';
  if (has('clients:read')) return '/crm-api/v1/clients';
  return '/api/public/v1/customers?limit=2';
}

/**
 * A working curl for a key. With the full key (just created or rotated) it is ready to paste;
 * otherwise the key comes from $MOTORS_API_KEY, since only its prefix is stored.
 */
export function buildCurl(input: CurlInput): string {
  const origin = input.origin.replace(/\/+$/, '');
  const url = shellQuote(origin + samplePath(input.scopes));
  const header = input.key ? shellQuote(`X-API-Key: ${input.key}`) : `"X-API-Key: $MOTORS_API_KEY"`;
  const lines = [];
  if (!input.key) lines.push(`export MOTORS_API_KEY='motors_sk_${input.environment}_…'   # paste your full key`);
  lines.push(`curl -sS -H ${header} \\\n  ${url}`);
  return lines.join('\n');
}
