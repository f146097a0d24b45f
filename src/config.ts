import { z } from 'zod';

// The one place that reads process.env. Everything else receives a Config.
const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
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
  MOTORS_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  PUBLIC_URL: z.string().url().optional(),
  /** Server processes sharing the port (`motors start --processes N` overrides it); more than 1 needs DATABASE_URL. */
  MOTORS_PROCESSES: z.coerce.number().int().min(1).default(1),
});

export type Config = Omit<z.output<typeof configSchema>, 'WEBHOOK_ALLOW_PRIVATE'> & { WEBHOOK_ALLOW_PRIVATE: boolean };

export class ConfigError extends Error {}

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
