import { eq, inArray, sql } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { webhookDeliveries, webhookEndpoints } from '../storage/schema/index.ts';
import { owner, scoped, scopedId, scopedLive } from '../storage/tenant-scope.ts';
import { AppError, invalidField, notFound } from './errors.ts';
import { newId, now } from './ids.ts';
import { assertPublicUrl, parseWebhookUrl } from './webhook-urls.ts';
import type { SendAttempt, WebhookSettings } from './webhook-delivery.ts';
import { newWebhookSecret, pageOfDeliveries, requeueDelivery, sendTestEvent, type AttemptView, type DeliveryView } from './webhooks.ts';
import { sampleLead } from './adf-send.ts';

// ADF forwarding: every new lead of a tenant and environment sent as an ADF/XML document to a
// DMS, by HTTP POST and/or by e-mail (docs/adf-leads.md, "Forwarding"). Each target is a row of
// webhook_endpoints (kind adf_http / adf_email) subscribed to crm.leads.created, so the outbox,
// the dispatch, the claims and leases, the retries, the 5-day disable and the delivery log are the
// webhooks' own; only the request differs (worker/outbound.ts sendAttempt, with the webhooks' SSRF guard).

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type AdfKind = 'adf_http' | 'adf_email';
type Settings = Pick<WebhookSettings, 'allowPrivate' | 'timeoutMs' | 'smtpRelay'>;

const LEAD_EVENTS = ['crm.leads.created'];
const ADF_KINDS: AdfKind[] = ['adf_http', 'adf_email'];
// Shape only, as for a lead's contactEmail: the relay is the judge of deliverability.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export type AdfTargetView = {
  id: string;
  kind: 'http' | 'email';
  /** The URL, or the e-mail address. */
  target: string;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
};

export type AdfForwardingView = {
  enabled: boolean;
  url: string | null;
  email: string | null;
  /** Whether the server can send mail (SMTP_RELAY_URL is set). */
  emailAvailable: boolean;
  targets: AdfTargetView[];
};

export type AdfForwardingInput = { url?: string | null; email?: string | null; enabled?: boolean };

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const kindOf = (r: EndpointRow): AdfTargetView['kind'] => (r.kind === 'adf_email' ? 'email' : 'http');
const targetOf = (r: EndpointRow) => (r.kind === 'adf_email' ? r.url.replace(/^mailto:/, '') : r.url);

function targetView(r: EndpointRow): AdfTargetView {
  return {
    id: r.id,
    kind: kindOf(r),
    target: targetOf(r),
    enabled: r.enabled,
    disabledReason: r.disabledReason,
    failingSince: iso(r.failingSince),
    lastSuccessAt: iso(r.lastSuccessAt),
  };
}

async function liveTargets(ctx: Ctx): Promise<EndpointRow[]> {
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(scopedLive(ctx, webhookEndpoints, inArray(webhookEndpoints.kind, ADF_KINDS)));
  return rows.sort((a, b) => ADF_KINDS.indexOf(a.kind as AdfKind) - ADF_KINDS.indexOf(b.kind as AdfKind));
}

function view(rows: EndpointRow[], settings: Settings): AdfForwardingView {
  const http = rows.find((r) => r.kind === 'adf_http');
  const mail = rows.find((r) => r.kind === 'adf_email');
  return {
    enabled: rows.some((r) => r.enabled),
    url: http ? targetOf(http) : null,
    email: mail ? targetOf(mail) : null,
    emailAvailable: Boolean(settings.smtpRelay),
    targets: rows.map(targetView),
  };
}

export async function getAdfForwarding(ctx: Ctx, settings: Settings): Promise<AdfForwardingView> {
  return view(await liveTargets(ctx), settings);
}

async function checkTarget(kind: AdfKind, value: string, settings: Settings): Promise<string> {
  if (kind === 'adf_email') {
    if (!settings.smtpRelay) throw invalidField('email', 'forwarding by e-mail needs an outgoing mail relay, and this server has none: its operator sets SMTP_RELAY_URL (smtp://host:port)');
    const address = value.trim().toLowerCase();
    if (!EMAIL.test(address) || address.length > 254) throw invalidField('email', 'must be an e-mail address, e.g. leads@dms.example.com');
    return `mailto:${address}`;
  }
  const parsed = parseWebhookUrl(value);
  if (!settings.allowPrivate) await assertPublicUrl(parsed);
  return parsed.toString();
}

/**
 * Sets the targets (null removes one; omitted keeps it) and the on/off switch, which covers both.
 * Enabling clears an automatic disable (5 days of failures) and its failure clock.
 */
