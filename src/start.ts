import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, publicBaseUrl, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { createApp, ensureEmbeddedTemplate, loadVehicleCatalog, type App } from './app.ts';
import { eq } from 'drizzle-orm';
import { countTenants, verifyPassword } from './core/tenants.ts';
import { users } from './storage/schema/index.ts';
import { createDemoTenant, DEMO_EMAIL, DEMO_PASSWORD } from './core/demo.ts';
import { DataDirLockedError } from './storage/data-dir-lock.ts';
import { hasPgliteDatabase } from './storage/pglite.ts';

// `npm start` / `motors start [--processes N]`: one server process, or (N > 1) a cluster primary
// that prepares the database once and forks N server processes sharing the port (cluster.ts).

/** Parses `start`'s own arguments; exits with status 2 on a bad one, as the CLI does. */
export function startArgs(argv: string[]): { processes?: number } {
  try {
    const { values } = parseArgs({ args: argv, options: { processes: { type: 'string' } }, strict: true });
    if (values.processes === undefined) return {};
    const processes = Number(values.processes);
    if (!Number.isInteger(processes) || processes < 1) throw new Error('--processes must be a whole number of 1 or more');
    return { processes };
  } catch (err) {
    console.error(`${(err as Error).message}\n\nUsage: motors start [--processes N]   (or MOTORS_PROCESSES=N)`);
    process.exit(2);
  }
}

export async function start(options: { processes?: number } = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (cluster.isWorker) return serve(config, 'cluster-worker');
  const processes = options.processes ?? config.MOTORS_PROCESSES;
  if (processes > 1) {
    const { runPrimary } = await import('./cluster.ts');
    return runPrimary(config, processes);
  }
  return serve(config, 'single');
}

/**
 * One server process. Alone, it listens as soon as the database is open and migrated, so /healthz
 * answers at once; the catalog and a first start's demo data follow, and /readyz answers 503
 * until they are in. A cluster worker skips those: its primary has done them.
 */
async function serve(config: Config, role: 'single' | 'cluster-worker'): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const alone = role === 'single';
  let app: App;
  try {
    // A new embedded database is copied from the template (made here the first time, by `npm test`
    // or `npm run build:server`; remade here when
    // PGlite or the migrations changed). Only worth it for a new data directory, and never fatal:
    // without it PGlite runs initdb (a read-only dist/, say).
    const newEmbedded = !config.DATABASE_URL && !config.DATA_DIR.startsWith('memory://') && !hasPgliteDatabase(config.DATA_DIR);
    if (newEmbedded) await ensureEmbeddedTemplate().catch((err: Error) => logger.warn({ err }, 'could not make the embedded database template; running initdb'));
    app = await createApp(config, logger, { migrate: alone, loadCatalog: false });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  await app.server.listen({ port: config.PORT, host: config.HOST });

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

  try {
    if (alone) {
      const firstStart = (await countTenants(app.database.db)) === 0;
      const address = app.server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      const signIn = firstStart ? 'demo' : await dashboardSignIn(app.database.db);
      console.log(banner(config, { port, driver: app.database.driver, processes: 1, firstStart, signIn }));
      await loadVehicleCatalog(app.database, logger);
      if (firstStart) console.log(demoBanner(config, port, await createDemoTenant(app.database.db, { publicUrl: baseUrl(config, port) })));
    }
    await app.webhooks.start();
    app.ready = true;
  } catch (err) {
    if (stopping) return; // stopped while still starting: the database closed under the work
    throw err;
  }
}

/** First start on an empty database: the demo dealership. Run once, by the process that migrated. */
export async function createDemoIfEmpty(db: App['database']['db'], publicUrl: string): Promise<{ key: string } | undefined> {
  return (await countTenants(db)) === 0 ? createDemoTenant(db, { publicUrl }) : undefined;
}

const baseUrl = (config: Config, port: number) => publicBaseUrl(config, port);

/**
 * What the banner may say about signing in to the dashboard, checked against the database: the
 * demo owner's password only while that account still has it; a hint to create a user when
 * there is none (a database whose tenants were made with the CLI).
 */
export async function dashboardSignIn(db: App['database']['db']): Promise<SignInHint> {
  const [demo] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, DEMO_EMAIL)).limit(1);
  if (demo && (await verifyPassword(demo.hash, DEMO_PASSWORD))) return 'demo';
  const [anyone] = await db.select({ id: users.id }).from(users).limit(1);
  return anyone ? 'users' : 'nobody';
}
export type SignInHint = 'demo' | 'users' | 'nobody';

const signInLine: Record<SignInHint, string> = {
  demo: `sign in as ${DEMO_EMAIL} / ${DEMO_PASSWORD}`,
  users: 'sign in with your staff account (forgot it? npx motors users reset --email …)',
  nobody: 'no staff user yet: npx motors users create --tenant <id> --email you@example.com',
};

export function banner(config: Config, s: { port: number; driver: 'pglite' | 'postgres'; processes: number; firstStart: boolean; signIn: SignInHint }): string {
  const base = baseUrl(config, s.port);
  const where = s.driver === 'pglite' ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL';
  const lines = [
    '',
    `  Motors CRM is running on ${base}  (${where}${s.processes > 1 ? `, ${s.processes} processes` : ''})`,
    `  API reference:  ${base}/docs   OpenAPI: ${base}/openapi.json`,
    `  Dashboard:      ${base}/dashboard   ${signInLine[s.signIn]}`,
  ];
  if (s.firstStart) lines.push('  First start: creating the demo dealership…');
  else lines.push(`  New API key:    npx motors keys create --tenant <id> --env test   (tenants: npx motors tenant list)`);
  return lines.join('\n') + '\n';
}

export function demoBanner(config: Config, port: number, demo: { key: string }): string {
  const base = baseUrl(config, port);
  return [`  Test API key (shown once, keep it): ${demo.key}`, `  Try it:`, `    curl -H 'X-API-Key: ${demo.key}' '${base}/api/public/v1/customers?limit=2'`, ''].join('\n');
}
