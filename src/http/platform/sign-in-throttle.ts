import { AppError } from '../../core/errors.ts';
import type { FailureCounter, RateLimiter } from './rate-limit.ts';

// The one sign-in throttling policy, for staff (dashboard) and shoppers (Storefront API) alike,
// following OWASP's Authentication Cheat Sheet: the budget is per (email, client address), so a
// stranger who guesses wrong ten times locks out only their own address, not the person, and a
// larger per-email ceiling stops a guesser who rotates addresses. Shoppers also have a
// per-address ceiling against one address spraying many emails, and their budgets are per dealer
// (as the storefront's rate limits are): one website's shoppers never lock out another's. The
// client address is `req.ip`, which honours X-Forwarded-For only from the proxies in TRUST_PROXY.
//
// An attempt is reserved before the password is verified (an atomic increment where the counter
// lives: memory, or Redis shared by every process), so a burst of concurrent guesses verifies no
// more than the budget; an attempt that proves the password right is refunded.
export const SIGN_IN_POLICY = {
  perEmailAndAddress: 10,
  perEmail: 100,
  /** Shoppers only: staff sign in at one address per office, which must not be lockable as a whole. */
  perAddress: 100,
  windowSeconds: 15 * 60,
} as const;

export type SignInAttempt = {
  /** The password was right: the attempt is refunded and the (email, address) budget starts over. */
  succeeded(): Promise<void>;
};

export type SignInThrottle = {
  /** Reserves one attempt for this email from this address, or throws 429 `rate_limited`. `scope`: the dealer, for shoppers. */
  reserve(input: { scope?: string; email: string; address: string }): Promise<SignInAttempt>;
};

export function signInThrottle(rateLimiter: RateLimiter, realm: 'staff' | 'shopper'): SignInThrottle {
  const { perEmailAndAddress, perEmail, perAddress, windowSeconds } = SIGN_IN_POLICY;
  const pair = rateLimiter.failures(`${realm}-signin-pair`, perEmailAndAddress, windowSeconds);
  const email = rateLimiter.failures(`${realm}-signin-email`, perEmail, windowSeconds);
  const address = realm === 'shopper' ? rateLimiter.failures(`${realm}-signin-address`, perAddress, windowSeconds) : undefined;

  return {
    async reserve(input) {
      const scope = input.scope ? `${input.scope} ` : '';
      const e = input.email.trim().toLowerCase();
      const budgets: [FailureCounter, string][] = [
        [pair, `${scope}${e} ${input.address}`],
        [email, `${scope}${e}`],
        ...(address ? [[address, `${scope}${input.address}`] as [FailureCounter, string]] : []),
      ];
      const taken: [FailureCounter, string][] = [];
      for (const [counter, key] of budgets) {
        const state = await counter.reserve(key);
        if (!state.allowed) {
          // Only attempts that reach the password check count: a refused one gives back what it
          // took from the budgets before, which would otherwise fill up while the guesser is held off.
          await Promise.all(taken.map(([c, k]) => c.refund(k)));
          throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${state.retryAfter} s`, { headers: { 'retry-after': String(state.retryAfter) } });
        }
        taken.push([counter, key]);
      }
      return {
        async succeeded() {
          const [[, pairKey], ...ceilings] = budgets;
          await Promise.all([pair.reset(pairKey), ...ceilings.map(([c, k]) => c.refund(k))]);
        },
      };
    },
  };
}