export async function setAdfForwarding(ctx: Ctx, input: AdfForwardingInput, settings: Settings): Promise<AdfForwardingView> {
  // Two saves at once must not make two targets of a kind (the unique index is the last line).
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`adf-forwarding:${ctx.tenantId}:${ctx.environment}`}, 0))`);
  const current = await liveTargets(ctx);
  const enabled = input.enabled ?? (current.length ? current.some((r) => r.enabled) : true);
  const at = now();
  const wanted: [AdfKind, string | null | undefined][] = [
    ['adf_http', input.url],
    ['adf_email', input.email],
  ];
  for (const [kind, value] of wanted) {
    const row = current.find((r) => r.kind === kind);
    if (value === undefined) continue;
    if (value === null || value.trim() === '') {
      if (row)
        await ctx.db
          .update(webhookEndpoints)
          .set({ deletedAt: at, updatedAt: at, enabled: false })
          .where(scopedId(ctx, webhookEndpoints, row.id));
      continue;
    }
    const url = await checkTarget(kind, value, settings);
    if (row) {
      // A new address is a new receiver: its failure clock starts again.
      if (url !== row.url)
        await ctx.db
          .update(webhookEndpoints)
          .set({ url, failingSince: null, disabledReason: null, updatedAt: at })
          .where(scopedId(ctx, webhookEndpoints, row.id));
      continue;
    }
    await ctx.db.insert(webhookEndpoints).values({
      ...owner(ctx),
      id: newId(),
      kind,
      url,
      events: LEAD_EVENTS,
      description: kind === 'adf_http' ? 'ADF forwarding (HTTP)' : 'ADF forwarding (e-mail)',
      enabled,
      // Unused (ADF requests are not signed) but the column is the webhooks'.
      secret: newWebhookSecret(),
      createdAt: at,
      updatedAt: at,
    });
  }
  for (const row of await liveTargets(ctx)) {
    if (row.enabled === enabled) continue;
    await ctx.db
      .update(webhookEndpoints)
      .set(enabled ? { enabled, disabledReason: null, failingSince: null, updatedAt: at } : { enabled, disabledReason: 'Disabled by a user', updatedAt: at })
      .where(scopedId(ctx, webhookEndpoints, row.id));
  }
  return view(await liveTargets(ctx), settings);
}

export type AdfTestResult = { kind: AdfTargetView['kind']; target: string; deliveryId: string; success: boolean } & Omit<AttemptView, 'id' | 'startedAt'>;

/**
 * Sends a sample lead to every target now (switched off or not) and returns each outcome; logged
 * as deliveries, never retried. Call outside a transaction: a slow DMS must not hold the database.
 */
export async function testAdfForwarding(ctx: Ctx, send: SendAttempt): Promise<AdfTestResult[]> {
  const rows = await liveTargets(ctx);
  if (!rows.length) throw new AppError('conflict', 'No ADF forwarding target is set: save a URL or an e-mail address first');
  const lead = sampleLead();
  const results: AdfTestResult[] = [];
  for (const row of rows) {
    const r = await sendTestEvent(ctx, row, { message: 'A test lead from Motors CRM', webhookId: row.id, lead }, send);
    results.push({
      kind: kindOf(row),
      target: targetOf(row),
      deliveryId: r.deliveryId,
      success: r.success,
      requestId: r.requestId,
      durationMs: r.durationMs,
      statusCode: r.statusCode,
      responseBody: r.responseBody,
      error: r.error,
    });
  }
  return results;
}

export type AdfDeliveryView = DeliveryView & { kind: AdfTargetView['kind']; target: string };

// Every target the tenant and environment ever had, removed ones included, so the log stays whole.
async function allTargets(ctx: Ctx): Promise<Map<string, EndpointRow>> {
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(scoped(ctx, webhookEndpoints, inArray(webhookEndpoints.kind, ADF_KINDS)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** The forwarding log, newest first, each delivery with its attempts and its target. */
export async function listAdfDeliveries(ctx: Ctx, opts: { page: number; limit: number; status?: DeliveryView['status'] }) {
  const targets = await allTargets(ctx);
  if (!targets.size) return { rows: [] as AdfDeliveryView[], total: 0 };
  const { rows, total } = await pageOfDeliveries(ctx, opts, inArray(webhookDeliveries.endpointId, [...targets.keys()]));
  const withTargets = rows.map((d) => {
    const t = targets.get(d.endpointId)!;
    return { ...d, kind: kindOf(t), target: targetOf(t) };
  });
  return { rows: withTargets, total };
}

/** Sends one forwarding delivery again (same lead, same event id). */
export async function resendAdfDelivery(ctx: Ctx, deliveryId: string): Promise<AdfDeliveryView> {
  const targets = await allTargets(ctx);
  const [row] = await ctx.db
    .select({ endpointId: webhookDeliveries.endpointId })
    .from(webhookDeliveries)
    .where(scoped(ctx, webhookDeliveries, eq(webhookDeliveries.id, deliveryId)))
    .limit(1);
  const target = row && targets.get(row.endpointId);
  if (!target) throw notFound('Delivery', deliveryId);
  const d = await requeueDelivery(ctx, target.id, deliveryId);
  return { ...d, kind: kindOf(target), target: targetOf(target) };
}
