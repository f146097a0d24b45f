import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createApp } from './app.ts';
import { countTenants } from './core/tenants.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from './core/demo.ts';
import { DataDirLockedError } from './storage/db.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let app;
  try {
    app = await createApp(config, logger);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  // Listen first: /healthz answers while a first start is still creating the demo dealership.
  await app.server.listen({ port: config.PORT, host: config.HOST });
  const firstStart = (await countTenants(app.database.db)) === 0;
  const demo = firstStart ? await createDemoTenant(app.database.db) : undefined;
  await app.webhooks.start();
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = config.PUBLIC_URL ?? `http://localhost:${port}`;

  const lines = [
    '',
    `  Motors CRM is running on ${base}  (${app.database.driver === 'pglite' ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL'})`,
    `  API reference:  ${base}/docs   OpenAPI: ${base}/openapi.json`,
    `  Dashboard:      ${base}/dashboard   sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
  ];
  if (demo) {
    lines.push(
      `  Test API key (shown once, keep it): ${demo.key}`,
      `  Try it:`,
      `    curl -H 'X-API-Key: ${demo.key}' '${base}/api/public/v1/customers?limit=2'`,
    );
  } else {
    lines.push(`  New API key:    npx motors keys create --tenant <id> --env test   (tenants: npx motors tenant list)`);
  }
  console.log(lines.join('\n') + '\n');

  // Graceful shutdown: stop accepting, finish in-flight requests and deliveries, close the database.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
