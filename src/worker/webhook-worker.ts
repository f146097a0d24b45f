import crypto from 'node:crypto';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../storage/db.ts';
import { EVENTS_CHANNEL } from '../core/events.ts';
import { pruneEventLog } from '../core/event-log.ts';
import { pruneRequestLogs } from '../core/request-log.ts';
import {
  DELIVERIES_QUEUED,
  claimDeliveries,
  dispatchEvents,
  loadTargets,
  pruneWebhookLog,
  settleDeliveries,
  undeliverable,
  type DeliveryTarget,
  type Outcome,
  type WebhookSettings,
} from '../core/webhook-delivery.ts';
import { sendAttempt } from './outbound.ts';

const DISPATCH_BATCH = 500;

export type WebhookWorkerOptions = {
  database: Database;
  logger: Logger;
  settings: WebhookSettings;
  /** Deliveries in flight at once in this process. */
  concurrency?: number;
  /** Fallback poll when no notification arrives (a lost LISTEN connection, a retry falling due). */
  pollMs?: number;
  maintenanceMs?: number;
};

export type WebhookWorker = {
  readonly id: string;
  start(): Promise<void>;
  /** Stops claiming and waits for the deliveries in flight to finish. */
  stop(): Promise<void>;
  /** Runs a pass now (used after a write in this process). */
  wake(): void;
};

