import crypto from 'node:crypto';
import { lookup } from 'node:dns';
import net from 'node:net';
import type { Agent, Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { adfRequest, mailAdf } from '../core/adf-send.ts';
import { now } from '../core/ids.ts';
import type { AttemptResult, SendableEndpoint, SendableEvent, WebhookSettings } from '../core/webhook-delivery.ts';
import { hostOf, isPrivateAddress } from '../core/webhook-urls.ts';
import { signDelivery } from './webhook-signing.ts';

// Every request the server makes to the outside world: webhook POSTs, ADF forwarding's POSTs and
// mails. One SSRF guard for all of them (isPrivateAddress, checked again after DNS resolution);
// core decides what to send and records the outcome (core/webhook-delivery.ts).

const RESPONSE_BODY_LIMIT = 4096;
const RETRY_AFTER_CAP_MS = 24 * 60 * 60 * 1000;

/** The body every receiver gets: `{ id, event, createdAt, environment, data }`. */
function deliveryBody(event: SendableEvent): string {
  return JSON.stringify({ id: event.id, event: event.type, createdAt: event.createdAt.toISOString(), environment: event.environment, data: event.data });
}

// undici (≈ 8 MB at start) is loaded at the first POST: a server without webhooks never needs it.
let agents: Promise<{ open: Agent; guarded: Agent }> | undefined;
const loadAgents = () =>
  (agents ??= import('undici').then(({ Agent }) => ({
    open: new Agent({ connections: 128, keepAliveTimeout: 10_000 }),
    guarded: new Agent({ connections: 128, keepAliveTimeout: 10_000, connect: { lookup: guardedLookup as never } }),
  })));

/**
 * One attempt: a signed POST of the event (a webhook), a POST of the lead as ADF/XML (`adf_http`)
 * or a mail of it through the relay (`adf_email`). Never throws: every outcome is an
 * AttemptResult for the log.
 */
export async function sendAttempt(settings: Pick<WebhookSettings, 'allowPrivate' | 'timeoutMs' | 'smtpRelay'>, endpoint: SendableEndpoint, event: SendableEvent): Promise<AttemptResult> {
  const requestId = crypto.randomUUID();
  const startedAt = now();
  const t0 = performance.now();
  const result = (r: Partial<AttemptResult>): AttemptResult => ({
    requestId,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    statusCode: null,
    responseBody: null,
    error: null,
    ok: false,
    ...r,
  });
  if (endpoint.kind === 'adf_email') {
    // The relay went away since the target was saved (SMTP_RELAY_URL unset at a restart).
    if (!settings.smtpRelay) return result({ error: 'No SMTP relay configured (SMTP_RELAY_URL): e-mail forwarding is off' });
    return result(await mailAdf(settings.smtpRelay, settings.timeoutMs, endpoint.url.replace(/^mailto:/, ''), event, requestId));
  }
  const { body, headers } = endpoint.kind === 'adf_http' ? adfRequest(event, requestId) : signedRequest(endpoint, event, requestId, startedAt);
  try {
    const url = new URL(endpoint.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return result({ error: 'URL is not http(s)' });
    if (!settings.allowPrivate) {
      const literal = literalPrivateHost(url);
      if (literal) return result({ error: `${literal} is a private address webhooks may not reach` });
    }
    const agent = await loadAgents();
    const res = await post(settings.allowPrivate ? agent.open : agent.guarded, url, headers, body, settings.timeoutMs);
    const responseBody = res.body;
    const statusCode = res.statusCode;
    const ok = statusCode >= 200 && statusCode < 300;
    let error: string | null = null;
    if (statusCode >= 300 && statusCode < 400) error = `Redirect to ${res.headers.location ?? '(no location)'} not followed; point the endpoint at the final URL`;
    else if (!ok) error = `HTTP ${statusCode}`;
    const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined;
    return result({ statusCode, responseBody, ok, error, retryAfterMs });
  } catch (err) {
    return result({ error: describeError(err, settings.timeoutMs) });
  }
}

function signedRequest(
  endpoint: Pick<SendableEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  event: SendableEvent,
  requestId: string,
  startedAt: Date,
): { body: string; headers: Record<string, string> } {
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > startedAt) secrets.push(endpoint.previousSecret);
  const body = deliveryBody(event);
  return { body, headers: signDelivery({ secrets, eventId: event.id, eventType: event.type, requestId, body, timestampMs: startedAt.getTime() }) };
}

/**
 * One POST through undici's dispatcher API rather than `request()`: no response stream, one timer
 * for the whole exchange, and the body kept only up to the log's cap. (Profiled on a local
 * receiver: about half the client CPU of `request()` with an AbortSignal and a body iterator.)
 */
function post(dispatcher: Dispatcher, url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let done = false;
    let statusCode = 0;
    let responseHeaders: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve({ statusCode, headers: responseHeaders, body: decodeCapped(chunks) });
    };
    const timer = setTimeout(() => {
      const err = new DOMException(`Timed out after ${timeoutMs} ms`, 'TimeoutError');
      finish(err);
      controller?.abort(err);
    }, timeoutMs);
    dispatcher.dispatch(
      { origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body },
      {
        // Still queued for a connection when the time ran out: never send it.
        onRequestStart: (c) => (done ? c.abort(new Error('timed out before sending')) : (controller = c)),
        onResponseStart: (_c, code, h) => {
          statusCode = code;
          responseHeaders = h;
        },
        onResponseData: (c, chunk) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough for the log: stop reading (the connection is dropped, as a destroyed stream would be).
          if (size >= RESPONSE_BODY_LIMIT && !done) {
            finish();
            c.abort(new Error('response body cap reached'));
          }
        },
        onResponseEnd: () => finish(),
        onResponseError: (_c, err) => finish(err),
      },
    );
  });
}

function decodeCapped(chunks: Buffer[]): string {
  // Cut at a byte boundary and let the decoder drop a split last character. PostgreSQL text
  // cannot hold NUL, and one such body must not make the whole batch's outcomes unwritable.
  return new TextDecoder('utf-8', { fatal: false })
    .decode(Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT))
    .replace(/\uFFFD$/, '')
    .replaceAll('\0', '\uFFFD');
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : undefined;
}

function describeError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `Timed out after ${timeoutMs / 1000} s`;
  const cause = e?.cause ?? e;
  const code = cause?.code ?? e?.code;
  return [code, cause?.message ?? e?.message].filter(Boolean).join(': ') || 'Request failed';
}

class PrivateAddressError extends Error {}

/**
 * A `lookup` for the HTTP client's connections that refuses private addresses after resolution,
 * so a DNS answer that changed since the endpoint was saved cannot reach the internal network.
 */
function guardedLookup(
  hostname: string,
  options: { family?: number | string; all?: boolean } & Record<string, unknown>,
  callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
): void {
  lookup(hostname, { ...options, all: true } as never, (err: Error | null, list: { address: string; family: number }[]) => {
    if (err) return callback(err, '');
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddressError(`${hostname} resolves to ${bad.address}, a private address webhooks may not reach`), '');
    if (options.all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}

/** The IP-literal case, which never goes through a lookup. */
function literalPrivateHost(url: URL): string | undefined {
  const host = hostOf(url);
  return net.isIP(host) && isPrivateAddress(host) ? host : undefined;
}
