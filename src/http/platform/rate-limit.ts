import type { Redis as RedisClient } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from 'pino';

export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetIn: number;
};

export type RateLimiter = {
  consume(bucket: string, limit: number): Promise<RateDecision>;
  /**
   * A budget of failures (e.g. sign-ins) over a longer window: `reserve` takes one attempt before
   * it is checked, `refund` gives it back when the attempt turned out right.
   */
  failures(name: string, points: number, windowSeconds: number): FailureCounter;
  /** Waits (up to a bound) for Redis at start-up, so the first requests are limited too. */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

const WINDOW_SECONDS = 60;

export type FailureCounter = {
  /**
   * Takes one attempt from the key's budget in one atomic step (the memory store's counter, or
   * INCR in Redis), so concurrent attempts can never pass more than the budget between a read and
   * a write. `allowed: false` once the budget is spent.
   */
  reserve(key: string): Promise<{ allowed: boolean; retryAfter: number }>;
  /** Gives back one reserved attempt (it succeeded, or another budget refused it). */
  refund(key: string): Promise<void>;
  reset(key: string): Promise<void>;
};

// Counters live in memory by default and in Redis when REDIS_URL is set, so every server process
// shares one budget per key. If Redis is unreachable requests are served (fail open) and a
// warning is logged; limiting resumes by itself when Redis answers again.
export async function createRateLimiter(opts: { redisUrl?: string; logger: Logger }): Promise<RateLimiter> {
  // Loaded only when configured: ioredis is ~9 MB of an idle server's memory (docs/benchmarks.md).
  const redis: RedisClient | undefined = opts.redisUrl
    ? new (await import('ioredis')).Redis(opts.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(200 * times, 2000),
      })
    : undefined;
  let lastWarning = 0;
  redis?.on('error', (err) => warn(`Redis unavailable for rate limiting: ${err.message}`));

  function warn(message: string) {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    opts.logger.warn(message + ' (serving requests without limits until it returns)');
  }

  // rate-limiter-flexible fixes `points` per instance, and keys may have their own limits.
  const limiters = new Map<number, RateLimiterAbstract>();
  function limiterFor(points: number): RateLimiterAbstract {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = redis ? new RateLimiterRedis({ storeClient: redis, points, duration: WINDOW_SECONDS, keyPrefix: `motors_rl_${points}` }) : new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
      limiters.set(points, limiter);
    }
    return limiter;
  }

  const failureCounters = new Map<string, FailureCounter>();
  function failures(name: string, points: number, windowSeconds: number): FailureCounter {
    const id = `${name}:${points}:${windowSeconds}`;
    const existing = failureCounters.get(id);
    if (existing) return existing;
    const limiter: RateLimiterAbstract = redis
      ? new RateLimiterRedis({ storeClient: redis, points, duration: windowSeconds, keyPrefix: `motors_fail_${name}` })
      : new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: `motors_fail_${name}` });
    const counter: FailureCounter = {
      async reserve(key) {
        try {
          await limiter.consume(key, 1);
        } catch (err) {
          if (err instanceof RateLimiterRes) return { allowed: false, retryAfter: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
          warn(`Rate limiter error: ${(err as Error).message}`);
        }
        return { allowed: true, retryAfter: 0 };
      },
      async refund(key) {
        await limiter.reward(key, 1).catch((err: Error) => warn(`Rate limiter error: ${err.message}`));
      },
      async reset(key) {
        await limiter.delete(key).catch((err: Error) => warn(`Rate limiter error: ${err.message}`));
      },
    };
    failureCounters.set(id, counter);
    return counter;
  }

  return {
    failures,
    async consume(bucket, limit) {
      try {
        const res = await limiterFor(limit).consume(bucket, 1);
        return { allowed: true, limit, remaining: res.remainingPoints, resetIn: Math.ceil(res.msBeforeNext / 1000) };
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          return { allowed: false, limit, remaining: 0, resetIn: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
        }
        warn(`Rate limiter error: ${(err as Error).message}`);
        return { allowed: true, limit, remaining: limit, resetIn: WINDOW_SECONDS };
      }
    },
    async ready(timeoutMs = 3000) {
      if (!redis || redis.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          warn('Redis is not reachable yet');
          resolve();
        }, timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      redis?.disconnect();
    },
  };
}

export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  const resetAt = Math.ceil(Date.now() / 1000) + d.resetIn;
  return {
    'x-ratelimit-limit': String(d.limit),
    'x-ratelimit-remaining': String(d.remaining),
    'x-ratelimit-reset': String(resetAt),
    // IETF draft-ietf-httpapi-ratelimit-headers: the policy and the current state.
    'ratelimit-policy': `"default";q=${d.limit};w=${WINDOW_SECONDS}`,
    ratelimit: `"default";r=${d.remaining};t=${d.resetIn}`,
  };
}