// One loop per process: dispatch new events into deliveries, claim what is due up to the free
// concurrency, deliver without waiting for the batch, and sleep until a NOTIFY, a finished
// delivery, the next retry or the fallback poll.
export function createWebhookWorker(opts: WebhookWorkerOptions): WebhookWorker {
  const id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const log = opts.logger.child({ component: 'webhook-worker', worker: id });
  const concurrency = opts.concurrency ?? 64;
  const pollMs = opts.pollMs ?? 1000;
  const maintenanceMs = opts.maintenanceMs ?? 10 * 60 * 1000;
  const db = opts.database.db;
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loopDone: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;
  let maintenanceTimer: NodeJS.Timeout | undefined;
  const retryTimers = new Set<NodeJS.Timeout>();

  // What a pass has to do. New events (a commit's NOTIFY, the poll) call for a dispatch; queued
  // deliveries (left over by a dispatch, a retry falling due, a resend, a full claim, the poll)
  // for a claim. Neither runs on the off chance: with one event per transaction, an empty claim
  // after each dispatch and each finished delivery would be most of the statements sent.
  let eventsWaiting = true;
  let deliveriesWaiting = true;
  let lastDispatchAt = 0;
  let lastClaimAt = 0;
  const wakeNow = () => {
    pendingWake = true;
    wakeUp?.();
  };
  const onNotify = (payload: string) => {
    eventsWaiting = true;
    if (payload === DELIVERIES_QUEUED) deliveriesWaiting = true;
    wakeNow();
  };
  const wake = () => {
    eventsWaiting = true;
    deliveriesWaiting = true;
    wakeNow();
  };
  const wakeForDeliveries = () => {
    deliveriesWaiting = true;
    wakeNow();
  };
  // Claims come in batches: refill when a quarter of the slots are free, not slot by slot.
  const refillAt = Math.max(1, Math.floor(concurrency / 4));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const wakeAt = (at: Date) => {
    const timer = setTimeout(
      () => {
        retryTimers.delete(timer);
        wakeForDeliveries();
      },
      Math.max(0, at.getTime() - Date.now()) + 5,
    );
    timer.unref();
    retryTimers.add(timer);
  };

  // Outcomes are written in batches: one transaction for everything that finished since the last
  // flush. A delivery holds its concurrency slot until its outcome is written, so a crash between
  // sending and writing at worst sends it again when its lease expires (at-least-once).
  let buffer: { outcome: Outcome; done: () => void }[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    while (buffer.length) {
      const batch = buffer;
      buffer = [];
      try {
        const next = await settleDeliveries(
          db,
          opts.settings,
          batch.map((b) => b.outcome),
        );
        if (next.length) wakeAt(new Date(Math.min(...next.map((d) => d.getTime()))));
      } catch (err) {
        // Unwritten outcomes are retried when their leases expire: nothing is lost.
        log.error({ err, deliveries: batch.length }, 'recording delivery outcomes failed');
      }
      for (const b of batch) b.done();
    }
  };
  const record = (outcome: Outcome) =>
    new Promise<void>((done) => {
      buffer.push({ outcome, done });
      flushing ??= flush().finally(() => (flushing = undefined));
    });

  const deliver = (t: DeliveryTarget) => {
    const skipped = undeliverable(t);
    const p = (skipped ? Promise.resolve(undefined) : sendAttempt(opts.settings, t.endpoint!, t.event!))
      .then((attempt) => record({ ...t, attempt, skipped }))
      .catch((err) => log.error({ err, delivery: t.delivery.id }, 'delivery failed unexpectedly'))
      .finally(() => {
        inFlight.delete(p);
        // A freed slot matters only if something is queued for it.
        if (deliveriesWaiting) wakeNow();
      });
    inFlight.add(p);
  };

  async function pass(): Promise<boolean> {
    let dispatchedFull = false;
    if (eventsWaiting) {
      eventsWaiting = false;
      lastDispatchAt = Date.now();
      const dispatched = await dispatchEvents(db, DISPATCH_BATCH, { owner: id, max: concurrency - inFlight.size, leaseMs: opts.settings.leaseMs });
      for (const t of dispatched.claimed) deliver(t);
      if (dispatched.deliveries > dispatched.claimed.length) deliveriesWaiting = true;
      dispatchedFull = dispatched.events === DISPATCH_BATCH;
      eventsWaiting = dispatchedFull;
    }
    const free = concurrency - inFlight.size;
    if (!deliveriesWaiting || (free < refillAt && inFlight.size > 0)) return dispatchedFull;
    deliveriesWaiting = false;
    lastClaimAt = Date.now();
    const claimed = await claimDeliveries(db, id, free, opts.settings.leaseMs);
    for (const t of await loadTargets(db, claimed)) deliver(t);
    // A full claim may have left more behind.
    if (claimed.length === free) deliveriesWaiting = true;
    return dispatchedFull || claimed.length === free;
  }

  async function loop() {
    let failures = 0;
    while (running) {
      pendingWake = false;
      let busy = false;
      if (failures) eventsWaiting = deliveriesWaiting = true;
      try {
        busy = await pass();
        failures = 0;
      } catch (err) {
        if (!running) break;
        failures++;
        log.error({ err }, 'webhook worker pass failed');
      }
      if (!running) break;
      if (!busy) {
        await sleep(failures ? Math.min(pollMs * 2 ** failures, 30_000) : pollMs);
      }
      // The fallback poll: the outbox and the queue are read at least every pollMs even if a
      // NOTIFY was missed, and leases of workers that died are found.
      if (Date.now() - lastDispatchAt >= pollMs) eventsWaiting = true;
      if (Date.now() - lastClaimAt >= pollMs) deliveriesWaiting = true;
    }
  }

  async function maintain() {
    try {
      await pruneWebhookLog(db, opts.settings.retentionDays);
      // After the delivery log: an event is kept while a delivery still refers to it.
      await pruneEventLog(db, opts.settings.eventRetentionDays);
      await pruneRequestLogs(db, opts.settings.eventRetentionDays);
    } catch (err) {
      log.error({ err }, 'webhook log pruning failed');
    }
  }

  return {
    id,
    wake,
    async start() {
      if (running) return;
      running = true;
      try {
        unlisten = await opts.database.listen(EVENTS_CHANNEL, onNotify);
      } catch (err) {
        log.warn({ err }, 'LISTEN unavailable; polling only');
      }
      maintenanceTimer = setInterval(() => void maintain(), maintenanceMs);
      maintenanceTimer.unref();
      void maintain();
      loopDone = loop();
      log.info('webhook worker started');
    },
    async stop() {
      if (!running) return;
      running = false;
      wakeUp?.();
      clearInterval(maintenanceTimer);
      for (const t of retryTimers) clearTimeout(t);
      await loopDone;
      await Promise.allSettled([...inFlight]);
      await unlisten?.().catch(() => {});
      log.info('webhook worker stopped');
    },
  };
}

export function webhookSettingsFrom(config: {
  WEBHOOK_RETRY_DELAYS: number[];
  WEBHOOK_ALLOW_PRIVATE: boolean;
  WEBHOOK_LEASE_SECONDS: number;
  WEBHOOK_RETENTION_DAYS: number;
  EVENT_RETENTION_DAYS: number;
  SMTP_RELAY_URL?: string;
  SMTP_RELAY_FROM?: string;
  SMTP_DOMAIN: string;
}): WebhookSettings {
  return {
    retryDelays: config.WEBHOOK_RETRY_DELAYS,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    leaseMs: config.WEBHOOK_LEASE_SECONDS * 1000,
    retentionDays: config.WEBHOOK_RETENTION_DAYS,
    eventRetentionDays: config.EVENT_RETENTION_DAYS,
    // The lease always outlives the request it covers.
    timeoutMs: Math.min(10_000, (config.WEBHOOK_LEASE_SECONDS * 1000) / 2),
    smtpRelay: config.SMTP_RELAY_URL ? { url: config.SMTP_RELAY_URL, from: config.SMTP_RELAY_FROM ?? `leads@${config.SMTP_DOMAIN}` } : undefined,
  };
}
