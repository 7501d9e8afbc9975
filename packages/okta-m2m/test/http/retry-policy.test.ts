import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RateLimitInfo } from '../../src/http/rate-limit.js';
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  nextDelay,
  rateLimitWait,
  resolveRetryPolicy,
  retryPolicyProblems,
  type AttemptOutcome,
  type RetryState,
} from '../../src/http/retry-policy.js';

const state = (over: Partial<RetryState> = {}): RetryState => ({
  attempt: 1,
  operation: 'users.get',
  retryable: true,
  now: 1_000_000,
  deadlineAt: 1_030_000,
  random: () => 1,
  ...over,
});
const status = (s: number, rateLimit?: RateLimitInfo): AttemptOutcome => ({
  kind: 'response',
  status: s,
  rateLimit,
});

void test('backoff: exponential ceiling with full jitter, capped at maxDelayMs', () => {
  const p = DEFAULT_RETRY_POLICY;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((a) => nextDelay(p, a, () => 0.999999)),
    [99, 199, 399, 799, 1599, 3199, 4999, 4999],
  );
  assert.equal(
    nextDelay(p, 3, () => 0.5),
    200,
  );
  assert.equal(
    nextDelay(p, 3, () => 0),
    0,
  );
});

void test('defaults are as documented', () => {
  assert.equal(DEFAULT_RETRY_POLICY.maxAttempts, 3);
  assert.equal(DEFAULT_RETRY_POLICY.baseDelayMs, 100);
  assert.equal(DEFAULT_RETRY_POLICY.maxDelayMs, 5000);
  assert.deepEqual(DEFAULT_RETRY_POLICY.retryOn, {
    network: true,
    timeout: true,
    statuses: [500, 502, 503, 504],
  });
  assert.equal(DEFAULT_RETRY_POLICY.rateLimit.honorReset, true);
});

void test('5xx, network and timeout retry for retryable requests, with the backoff delay', () => {
  const p = resolveRetryPolicy(undefined);
  for (const outcome of [
    status(503),
    status(500),
    { kind: 'network', error: new Error('x') },
    { kind: 'timeout', error: new Error('t') },
  ] as AttemptOutcome[]) {
    const d = decideRetry(p, outcome, state({ attempt: 2, random: () => 0.5 }));
    assert.equal(d.retry, true);
    assert.equal(d.retry && d.delayMs, 100);
  }
  assert.deepEqual(decideRetry(p, status(502), state()), { retry: true, delayMs: 100, reason: 'status-502' });
});

void test('non-retryable requests (a POST) do not retry 5xx or network errors', () => {
  const p = resolveRetryPolicy(undefined);
  const d = decideRetry(p, status(503), state({ retryable: false }));
  assert.equal(d.retry, false);
  assert.match(!d.retry ? d.detail : '', /not retryable/);
  assert.equal(decideRetry(p, { kind: 'network', error: 1 }, state({ retryable: false })).retry, false);
});

void test('success and 4xx other than 429 are never retried; 501 is not in the default list', () => {
  const p = resolveRetryPolicy(undefined);
  for (const s of [200, 204, 302, 400, 401, 403, 404, 501])
    assert.equal(decideRetry(p, status(s), state()).retry, false, String(s));
});

void test('maxAttempts bounds the attempts', () => {
  const p = resolveRetryPolicy(undefined);
  assert.equal(decideRetry(p, status(503), state({ attempt: 2 })).retry, true);
  assert.equal(decideRetry(p, status(503), state({ attempt: 3 })).retry, false);
});

void test('a backoff that would cross the deadline gives up', () => {
  const p = resolveRetryPolicy(undefined);
  const d = decideRetry(p, status(503), state({ now: 1000, deadlineAt: 1050, random: () => 0.9 }));
  assert.equal(d.retry, false);
  assert.match(!d.retry ? d.detail : '', /deadline/);
});

void test('429: the wait is X-Rate-Limit-Reset minus the response Date (not the local clock), plus jitter', () => {
  const p = resolveRetryPolicy(undefined);
  // The local clock runs 10 minutes ahead of Okta: it must not matter.
  const rl = { limit: 600, remaining: 0, resetAt: 1_700_000_003_000, serverNow: 1_700_000_000_000 };
  const d = decideRetry(
    p,
    status(429, rl),
    state({ now: 1_700_000_600_000, deadlineAt: 1_700_000_630_000, random: () => 0.25 }),
  );
  assert.deepEqual(d, { retry: true, delayMs: 3000 + 250, reason: 'rate-limit' });
});

