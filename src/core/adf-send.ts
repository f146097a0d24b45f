import crypto from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { events } from '../storage/schema/index.ts';
import { writeAdf, type AdfLeadOut } from './adf.ts';
import { now } from './ids.ts';

// ADF forwarding's two ways out (docs/adf-leads.md, "Forwarding"): the lead of a delivery as an
// ADF 1.0 document, POSTed as XML (worker/outbound.ts sends it) or mailed through the relay.

type EventRow = Pick<typeof events.$inferSelect, 'id' | 'type' | 'data'>;

/** The vendor named in forwarded documents, as in ADF out (GET /leads/:id as XML). */
export const ADF_VENDOR = 'Motors CRM';

/** The operator's outgoing mail relay (SMTP_RELAY_URL); e-mail targets are refused without one. */
export type SmtpRelay = { url: string; from: string };

/** The lead a forwarded event carries: the lead itself, or a test send's sample lead. */
export function forwardedLead(event: EventRow): AdfLeadOut {
  const data = event.data as Record<string, unknown>;
  return (event.type === 'webhook.test' ? data.lead : data) as AdfLeadOut;
}

export function adfDocument(event: EventRow): string {
  return writeAdf(forwardedLead(event), ADF_VENDOR);
}

/** The POST of one forwarded lead: the document and what a DMS needs to log or deduplicate it. */
export function adfRequest(event: EventRow, requestId: string): { body: string; headers: Record<string, string> } {
  return {
    body: adfDocument(event),
    headers: {
      'content-type': 'application/xml; charset=utf-8',
      'user-agent': 'MotorsCRM-ADF/1.0',
      'x-motors-event': event.type,
      'x-motors-request-id': requestId,
      // The same on every retry of one lead, like a webhook's event id.
      'webhook-id': event.id,
    },
  };
}

/** A sample lead for "send test", so a DMS can be tried before the first real lead arrives. */
export function sampleLead(): AdfLeadOut {
  return {
    id: `test-${crypto.randomUUID()}`,
    createdAt: now().toISOString(),
    contactName: 'Test Lead',
    contactEmail: 'test.lead@example.com',
    contactPhone: '+15105550100',
    interest: 'buy',
    vehicleOfInterest: { year: 2024, make: 'Toyota', model: 'Camry' },
    message: 'A test lead from Motors CRM: your ADF forwarding works.',
    externalId: null,
    externalSource: null,
    provider: 'Motors CRM (test)',
  };
}

export type MailResult = { statusCode: number | null; responseBody: string | null; error: string | null; ok: boolean };

// One transporter per relay URL for the life of the process (it holds no connection between sends).
// nodemailer is loaded at the first mail: most servers never send one.
const transports = new Map<string, Transporter>();
export async function transportFor(relay: SmtpRelay, timeoutMs: number): Promise<Transporter> {
  let t = transports.get(relay.url);
  if (t) return t;
  const { default: nodemailer } = await import('nodemailer');
  const url = new URL(relay.url);
  t = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  transports.set(relay.url, t);
  return t;
}

const smtpCode = (s: string | undefined) => (s && /^\d{3}/.test(s) ? Number(s.slice(0, 3)) : null);

/** Mails one forwarded lead to `to`. Never throws: the SMTP reply is the attempt's status and body. */
export async function mailAdf(relay: SmtpRelay, timeoutMs: number, to: string, event: EventRow, requestId: string): Promise<MailResult> {
  const lead = forwardedLead(event);
  const vehicle = [lead.vehicleOfInterest?.year, lead.vehicleOfInterest?.make, lead.vehicleOfInterest?.model].filter(Boolean).join(' ');
  const who = lead.contactName || lead.contactEmail || lead.contactPhone || 'unknown contact';
  try {
    const info = await (await transportFor(relay, timeoutMs)).sendMail({
      from: relay.from,
      to,
      subject: `ADF lead: ${who}${vehicle ? ` (${vehicle})` : ''}`,
      // DMS mailboxes read the document from a plain-text body, as providers send it.
      text: adfDocument(event),
      messageId: `<${requestId}@motors-crm>`,
      headers: { 'X-Motors-Event': event.type, 'X-Motors-Event-Id': event.id },
    });
    const rejected = (info.rejected ?? []).map(String);
    const ok = (info.accepted ?? []).length > 0 && rejected.length === 0;
    return { ok, statusCode: smtpCode(info.response), responseBody: info.response ?? null, error: ok ? null : `Refused by the relay: ${rejected.join(', ')}` };
  } catch (err) {
    const e = err as { message?: string; code?: string; responseCode?: number; response?: string };
    return { ok: false, statusCode: e.responseCode ?? null, responseBody: e.response ?? null, error: [e.code, e.message].filter(Boolean).join(': ') || 'Sending failed' };
  }
}
