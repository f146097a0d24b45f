import { z } from 'zod';

// The one place that reads process.env. Everything else receives a Config.
const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

// TRUST_PROXY, as Fastify's trustProxy takes it: `true` (trust every hop: only behind a proxy that
// overwrites X-Forwarded-For), a hop count, or proxy addresses / CIDRs / proxy-addr's names
// (loopback, linklocal, uniquelocal), comma-separated. Off by default: X-Forwarded-For and
// X-Forwarded-Proto are then ignored, so a client cannot choose its own address for throttling.
const proxyAddress = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6(), z.enum(['loopback', 'linklocal', 'uniquelocal'])]);
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): boolean | number | string[] => {
    if (v === 'true') return true;
    if (v === 'false' || v === '0') return false;
    if (/^\d+$/.test(v)) return Number(v);
    const list = v.split(',').map((s) => s.trim());
    const bad = list.find((a) => !proxyAddress.safeParse(a).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `must be true, false, a hop count or comma-separated proxy addresses/CIDRs; "${bad}" is none of these` });
      return z.NEVER;
    }
    return list;
  });

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_RETRY_DELAYS: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'must be comma-separated seconds, e.g. 5,300,1800')
    .default('5,300,1800,7200,18000,36000,36000')
    .transform((s) => s.split(',').map(Number)),
  WEBHOOK_ALLOW_PRIVATE: booleanString.optional(),
  WEBHOOK_RETENTION_DAYS: z.coerce.number().positive().default(30),
  WEBHOOK_LEASE_SECONDS: z.coerce.number().positive().default(30),
  /** Days the event log (GET /events, the outbox) and the request log are kept; the webhook worker prunes them. */
  EVENT_RETENTION_DAYS: z.coerce.number().positive().default(30),
  MOTORS_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  PUBLIC_URL: z.string().url().optional(),
  TRUST_PROXY: trustProxy.default(false),
  /** Server processes sharing the port (`motors start --processes N` overrides it); more than 1 needs DATABASE_URL. */
  MOTORS_PROCESSES: z.coerce.number().int().min(1).default(1),
  /** ADF lead intake by e-mail: an SMTP listener in the server process, off unless set (0 = any free port, for tests). */
  SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Intake addresses are <token>@SMTP_DOMAIN; mail for any other domain is refused. */
  SMTP_DOMAIN: z
    .string()
    .min(1)
    .default('localhost')
    .transform((d) => d.toLowerCase()),
  /** Outgoing mail (ADF forwarding by e-mail): smtp://[user:pass@]host:port, or smtps:// for TLS from the start. Off when unset. */
  SMTP_RELAY_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must be smtp://host:port or smtps://host:port')
    .optional(),
  /** The From address of forwarded mail; default leads@SMTP_DOMAIN. */
  SMTP_RELAY_FROM: z.email().optional(),
});

export type Config = Omit<z.output<typeof configSchema>, 'WEBHOOK_ALLOW_PRIVATE'> & { WEBHOOK_ALLOW_PRIVATE: boolean };

export class ConfigError extends Error {}

/**
 * The server's public address, without a trailing slash: PUBLIC_URL, else http://localhost:<port>.
 * Links that leave the server (reset and intake links, the banner) and the demo's photo URLs use it.
 */
export const publicBaseUrl = (config: Pick<Config, 'PUBLIC_URL' | 'PORT'>, port: number = config.PORT): string => (config.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, so `DATABASE_URL= npm start` means "embedded".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(`Invalid configuration: ${name}=${JSON.stringify(cleaned[name])} ${issue.message}`);
  }
  const c = parsed.data;
  return { ...c, WEBHOOK_ALLOW_PRIVATE: c.WEBHOOK_ALLOW_PRIVATE ?? c.NODE_ENV !== 'production' };
}
