import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { migrate, openDb, type Database } from './storage/db.ts';
import { ensurePgliteMemoryImage, ensurePgliteTemplate, type TemplateSeed } from './storage/pglite.ts';
import { catalogFile, catalogFileVersion, catalogIsLoaded, loadCatalog } from './core/catalog-load.ts';
import { buildServer } from './http/server.ts';
import { signingSecret } from './core/secrets.ts';
import { createRequestLogWriter } from './core/request-log.ts';
import { createRateLimiter, type RateLimiter } from './http/platform/rate-limit.ts';
import { sendAttempt } from './worker/outbound.ts';
import { createWebhookWorker, webhookSettingsFrom, type WebhookWorker } from './worker/webhook-worker.ts';
import type { CatalogData } from './catalog-data/catalog-types.ts';
import type { SmtpIntake } from './worker/smtp-intake.ts';

export type App = {
  config: Config;
  database: Database;
  server: FastifyInstance;
  rateLimiter: RateLimiter;
  /** Not running until started: main.ts starts it after listen; tests start it when they need it. */
  webhooks: WebhookWorker;
  /** The ADF e-mail listener, when SMTP_PORT is set. */
  smtp?: SmtpIntake;
  /** /readyz answers 503 until this is true: createApp sets it, unless the caller finishes the start itself. */
  ready: boolean;
  close(): Promise<void>;
};

export type CreateAppOptions = {
  /** False when another process (the cluster's primary) has migrated already. */
  migrate?: boolean;
  /** False to return before the catalog is loaded: the caller listens first, then calls loadVehicleCatalog and sets ready. */
  loadCatalog?: boolean;
};

// The composition root: config → database → HTTP. main.ts and the tests both start here.
export async function createApp(config: Config, logger: Logger, options: CreateAppOptions = {}): Promise<App> {
  const database = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    if (options.migrate !== false) await migrate(database);
    if (options.loadCatalog !== false) await loadVehicleCatalog(database, logger);
  } catch (err) {
    await database.close();
    throw err;
  }
  const rateLimiter = await createRateLimiter({ redisUrl: config.REDIS_URL, logger });
  await rateLimiter.ready();
  const secret = new TextEncoder().encode(await signingSecret(database.db, config.MOTORS_SECRET));
  const requestLog = createRequestLogWriter(database.db, (err) => logger.warn({ err }, 'request log write failed'));
  let app: App | undefined;
  const webhookSettings = webhookSettingsFrom(config);
  const server = await buildServer({
    database,
    rateLimiter,
    logger,
    defaultRateLimit: config.RATE_LIMIT_PER_MINUTE,
    secret,
    requestLog,
    trustProxy: config.TRUST_PROXY,
    publicUrl: config.PUBLIC_URL,
    strictResponses: config.NODE_ENV === 'test',
    isReady: () => app?.ready ?? false,
    smtpDomain: config.SMTP_PORT === undefined ? undefined : config.SMTP_DOMAIN,
    webhookSettings,
    send: (endpoint, event) => sendAttempt(webhookSettings, endpoint, event),
  });
  const webhooks = createWebhookWorker({ database, logger, settings: webhookSettings });
  // smtp-server and mailparser (≈ 15 MB) are loaded only where the SMTP listener runs.
  const smtp =
    config.SMTP_PORT === undefined
      ? undefined
      : await (await import('./worker/smtp-intake.ts')).startSmtpIntake({ database, logger, host: config.SMTP_HOST, port: config.SMTP_PORT, domain: config.SMTP_DOMAIN });
  let closed = false;
  app = {
    config,
    database,
    server,
    rateLimiter,
    webhooks,
    smtp,
    ready: options.loadCatalog !== false,
    async close() {
      if (closed) return;
      closed = true;
      await smtp?.close();
      await server.close(); // stops accepting, finishes in-flight requests
      await webhooks.stop(); // finishes in-flight deliveries
      await requestLog.close();
      await rateLimiter.close();
      await database.close();
    },
  };
  return app;
}

const parseCatalogFile = () => JSON.parse(fs.readFileSync(catalogFile, 'utf8')) as CatalogData;

/**
 * Loads the vehicle catalog into the database when it is new or changed. The file is parsed here
 * and dropped afterwards (core's readCatalogFile keeps it for the life of the process: ~10 MB of
 * heap a server does not need once the rows are in), and only when its version is not the loaded one.
 */
export async function loadVehicleCatalog(database: Database, logger: Logger): Promise<void> {
  const version = catalogFileVersion();
  if (version && (await catalogIsLoaded(database.db, version))) return;
  const catalog = await loadCatalog(database.db, parseCatalogFile());
  if (catalog.loaded) logger.info({ version: catalog.version, ms: catalog.ms }, 'vehicle catalog loaded');
}

// The embedded database's template (storage/pglite.ts) holds the vehicle catalog too, so a new
// database, a first start's or a test server's, starts with it in: loading it took 0.2-0.8 s of
// every start. The start still checks its version (loadVehicleCatalog), which is then one query.
const catalogSeed: TemplateSeed = {
  key: () => `catalog ${crypto.createHash('sha256').update(fs.readFileSync(catalogFile)).digest('hex').slice(0, 16)}`,
  run: async (db) => {
    await loadCatalog(db, parseCatalogFile());
  },
};

/** The template a new embedded database is copied from, the catalog in (start.ts, scripts/build-server.mjs through cli.ts). */
export const ensureEmbeddedTemplate = () => ensurePgliteTemplate(catalogSeed);

/** The template and its tarball for `memory://` databases.
 * @public scripts/test.mjs calls it by name (in an `-e` string knip cannot read). */
export const ensureEmbeddedMemoryImage = () => ensurePgliteMemoryImage(catalogSeed);