void test('429 without Date falls back to the local clock', () => {
  assert.equal(
    rateLimitWait({ limit: 1, remaining: 0, resetAt: 5000, serverNow: undefined }, 2000, 1000, () => 0),
    3000,
  );
  assert.equal(
    rateLimitWait({ limit: 1, remaining: 0, resetAt: 5000, serverNow: 9000 }, 0, 0, () => 0),
    0,
    'reset already passed',
  );
});

void test('429 is retried even for non-retryable requests (nothing was processed)', () => {
  const rl = { limit: 600, remaining: 0, resetAt: 2000, serverNow: 1000 };
  const d = decideRetry(
    resolveRetryPolicy(undefined),
    status(429, rl),
    state({ retryable: false, now: 0, deadlineAt: 30_000, random: () => 0 }),
  );
  assert.deepEqual(d, { retry: true, delayMs: 1000, reason: 'rate-limit' });
});

void test('429 gives up when the reset is beyond the deadline, beyond maxWaitMs, absent, or attempts are used up', () => {
  const p = resolveRetryPolicy({ rateLimit: { maxWaitMs: 20_000 } });
  const st = state({ now: 0, deadlineAt: 30_000, random: () => 0 });
  const far = { limit: 600, remaining: 0, resetAt: 45_000, serverNow: 0 };
  assert.match(JSON.stringify(decideRetry(resolveRetryPolicy(undefined), status(429, far), st)), /deadline/);
  const mid = { limit: 600, remaining: 0, resetAt: 25_000, serverNow: 0 };
  assert.match(JSON.stringify(decideRetry(p, status(429, mid), st)), /maxWaitMs/);
  assert.match(JSON.stringify(decideRetry(p, status(429), st)), /no X-Rate-Limit-Reset/);
  const near = { limit: 600, remaining: 0, resetAt: 1000, serverNow: 0 };
  assert.equal(decideRetry(p, status(429, near), { ...st, attempt: 3 }).retry, false);
  assert.equal(
    decideRetry(resolveRetryPolicy({ rateLimit: { honorReset: false } }), status(429, near), st).retry,
    false,
  );
});

void test('retry: false means a single attempt', () => {
  const p = resolveRetryPolicy(false);
  assert.equal(p.maxAttempts, 1);
  assert.equal(decideRetry(p, status(503), state()).retry, false);
});

void test('options override only what they name', () => {
  const p = resolveRetryPolicy({ maxAttempts: 5, retryOn: { statuses: [503] } });
  assert.equal(p.maxAttempts, 5);
  assert.equal(p.retryOn.network, true);
  assert.equal(decideRetry(p, status(500), state()).retry, false);
  assert.equal(decideRetry(p, status(503), state({ attempt: 4 })).retry, true);
});

void test('shouldRetry overrides the rules both ways, but not maxAttempts or the deadline', () => {
  const seen: unknown[] = [];
  const p = resolveRetryPolicy({
    shouldRetry: (ctx) => {
      seen.push(ctx);
      if (ctx.outcome.kind === 'response' && ctx.outcome.status === 409) return true;
      if (ctx.outcome.kind === 'response' && ctx.outcome.status === 503) return false;
      return undefined;
    },
  });
  assert.deepEqual(decideRetry(p, status(409), state({ random: () => 0.5 })), {
    retry: true,
    delayMs: 50,
    reason: 'status-409',
  });
  assert.equal(decideRetry(p, status(503), state()).retry, false);
  assert.equal(decideRetry(p, status(502), state()).retry, true, 'undefined falls back to the rules');
  assert.equal(decideRetry(p, status(409), state({ attempt: 3 })).retry, false);
  assert.equal(seen.length, 4);
  assert.deepEqual((seen[0] as { operation: string; attempt: number }).operation, 'users.get');
});

void test('retryPolicyProblems names bad values', () => {
  assert.deepEqual(retryPolicyProblems(resolveRetryPolicy(undefined)), []);
  const problems = retryPolicyProblems(
    resolveRetryPolicy({ maxAttempts: 0, baseDelayMs: 10, maxDelayMs: 5, retryOn: { statuses: [999] } }),
  );
  assert.equal(problems.length, 3);
  assert.match(problems.join('\n'), /maxAttempts/);
});

void test('429: a reset up to 61 s away is waited for (whole-second headers), jitter not counted against maxWaitMs', () => {
  const p = resolveRetryPolicy(undefined);
  const st = state({ now: 0, deadlineAt: 120_000, random: () => 0.99 });
  const rl = { limit: 600, remaining: 0, resetAt: 61_000, serverNow: 0 };
  assert.deepEqual(decideRetry(p, status(429, rl), st), {
    retry: true,
    delayMs: 61_000 + 990,
    reason: 'rate-limit',
  });
  assert.equal(decideRetry(p, status(429, { ...rl, resetAt: 61_001 }), st).retry, false);
});
