import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { migrate, openDb, type Database } from './storage/db.ts';
import { loadCatalog } from './core/catalog.ts';
import { buildServer } from './http/server.ts';
import { signingSecret } from './core/secrets.ts';
import { createRequestLogWriter } from './core/request-log.ts';
import { createRateLimiter, type RateLimiter } from './http/platform/rate-limit.ts';
import { createWebhookWorker, webhookSettingsFrom, type WebhookWorker } from './worker/webhook-worker.ts';

export type App = {
  config: Config;
  database: Database;
  server: FastifyInstance;
  rateLimiter: RateLimiter;
  /** Not running until started: main.ts starts it after listen; tests start it when they need it. */
  webhooks: WebhookWorker;
  close(): Promise<void>;
};

// The composition root: config → database → HTTP. main.ts and the tests both start here.
export async function createApp(config: Config, logger: Logger): Promise<App> {
  const database = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(database);
    const catalog = await loadCatalog(database.db);
    if (catalog.loaded) logger.info({ version: catalog.version, ms: catalog.ms }, 'vehicle catalog loaded');
  } catch (err) {
    await database.close();
    throw err;
  }
  const rateLimiter = createRateLimiter({ redisUrl: config.REDIS_URL, logger });
  await rateLimiter.ready();
  const secret = new TextEncoder().encode(await signingSecret(database.db, config.MOTORS_SECRET));
  const requestLog = createRequestLogWriter(database.db, (err) => logger.warn({ err }, 'request log write failed'));
  const server = await buildServer({ database, rateLimiter, logger, defaultRateLimit: config.RATE_LIMIT_PER_MINUTE, secret, requestLog, strictResponses: config.NODE_ENV === 'test' });
  const webhookSettings = webhookSettingsFrom(config);
  server.decorate('webhookSettings', webhookSettings);
  const webhooks = createWebhookWorker({ database, logger, settings: webhookSettings });
  let closed = false;
  return {
    config,
    database,
    server,
    rateLimiter,
    webhooks,
    async close() {
      if (closed) return;
      closed = true;
      await server.close(); // stops accepting, finishes in-flight requests
      await webhooks.stop(); // finishes in-flight deliveries
      await requestLog.close();
      await rateLimiter.close();
      await database.close();
    },
  };
}
