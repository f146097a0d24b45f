// The fetch every SDK client sends through: retries 429 and 503 (and network failures) with
// exponential backoff and full jitter, waiting what the server's Retry-After says when it says.
// A POST keeps its Idempotency-Key across attempts, because the key is set on the Request once
// (middleware, per logical call) and every attempt sends a clone of that same Request.

export type RetryOptions = {
  /** Further attempts after the first (default 3; 0 turns retrying off). */
  retries?: number;
  /** First backoff when the server gives no Retry-After (default 500 ms), doubled per attempt. */
  baseDelayMs?: number;
  /** Longest wait between attempts (default 60 s). A Retry-After beyond it is not waited for: the 429/503 is returned. */
  maxDelayMs?: number;
  /** Replaceable for tests and schedulers; must resolve after `ms`. */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each wait: the attempt that failed (1-based), the wait, and the response (none on a network error). */
  onRetry?: (info: { attempt: number; delayMs: number; response?: Response; error?: unknown }) => void;
};

const RETRY_STATUSES = new Set([429, 503]);

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header == null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function retryingFetch(options: RetryOptions = {}, baseFetch: typeof fetch = globalThis.fetch): (input: Request) => Promise<Response> {
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
  return async (request: Request) => {
    for (let attempt = 1; ; attempt++) {
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1) * Math.random());
      let response: Response;
      try {
        response = await baseFetch(request.clone());
      } catch (error) {
        // Aborts are the caller's decision, never retried.
        if (attempt > retries || request.signal?.aborted) throw error;
        options.onRetry?.({ attempt, delayMs: backoff, error });
        await sleep(backoff);
        continue;
      }
      if (!RETRY_STATUSES.has(response.status) || attempt > retries) return response;
      const told = retryAfterMs(response.headers.get('retry-after'));
      if (told !== undefined && told > maxDelayMs) return response;
      const delayMs = told ?? backoff;
      // The body of a response we drop must be read or cancelled, or its connection stays busy.
      await response.body?.cancel().catch(() => {});
      options.onRetry?.({ attempt, delayMs, response });
      await sleep(delayMs);
    }
  };
}
