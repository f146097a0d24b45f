import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, publicBaseUrl } from './config.ts';
import { migrate, openDb, type Database } from './storage/db.ts';
import { DataDirLockedError } from './storage/data-dir-lock.ts';
import { createTenant, createUser, getTenant, type Role } from './core/tenants.ts';
import { createPasswordReset, generatePassword, listStaffUsers, RESET_MINUTES } from './core/staff-users.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './core/api-keys.ts';
import { createIntakeToken, listIntakeTokens, revokeIntakeToken } from './core/intake-tokens.ts';
import { seedDemo } from './core/demo.ts';
import { loadCatalog } from './core/catalog-load.ts';
import { AppError } from './core/errors.ts';
import { tenants } from './storage/schema/index.ts';
import type { Environment } from './core/context.ts';
import { createLogger } from './logger.ts';
import { createWebhookWorker, webhookSettingsFrom } from './worker/webhook-worker.ts';

const USAGE = `Usage: motors <command>

  start [--processes N]                               run the server (N > 1: N processes sharing the port; needs DATABASE_URL)
  migrate                                             apply database migrations
  tenant create --name NAME [--json]                  create a dealership (tenant)
  tenant list [--json]                                list tenants
  keys create --tenant ID --env live|test [--scopes a:read,b:write|*] [--name NAME] [--rate-limit N] [--json]
                                                      create an API key (printed once)
  keys list --tenant ID [--json]                      list a tenant's keys
  keys revoke ID --tenant ID                          revoke one of the tenant's keys
  intake-tokens create --tenant ID --env live|test [--name NAME] [--json]
                                                      create an ADF lead intake address (printed once)
  intake-tokens list --tenant ID [--json]             list a tenant's intake addresses
  intake-tokens revoke ID                             revoke an intake address
  users create --tenant ID --email E [--role owner|admin|member] [--name NAME] [--json]
                                                      create a dashboard sign-in (password asked for, or generated and printed once)
  users list --tenant ID [--json]                     list a tenant's staff users
  users reset --email E [--json]                      print a single-use password reset link (valid 60 minutes)
  seed demo --tenant ID [--env live|test]             add realistic demo data
  import customers|motors|inventoryItems FILE.csv --tenant ID [--env live|test] [--map "Header=field" …] [--dry-run] [--report PATH] [--json]
                                                      import a CSV: every row validated first, then the valid rows
                                                      created or updated by email / VIN / SKU; rejected rows go to
                                                      FILE.rejected.csv (exit code 3 when any row was rejected)
  worker                                              deliver webhooks until stopped (needs DATABASE_URL)

Uses the same environment as the server: DATABASE_URL (PostgreSQL) or DATA_DIR (embedded, default ./data).`;

class UsageError extends Error {}

// For scripts/build-server.mjs, which prepares the embedded database's template after compiling.
export { ensureEmbeddedTemplate } from './app.ts';

function usage(message?: string): never {
  throw new UsageError(message ? `${message}\n\n${USAGE}` : USAGE);
}

const options = {
  name: { type: 'string' },
  json: { type: 'boolean' },
  tenant: { type: 'string' },
  env: { type: 'string' },
  scopes: { type: 'string' },
  'rate-limit': { type: 'string' },
  processes: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  map: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  report: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function withDb<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}

function requireEnv(value: string | undefined): Environment {
  if (value !== 'live' && value !== 'test') usage('--env must be live or test');
  return value;
}

async function requireTenant(database: Database, id: string | undefined) {
  if (!id) usage('--tenant ID is required');
  const tenant = await getTenant(database.db, id);
  if (!tenant) throw new AppError('not_found', `No tenant with id ${id} (list them with: motors tenant list)`);
  return tenant;
}

