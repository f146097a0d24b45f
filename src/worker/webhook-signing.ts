import crypto from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of "<timestamp ms>.<raw body>">`, keyed with the secret string exactly as shown to the user. */
export function motorsSignature(secret: string, timestampMs: number, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex')}`;
}

/** Standard Webhooks `v1,<base64>` over "<msg id>.<timestamp s>.<body>", keyed with the secret's base64 part. */
export function standardSignature(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

export type SignedHeaders = Record<string, string>;

/**
 * The headers of one attempt. During a rotation both secrets sign: X-Motors-Signature carries
 * the signatures comma-separated (new first) and webhook-signature space-separated, as the
 * standard does, so a receiver still holding the old secret keeps verifying.
 */
export function signDelivery(opts: { secrets: string[]; eventId: string; eventType: string; requestId: string; body: string; timestampMs: number }): SignedHeaders {
  const seconds = Math.floor(opts.timestampMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'MotorsCRM-Webhooks/1.0',
    'x-motors-event': opts.eventType,
    'x-motors-timestamp': String(opts.timestampMs),
    'x-motors-signature': opts.secrets.map((s) => motorsSignature(s, opts.timestampMs, opts.body)).join(','),
    'x-motors-request-id': opts.requestId,
    'webhook-id': opts.eventId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': opts.secrets.map((s) => standardSignature(s, opts.eventId, seconds, opts.body)).join(' '),
  };
}
