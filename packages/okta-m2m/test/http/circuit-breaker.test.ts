import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, type BreakerState } from '../../src/http/circuit-breaker.js';

function setup(options = { failureThreshold: 3, windowMs: 10_000, openMs: 30_000 }) {
  let now = 1_000_000;
  const transitions: [BreakerState, BreakerState][] = [];
  const breaker = new CircuitBreaker(
    options,
    () => now,
    (from, to) => transitions.push([from, to]),
  );
  const fail = (): void => breaker.record(breaker.acquire(), 'failure');
  const succeed = (): void => breaker.record(breaker.acquire(), 'success');
  return { breaker, transitions, fail, succeed, advance: (ms: number) => (now += ms), now: () => now };
}

void test('opens after N consecutive failures, then refuses with retryAt = openedAt + openMs', () => {
  const { breaker, transitions, fail, now } = setup();
  fail();
  fail();
  assert.equal(breaker.state, 'closed');
  fail();
  assert.equal(breaker.state, 'open');
  assert.deepEqual(transitions, [['closed', 'open']]);
  const permit = breaker.acquire();
  assert.deepEqual(permit, { allowed: false, retryAt: now() + 30_000 });
});

void test('a success resets the streak', () => {
  const { breaker, fail, succeed } = setup();
  fail();
  fail();
  succeed();
  fail();
  fail();
  assert.equal(breaker.state, 'closed');
});

void test('failures spread beyond the window do not open it', () => {
  const { breaker, fail, advance } = setup();
  fail();
  fail();
  advance(10_001);
  fail(); // the streak started over
  assert.equal(breaker.state, 'closed');
  fail();
  fail();
  assert.equal(breaker.state, 'open');
});

void test('half-open after openMs lets exactly one trial through; its success closes', () => {
  const { breaker, transitions, fail, advance } = setup();
  fail();
  fail();
  fail();
  advance(29_999);
  assert.equal(breaker.acquire().allowed, false);
  advance(1);
  assert.equal(breaker.state, 'half-open');
  const trial = breaker.acquire();
  assert.deepEqual(trial, { allowed: true, trial: true });
  assert.equal(breaker.acquire().allowed, false, 'a second caller is refused while the trial runs');
  breaker.record(trial, 'success');
  assert.equal(breaker.state, 'closed');
  assert.deepEqual(breaker.acquire(), { allowed: true, trial: false });
  assert.deepEqual(transitions, [
    ['closed', 'open'],
    ['open', 'half-open'],
    ['half-open', 'closed'],
  ]);
});

void test('a failed trial re-opens for another openMs', () => {
  const { breaker, transitions, fail, advance, now } = setup();
  fail();
  fail();
  fail();
  advance(30_000);
  const trial = breaker.acquire();
  breaker.record(trial, 'failure');
  assert.equal(breaker.state, 'open');
  assert.deepEqual(breaker.acquire(), { allowed: false, retryAt: now() + 30_000 });
  assert.deepEqual(transitions.at(-1), ['half-open', 'open']);
});

void test('an abandoned trial frees the slot without a verdict', () => {
  const { breaker, fail, advance } = setup();
  fail();
  fail();
  fail();
  advance(30_000);
  breaker.record(breaker.acquire(), 'abandoned');
  assert.equal(breaker.state, 'half-open');
  assert.equal(breaker.acquire().allowed, true);
});

void test('defaults: 5 failures, open for 30 s', () => {
  let now = 0;
  const breaker = new CircuitBreaker({}, () => now);
  for (let i = 0; i < 4; i++) breaker.record(breaker.acquire(), 'failure');
  assert.equal(breaker.state, 'closed');
  breaker.record(breaker.acquire(), 'failure');
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.retryAt, 30_000);
  now = 30_000;
  assert.equal(breaker.state, 'half-open');
});

void test('half-open: callers refused while the trial runs get the time its verdict is due, not "now"', () => {
  const { breaker, fail, advance, now } = setup();
  fail();
  fail();
  fail();
  advance(30_000);
  const trial = breaker.acquire(10_000);
  assert.deepEqual(trial, { allowed: true, trial: true });
  advance(2_000);
  const refused = breaker.acquire(10_000);
  assert.equal(refused.allowed, false);
  assert.equal(refused.allowed === false && refused.retryAt, now() - 2_000 + 10_000);
  assert.ok(refused.allowed === false && refused.retryAt > now(), 'a real future time');
  // A trial that never reports is presumed lost at its due time: the next caller becomes the trial.
  advance(8_000);
  assert.deepEqual(breaker.acquire(10_000), { allowed: true, trial: true });
});