const print = (json: boolean | undefined, value: unknown, text: string) => console.log(json ? JSON.stringify(value) : text);

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    usage((err as Error).message);
  }
  const { values: v, positionals: p } = parsed;
  if (v.help || p.length === 0) usage();
  const command = p.slice(0, 2).join(' ');

  switch (['migrate', 'worker', 'start', 'import'].includes(p[0]) ? p[0] : command) {
    case 'start': {
      // Loaded only here: the other commands need no HTTP server.
      const { start, startArgs } = await import('./start.ts');
      await start(startArgs(v.processes === undefined ? [] : ['--processes', v.processes]));
      return 0;
    }
    case 'worker':
      return runWorker();
    case 'migrate':
      // The vehicle catalog is part of a ready database: writes that link motors to it need it.
      await withDb((d) => loadCatalog(d.db));
      console.log('Migrations applied; vehicle catalog loaded.');
      return 0;
    case 'tenant create': {
      if (!v.name) usage('--name is required');
      const tenant = await withDb((d) => createTenant(d.db, { name: v.name! }));
      print(v.json, { id: tenant.id, name: tenant.name }, `Created tenant ${tenant.name}: ${tenant.id}`);
      return 0;
    }
    case 'tenant list': {
      const rows = await withDb((d) => d.db.select().from(tenants).orderBy(tenants.createdAt));
      const list = rows.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt.toISOString() }));
      print(v.json, list, list.map((t) => `${t.id}  ${t.name}`).join('\n') || 'No tenants yet.');
      return 0;
    }
    case 'keys create': {
      const environment = requireEnv(v.env);
      const scopes = v.scopes
        ? v.scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : ['*'];
      const rateLimit = v['rate-limit'] === undefined ? undefined : Number(v['rate-limit']);
      if (rateLimit !== undefined && (!Number.isInteger(rateLimit) || rateLimit < 1)) usage('--rate-limit must be a positive whole number');
      const key = await withDb(async (d) => {
        const tenant = await requireTenant(d, v.tenant);
        return createApiKey(d.db, { tenantId: tenant.id, environment, scopes, name: v.name, rateLimit });
      });
      print(
        v.json,
        { id: key.id, key: key.key, environment: key.environment, scopes: key.scopes, name: key.name },
        `Created ${key.environment} key "${key.name}" (${key.id}) with scopes ${key.scopes.join(',')}.\nKey (shown once, store it now):\n${key.key}`,
      );
      return 0;
    }
    case 'keys list': {
      const keys = await withDb(async (d) => listApiKeys(d.db, (await requireTenant(d, v.tenant)).id));
      print(v.json, keys, keys.map((k) => `${k.id}  ${k.prefix}…${k.last4}  ${k.environment}  ${k.revokedAt ? 'revoked' : 'active'}  ${k.name}  [${k.scopes.join(',')}]`).join('\n') || 'No keys.');
      return 0;
    }
    case 'keys revoke': {
      const id = p[2];
      if (!id) usage('keys revoke needs the key id');
      const key = await withDb(async (d) => revokeApiKey(d.db, (await requireTenant(d, v.tenant)).id, id));
      print(v.json, key, `Revoked key ${key.id} (${key.prefix}…${key.last4}).`);
      return 0;
    }
    case 'intake-tokens create': {
      const environment = requireEnv(v.env);
      const config = loadConfig();
      const token = await withDb(async (d) => createIntakeToken(d.db, { tenantId: (await requireTenant(d, v.tenant)).id, environment, name: v.name }));
      const email = config.SMTP_PORT === undefined ? null : `${token.token}@${config.SMTP_DOMAIN}`;
      const url = `${publicBaseUrl(config)}/intake/adf/${token.token}`;
      print(
        v.json,
        { ...token, url, email },
        `Created ${token.environment} intake address "${token.name}" (${token.id}).\nGive the lead provider (shown once):\n  POST ${url}${email ? `\n  e-mail ${email}` : ''}`,
      );
      return 0;
    }
    case 'intake-tokens list': {
      const tokens = await withDb(async (d) => listIntakeTokens(d.db, (await requireTenant(d, v.tenant)).id));
      print(v.json, tokens, tokens.map((t) => `${t.id}  ${t.prefix}…  ${t.environment}  ${t.revokedAt ? 'revoked' : 'active'}  ${t.name}`).join('\n') || 'No intake addresses.');
      return 0;
    }
    case 'intake-tokens revoke': {
      const id = p[2];
      if (!id) usage('intake-tokens revoke needs the token id');
      const token = await withDb((d) => revokeIntakeToken(d.db, id));
      print(v.json, token, `Revoked intake address ${token.id} (${token.prefix}…).`);
      return 0;
    }
    case 'users create': {
      if (!v.email) usage('--email is required');
      const role = (v.role ?? 'owner') as Role;
      if (!['owner', 'admin', 'member'].includes(role)) usage('--role must be owner, admin or member');
      const asked = process.stdin.isTTY && !v.json ? await askPassword(`Password for ${v.email} (at least 8 characters, empty to generate one): `) : '';
      const password = asked || generatePassword();
      const user = await withDb(async (d) => {
        const tenant = await requireTenant(d, v.tenant);
        return createUser(d.db, { tenantId: tenant.id, email: v.email!, name: v.name ?? v.email!.split('@')[0], role, password });
      });
      const shown = asked ? '' : `\nPassword (shown once, give it to them or change it after signing in):\n${password}`;
      print(v.json, { ...user, ...(asked ? {} : { password }) }, `Created ${user.role} ${user.email} (${user.id}).${shown}`);
      return 0;
    }
    case 'users list': {
      const list = await withDb(async (d) => listStaffUsers(d.db, (await requireTenant(d, v.tenant)).id));
      print(v.json, list, list.map((u) => `${u.id}  ${u.role.padEnd(6)}  ${u.email}  ${u.name}`).join('\n') || 'No staff users: add one with motors users create.');
      return 0;
    }
    case 'users reset': {
      if (!v.email) usage('--email is required');
      const config = loadConfig();
      const reset = await withDb((d) => createPasswordReset(d.db, v.email!));
      if (!reset) throw new AppError('not_found', `No staff user with email ${v.email} (list them with: motors users list --tenant ID)`);
      const url = `${publicBaseUrl(config)}/dashboard/reset/${reset.token}`;
      print(v.json, { email: reset.email, url, expiresAt: reset.expiresAt.toISOString() }, `Password reset link for ${reset.email} (works once, for ${RESET_MINUTES} minutes):\n${url}`);
      return 0;
    }
    case 'seed demo': {
      const environment = v.env ? requireEnv(v.env) : 'test';
      const result = await withDb(async (d) => {
        const tenant = await requireTenant(d, v.tenant);
        // Demo motors are linked to the catalog as they are written: it must be there first
        // (on a database no server has started on, nothing else has loaded it).
        await loadCatalog(d.db);
        return d.db.transaction((tx) =>
          seedDemo({ tenantId: tenant.id, environment, scopes: ['*'], actor: { type: 'system', id: 'cli' }, requestId: 'cli', db: tx }, { publicUrl: publicBaseUrl(loadConfig()) }),
        );
      });
      print(
        v.json,
        result,
        `Seeded ${environment} data: ${Object.entries(result)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}.`,
      );
      return 0;
    }
    case 'import': {
      const [, collection, file] = p;
      const { importFile, isImportCollection } = await import('./cli-import.ts');
      if (!collection || !isImportCollection(collection)) usage('import needs the collection: customers, motors or inventoryItems');
      if (!file) usage('import needs the CSV file');
      if (!fs.existsSync(file)) throw new AppError('not_found', `No such file: ${file}`);
      const environment = v.env ? requireEnv(v.env) : 'test';
      return withDb(async (d) => {
        const tenant = await requireTenant(d, v.tenant);
        // Motors are linked to the vehicle catalog as they are written, as `seed demo` needs it too.
        if (collection === 'motors') await loadCatalog(d.db);
        return importFile(d, { tenantId: tenant.id, environment, collection, file, maps: v.map ?? [], dryRun: v['dry-run'] === true, report: v.report, json: v.json });
      });
    }
    default:
      usage(`Unknown command: ${p.join(' ')}`);
  }
}

// Reads a password from the terminal without echoing it.
async function askPassword(prompt: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  process.stdout.write(prompt);
  out._writeToOutput = () => {};
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

// A worker process beside the servers, on the same PostgreSQL queue; as many as needed.
async function runWorker(): Promise<number> {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    console.error(
      'motors worker needs DATABASE_URL (PostgreSQL): the embedded database can be opened by one process only, ' +
        'and `npm start` already runs a webhook worker inside the server. Set DATABASE_URL=postgres://… to run separate workers.',
    );
    return 1;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 8 });
  await migrate(database);
  const worker = createWebhookWorker({ database, logger, settings: webhookSettingsFrom(config) });
  await worker.start();
  console.log(`Webhook worker ${worker.id} running; stop with Ctrl-C (in-flight deliveries finish first).`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await worker.stop();
  await database.close();
  return 0;
}

export async function main(argv = process.argv.slice(2)) {
  try {
    process.exitCode = await run(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exitCode = 2;
    } else if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof AppError) {
      console.error(err.message);
      process.exitCode = 1;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  }
}
