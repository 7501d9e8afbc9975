import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdGenerator } from '../../src/lib/ids.js';
import { createClock, createFixedClock, toMutableClock } from '../../src/lib/clock.js';

void test('§3.5 ids are Okta-shaped: 3-character prefix + 17 alphanumerics = 20 characters', () => {
  const ids = createIdGenerator();
  for (const prefix of ['0oa', '00u', 'pks', 'cr0', 'iam', '00g']) {
    assert.match(ids.id(prefix), new RegExp(`^${prefix}[A-Za-z0-9]{17}$`));
  }
  assert.match(ids.requestId(), /^req[A-Za-z0-9]{23}$/);
  assert.match(ids.errorId(), /^oae[A-Za-z0-9]{22}$/);
});

void test('a seed makes object ids deterministic, independent of how many request ids were drawn', () => {
  const a = createIdGenerator(42);
  const b = createIdGenerator(42);
  b.requestId();
  b.requestId();
  assert.equal(a.id('0oa'), b.id('0oa'));
  assert.equal(a.id('00u'), b.id('00u'));
  assert.notEqual(createIdGenerator(43).id('0oa'), createIdGenerator(42).id('0oa'));
});

void test('clocks: set/advance move now(); a plain Clock is wrapped with an offset', () => {
  const fixed = createFixedClock(1000);
  fixed.advance(500);
  assert.equal(fixed.now(), 1500);
  fixed.set(10);
  assert.equal(fixed.now(), 10);
  let t = 100;
  const wrapped = toMutableClock({ now: () => t });
  wrapped.advance(50);
  assert.equal(wrapped.now(), 150);
  t = 200;
  assert.equal(wrapped.now(), 250);
  const real = createClock(() => 5);
  real.set(1_000);
  assert.equal(real.now(), 1_000);
  assert.throws(() => real.advance(Number.NaN), /finite number/);
});
