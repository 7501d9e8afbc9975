/**
 * The retry policy, as data with documented defaults and an escape hatch (`shouldRetry`), and the pure functions
 * that apply it. The transport asks {@link decideRetry} after every attempt; nothing here sleeps or reads a clock.
 *
 * Rules (defaults):
 * - At most `maxAttempts` = 3 attempts per call (2 retries), and never past the call's deadline.
 * - Network errors, attempt timeouts and 500/502/503/504 are retried only for requests marked `retryable`
 *   (GETs, token requests): a POST that may have reached Okta is not sent twice.
 * - Between those retries: exponential backoff with full jitter, `random × min(maxDelayMs, baseDelayMs × 2^(n−1))`.
 * - 429 is retried for any request (Okta processed nothing): the wait is `X-Rate-Limit-Reset − Date` (the server's
 *   clock, as Okta's SDKs measure it; the local clock only when `Date` is missing) plus up to `jitterMs` of jitter,
 *   and only when that fits in `maxWaitMs`, the deadline and the attempts. Otherwise the caller gets the 429 and
 *   raises `RateLimitError`.
 */
import type { Random } from '../deps.js';
import type { HttpResponse } from './types.js';
import type { RateLimitInfo } from './rate-limit.js';

/** What happened on one attempt, as the policy sees it. */
export type AttemptOutcome =
  | {
      kind: 'response';
      status: number;
      rateLimit?: RateLimitInfo | undefined;
      response?: HttpResponse | undefined;
    }
  | { kind: 'network'; error: unknown }
  | { kind: 'timeout'; error: unknown };

/** Everything `shouldRetry` is told about an attempt. */
export interface RetryContext {
  /** The attempt that just finished (1-based). */
  attempt: number;
  /** The call's operation name, e.g. `users.get`. */
  operation: string;
  /** Whether the request is safe to repeat after a failure that may have reached the server. */
  retryable: boolean;
  outcome: AttemptOutcome;
}

/** The retry policy. Every field has a default; see {@link DEFAULT_RETRY_POLICY}. */
export interface RetryPolicy {
  /** Attempts per call, the first included. 1 disables retries. Default 3. */
  maxAttempts: number;
  /** First backoff step in ms. Default 100. */
  baseDelayMs: number;
  /** Largest backoff step in ms. Default 5000. */
  maxDelayMs: number;
  /** Which failures are retried (for `retryable` requests only). */
  retryOn: {
    /** Connection refused/reset, DNS, TLS, truncated body. Default true. */
    network: boolean;
    /** An attempt ran past its timeout. Default true. */
    timeout: boolean;
    /** Response statuses retried. Default [500, 502, 503, 504]. */
    statuses: readonly number[];
  };
  rateLimit: {
    /** Wait for `X-Rate-Limit-Reset` and retry a 429. Default true; false gives the 429 straight back. */
    honorReset: boolean;
    /**
     * The longest wait for a reset accepted (ms, jitter not counted); a later reset gives up at once. Default
     * 61 000: Okta's windows are 60 s, and `X-Rate-Limit-Reset` and `Date` have whole-second resolution.
     */
    maxWaitMs: number;
    /** Random extra wait added after the reset (ms), so that waiting clients do not all return at once. Default 1000. */
    jitterMs: number;
  };
  /**
   * Escape hatch: return true to retry, false to stop, undefined to apply the rules above. A forced retry of a
   * failure the rules would not retry waits the backoff delay. The deadline and `maxAttempts` still apply.
   */
  shouldRetry?: ((context: RetryContext) => boolean | undefined) | undefined;
}

/** Options accepted by the transport: `false` turns retries off, an object overrides some defaults. */
export type RetryOptions =
  | false
  | {
      maxAttempts?: number;
      baseDelayMs?: number;
      maxDelayMs?: number;
      retryOn?: Partial<RetryPolicy['retryOn']>;
      rateLimit?: Partial<RetryPolicy['rateLimit']>;
      shouldRetry?: RetryPolicy['shouldRetry'];
    };

/** The documented defaults. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 5000,
  retryOn: Object.freeze({ network: true, timeout: true, statuses: Object.freeze([500, 502, 503, 504]) }),
  rateLimit: Object.freeze({ honorReset: true, maxWaitMs: 61_000, jitterMs: 1000 }),
});

/**
 * Merge options over the defaults. `false` yields a policy with a single attempt.
 * @example
 * resolveRetryPolicy({ maxAttempts: 5, retryOn: { statuses: [503] } })
 */
export function resolveRetryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const d = DEFAULT_RETRY_POLICY;
  if (options === false) {
    return {
      ...d,
      maxAttempts: 1,
      retryOn: { ...d.retryOn },
      rateLimit: { ...d.rateLimit, honorReset: false },
    };
  }
  const o = options ?? {};
  const policy: RetryPolicy = {
    maxAttempts: o.maxAttempts ?? d.maxAttempts,
    baseDelayMs: o.baseDelayMs ?? d.baseDelayMs,
    maxDelayMs: o.maxDelayMs ?? d.maxDelayMs,
    retryOn: { ...d.retryOn, ...o.retryOn },
    rateLimit: { ...d.rateLimit, ...o.rateLimit },
  };
  if (o.shouldRetry !== undefined) policy.shouldRetry = o.shouldRetry;
  return policy;
}

/**
 * Check a policy's numbers; returns one message per problem (empty when valid), for the config validator.
 * @example
 * retryPolicyProblems(resolveRetryPolicy({ maxAttempts: 0 })) // ['maxAttempts must be an integer from 1 to 10 ...']
 */
