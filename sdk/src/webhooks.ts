// verifyWebhook(): checks a delivery's signatures the way docs/webhooks.md specifies, with
// node:crypto only. Both schemes are checked when both headers are present (Motors sends both):
//   X-Motors-Signature: sha256=<hex HMAC-SHA256 of "<X-Motors-Timestamp ms>.<body>">, keyed with the secret as shown (whsec_…)
//   webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp s>.<body>">, keyed with the secret's base64 part
// Either header may carry several signatures during a secret rotation; one match is enough.
import crypto from 'node:crypto';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export type VerifyOptions = {
  /** How far the signed timestamp may be from now (default 300 s), so a captured request cannot be replayed later. */
  toleranceSeconds?: number;
  /** The clock, in epoch ms (default Date.now()). */
  now?: number;
};

export type VerifiedWebhook<T = unknown> = {
  /** The event id (the same on every retry: deduplicate by it). */
  id: string;
  event: string;
  createdAt: string;
  environment: 'live' | 'test';
  data: T;
  /** The schemes that verified. */
  schemes: ('motors' | 'standard')[];
};

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(',') : value;
}

function anyEqual(candidates: string[], expected: string): boolean {
  const want = Buffer.from(expected);
  // Every candidate is compared, so the time taken does not tell which one matched.
  let ok = false;
  for (const candidate of candidates) {
    const given = Buffer.from(candidate.trim());
    if (given.length === want.length && crypto.timingSafeEqual(given, want)) ok = true;
  }
  return ok;
}

function checkTime(ms: number, label: string, opts: VerifyOptions) {
  const now = opts.now ?? Date.now();
  const tolerance = (opts.toleranceSeconds ?? 300) * 1000;
  if (!Number.isFinite(ms)) throw new WebhookVerificationError(`${label} is not a number`);
  if (Math.abs(now - ms) > tolerance) throw new WebhookVerificationError(`${label} is outside the tolerance of ${tolerance / 1000} s`);
}

/**
 * Verifies a webhook delivery and returns the parsed event; throws WebhookVerificationError when
 * a signature is missing, wrong or too old. Pass the raw body exactly as received, before any
 * JSON parsing, and the secret exactly as shown at creation (`whsec_…`).
 */
export function verifyWebhook<T = unknown>(rawBody: string | Buffer | Uint8Array, headers: WebhookHeaders, secret: string, opts: VerifyOptions = {}): VerifiedWebhook<T> {
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const schemes: VerifiedWebhook['schemes'] = [];

  const motorsSig = header(headers, 'x-motors-signature');
  if (motorsSig !== undefined) {
    const timestamp = header(headers, 'x-motors-timestamp');
    if (!timestamp || !/^\d+$/.test(timestamp)) throw new WebhookVerificationError('X-Motors-Timestamp is missing or not epoch milliseconds');
    checkTime(Number(timestamp), 'X-Motors-Timestamp', opts);
    const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    if (!anyEqual(motorsSig.split(','), expected)) throw new WebhookVerificationError('X-Motors-Signature does not match');
    schemes.push('motors');
  }

  const standardSig = header(headers, 'webhook-signature');
  if (standardSig !== undefined) {
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    if (!id) throw new WebhookVerificationError('webhook-id is missing');
    if (!timestamp || !/^\d+$/.test(timestamp)) throw new WebhookVerificationError('webhook-timestamp is missing or not epoch seconds');
    checkTime(Number(timestamp) * 1000, 'webhook-timestamp', opts);
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    const candidates = standardSig
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .map((s) => s.slice(3));
    if (!anyEqual(candidates, expected)) throw new WebhookVerificationError('webhook-signature does not match');
    schemes.push('standard');
  }

  if (schemes.length === 0) throw new WebhookVerificationError('no signature header (X-Motors-Signature or webhook-signature)');
  let event: VerifiedWebhook<T>;
  try {
    event = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
  return { ...event, schemes };
}
