import cluster, { type Worker } from 'node:cluster';
import { publicBaseUrl, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { loadVehicleCatalog } from './app.ts';
import { migrate, openDb } from './storage/db.ts';
import { banner, createDemoIfEmpty, dashboardSignIn, demoBanner, type SignInHint } from './start.ts';

// `motors start --processes N`: node:cluster. The primary serves nothing itself: it migrates, loads
// the catalog and creates a first start's demo data once, then forks N server processes (start.ts,
// as cluster workers) that share the port; the kernel hands connections to them in turn. Every
// process runs its own webhook loop: deliveries are claimed with FOR UPDATE SKIP LOCKED and leased,
// the same queue `motors worker` processes share, and pruning is idempotent. A process that dies is
// replaced; SIGTERM (or SIGINT) stops them all, each finishing its in-flight requests.

export async function runPrimary(config: Config, processes: number): Promise<void> {
  if (!config.DATABASE_URL) {
    console.error(
      `--processes ${processes} needs DATABASE_URL (PostgreSQL): the embedded database can be opened by one process only. ` + 'Set DATABASE_URL=postgres://… to run several processes, or start one.',
    );
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.REDIS_URL) {
    logger.warn(`REDIS_URL is not set: each of the ${processes} processes counts rate limits on its own, so a key can make up to ${processes}× its limit. ` + 'Set REDIS_URL to share one budget.');
  }

  const database = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  let demo: { key: string } | undefined;
  let signIn: SignInHint = 'demo';
  try {
    await migrate(database);
    await loadVehicleCatalog(database, logger);
    demo = await createDemoIfEmpty(database.db, publicBaseUrl(config));
    if (!demo) signIn = await dashboardSignIn(database.db);
  } finally {
    await database.close();
  }

  let stopping = false;
  let stoppedCleanly = true;
  let announced = false;
  const listening = new Set<number>();
  const startedAt = new Map<number, number>();
  // Counted here, not read from cluster.workers: Node removes an exited worker from that list only
  // once its IPC channel is gone too, which may come after the 'exit' event.
  let alive = 0;
  const fork = () => {
    if (stopping) return; // a restart timer firing during shutdown
    alive++;
    startedAt.set(cluster.fork().id, Date.now());
  };

  cluster.on('listening', (worker: Worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < processes) return;
    announced = true;
    console.log(banner(config, { port: address.port, driver: 'postgres', processes, firstStart: demo !== undefined, signIn }));
    if (demo) console.log(demoBanner(config, address.port, demo));
  });
  cluster.on('exit', (worker, code, signal) => {
    alive--;
    listening.delete(worker.id);
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (code !== 0) stoppedCleanly = false;
      if (alive === 0) process.exit(stoppedCleanly ? 0 : 1);
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal }, 'server process exited; starting another');
    // One that dies at once (a bad port, the database gone) is retried after a pause, not in a loop.
    setTimeout(fork, lived < 5_000 ? 1_000 : 0);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down all processes');
    const workers = Object.values(cluster.workers ?? {});
    if (alive === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
    // Each process stops within its own 15 s; past that, give up on the stragglers.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, 20_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < processes; i++) fork();
}