export function retryPolicyProblems(policy: RetryPolicy): string[] {
  const problems: string[] = [];
  const intIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!intIn(policy.maxAttempts, 1, 10))
    problems.push('maxAttempts must be an integer from 1 to 10 (1 = no retries).');
  if (!(policy.baseDelayMs >= 0)) problems.push('baseDelayMs must be a number of milliseconds >= 0.');
  if (!(policy.maxDelayMs >= policy.baseDelayMs)) problems.push('maxDelayMs must be >= baseDelayMs.');
  if (!(policy.rateLimit.maxWaitMs >= 0)) problems.push('rateLimit.maxWaitMs must be >= 0.');
  if (!(policy.rateLimit.jitterMs >= 0)) problems.push('rateLimit.jitterMs must be >= 0.');
  if (!policy.retryOn.statuses.every((s) => intIn(s, 100, 599))) {
    problems.push('retryOn.statuses must list HTTP status codes (100-599).');
  }
  return problems;
}

/**
 * Backoff before retry number `attempt` (1 = the wait after the first attempt): full jitter,
 * `random() × min(maxDelayMs, baseDelayMs × 2^(attempt−1))`, rounded down to whole ms.
 * @example
 * nextDelay(DEFAULT_RETRY_POLICY, 3, () => 0.5) // 0.5 × min(5000, 100 × 4) = 200
 */
export function nextDelay(
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  attempt: number,
  random: Random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retrying a 429: `resetAt − serverNow` (the response's `Date`; `localNow` if `Date` was missing)
 * plus `random() × jitterMs`. `undefined` when the response carried no `X-Rate-Limit-Reset`.
 * @example
 * rateLimitWait({ limit: 600, remaining: 0, resetAt: 60_000, serverNow: 58_000 }, 0, 1000, () => 0.5) // 2500
 */
export function rateLimitWait(
  info: RateLimitInfo | undefined,
  localNow: number,
  jitterMs: number,
  random: Random,
): number | undefined {
  if (info?.resetAt === undefined) return undefined;
  const now = info.serverNow ?? localNow;
  return Math.max(0, info.resetAt - now) + Math.floor(random() * jitterMs);
}

/** The verdict on one attempt. `reason` names the failure class for metrics (`status-503`, `network`, `rate-limit`...). */
export type RetryDecision =
  { retry: true; delayMs: number; reason: string } | { retry: false; reason: string; detail: string };

/** The facts {@link decideRetry} needs besides the policy and the outcome. */
export interface RetryState {
  /** The attempt that just finished (1-based). */
  attempt: number;
  operation: string;
  retryable: boolean;
  /** Local clock now (ms). */
  now: number;
  /** When the call's overall deadline passes (ms, local clock). */
  deadlineAt: number;
  random: Random;
}

/**
 * Decide whether to retry after an attempt and how long to wait first. Pure: same inputs, same answer.
 * @example
 * decideRetry(DEFAULT_RETRY_POLICY, { kind: 'response', status: 503 },
 *   { attempt: 1, operation: 'users.get', retryable: true, now: 0, deadlineAt: 30_000, random: () => 1 })
 * // { retry: true, delayMs: 100, reason: 'status-503' }
 */
export function decideRetry(policy: RetryPolicy, outcome: AttemptOutcome, state: RetryState): RetryDecision {
  const reason = reasonOf(outcome);
  if (outcome.kind === 'response' && outcome.status < 400) return stop(reason, 'success');

  const verdict = policy.shouldRetry?.({
    attempt: state.attempt,
    operation: state.operation,
    retryable: state.retryable,
    outcome,
  });
  if (verdict === false) return stop(reason, 'shouldRetry returned false');
  if (state.attempt >= policy.maxAttempts)
    return stop(reason, `no attempts left (maxAttempts ${policy.maxAttempts})`);

  let delayMs: number | undefined;
  if (outcome.kind === 'response' && outcome.status === 429) {
    if (policy.rateLimit.honorReset) {
      const untilReset = rateLimitWait(outcome.rateLimit, state.now, 0, state.random);
      if (untilReset === undefined && verdict !== true) {
        return stop(reason, 'the 429 carried no X-Rate-Limit-Reset');
      }
      if (untilReset !== undefined) {
        if (untilReset > policy.rateLimit.maxWaitMs) {
          return stop(reason, `the rate limit resets in ${untilReset} ms, beyond rateLimit.maxWaitMs`);
        }
        delayMs = untilReset + Math.floor(state.random() * policy.rateLimit.jitterMs);
      }
    } else if (verdict !== true) {
      return stop(reason, 'rateLimit.honorReset is off');
    }
  } else if (verdict !== true) {
    if (!state.retryable) return stop(reason, 'the request is not retryable');
    const allowed =
      outcome.kind === 'network'
        ? policy.retryOn.network
        : outcome.kind === 'timeout'
          ? policy.retryOn.timeout
          : policy.retryOn.statuses.includes(outcome.status);
    if (!allowed) return stop(reason, 'the policy does not retry this failure');
  }
  delayMs ??= nextDelay(policy, state.attempt, state.random);
  if (state.now + delayMs >= state.deadlineAt) {
    return stop(reason, `waiting ${delayMs} ms would cross the deadline`);
  }
  return { retry: true, delayMs, reason };
}

function reasonOf(outcome: AttemptOutcome): string {
  if (outcome.kind !== 'response') return outcome.kind;
  return outcome.status === 429 ? 'rate-limit' : `status-${outcome.status}`;
}

function stop(reason: string, detail: string): RetryDecision {
  return { retry: false, reason, detail };
}
