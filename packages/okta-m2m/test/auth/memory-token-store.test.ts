/**
 * MemoryTokenStore on an injected clock: expiry, one lease at a time with growing fences, fenced writes, waiters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTokenStore, type StoredToken } from '../../src/index.js';
import { tokenCacheKey } from '../../src/core.js';

function stored(value: string, now: number): StoredToken {
  return {
    value,
    type: 'Bearer',
    expiresAt: now + 3_600_000,
    obtainedAt: now,
    scopes: ['a'],
    requestedScopes: ['a'],
  };
}

test('entries expire on the clock', async () => {
  let now = 1_000;
  const store = new MemoryTokenStore({ clock: () => now });
  await store.set('k', stored('t1', now), { ttlMs: 500 });
  assert.equal((await store.get('k'))?.value, 't1');
  now += 500;
  assert.equal(await store.get('k'), undefined);
});

test('one lease at a time; it expires; fences grow; a stale holder cannot overwrite a newer token', async () => {
  let now = 0;
  const store = new MemoryTokenStore({ clock: () => now, leaseMs: 100 });
  const first = await store.lease('k');
  assert.ok(first);
  assert.equal(await store.lease('k'), undefined);
  now += 100;
  const second = await store.lease('k');
  assert.ok(second && second.fence > first.fence);
  assert.equal(await store.set('k', stored('new', now), { ttlMs: 1000, lease: second }), true);
  assert.equal(await store.set('k', stored('old', now), { ttlMs: 1000, lease: first }), false);
  assert.equal((await store.get('k'))?.value, 'new');
  await first.release(); // no longer its lease: nothing changes
  assert.equal(await store.lease('k'), undefined, 'the second lease is still held');
  await second.release();
  assert.ok(await store.lease('k'));
});

test('waiters wake on a write or a release, and otherwise on their timeout', async () => {
  const store = new MemoryTokenStore();
  const lease = await store.lease('k');
  const waiting = store.waitForToken('k', { timeoutMs: 60_000 });
  await store.set('k', stored('t', Date.now()), { ttlMs: 60_000, lease });
  assert.equal((await waiting)?.value, 't');
  const other = await store.lease('other');
  const released = store.waitForToken('other', { timeoutMs: 60_000 });
  await other?.release();
  assert.equal(await released, undefined);
  // The store's timers are unref'd (they never hold a process open): keep the test's event loop alive meanwhile.
  const keepAlive = setTimeout(() => undefined, 1_000);
  assert.equal(await store.waitForToken('none', { timeoutMs: 10 }), undefined);
  clearTimeout(keepAlive);
  const controller = new AbortController();
  const aborted = store.waitForToken('none', { timeoutMs: 60_000, signal: controller.signal });
  controller.abort();
  assert.equal(await aborted, undefined);
});

test('the cache key names endpoint, client, DPoP key and scopes', () => {
  const base = { tokenEndpoint: new URL('https://acme.okta.com/oauth2/aus1/v1/token?x=1'), clientId: '0oa1' };
  assert.equal(
    tokenCacheKey({ ...base, scopes: ['a', 'b'], dpopThumbprint: undefined }),
    'v1 https://acme.okta.com/oauth2/aus1/v1/token 0oa1 - a b',
  );
  assert.notEqual(
    tokenCacheKey({ ...base, scopes: ['a'], dpopThumbprint: 'k1' }),
    tokenCacheKey({ ...base, scopes: ['a'], dpopThumbprint: 'k2' }),
  );
});

test('rate-limit headroom: the lowest count of a window wins, a later window replaces it, a reset clears it', async () => {
  let now = 0;
  const store = new MemoryTokenStore({ clock: () => now });
  assert.equal(await store.readRateLimit('bucket'), undefined);
  await store.publishRateLimit('bucket', { limit: 10, remaining: 5, resetAt: 60_000 });
  await store.publishRateLimit('bucket', { limit: 10, remaining: 7, resetAt: 60_000 }); // a stale report
  assert.equal((await store.readRateLimit('bucket'))?.remaining, 5);
  await store.publishRateLimit('bucket', { limit: 10, remaining: 2, resetAt: 60_000 });
  assert.equal((await store.readRateLimit('bucket'))?.remaining, 2);
  await store.publishRateLimit('bucket', { limit: 10, remaining: 9, resetAt: 30_000 }); // an older window
  assert.equal((await store.readRateLimit('bucket'))?.remaining, 2);
  now = 60_000;
  assert.equal(await store.readRateLimit('bucket'), undefined, 'the window reset');
  await store.publishRateLimit('bucket', { limit: 10, remaining: 9, resetAt: 120_000 });
  assert.deepEqual(await store.readRateLimit('bucket'), { limit: 10, remaining: 9, resetAt: 120_000 });
});

test('a waiter finds a token written before it started waiting (no lost wake-up)', async () => {
  const store = new MemoryTokenStore();
  const lease = await store.lease('k');
  assert.equal(await store.lease('k'), undefined, 'another holder has it');
  await store.set('k', stored('written-meanwhile', Date.now()), { ttlMs: 60_000, lease }); // the holder finishes
  const keepAlive = setTimeout(() => undefined, 60_000);
  try {
    const started = Date.now();
    assert.equal((await store.waitForToken('k', { timeoutMs: 30_000 }))?.value, 'written-meanwhile');
    assert.ok(Date.now() - started < 10_000, 'at once, not after the timeout');
  } finally {
    clearTimeout(keepAlive);
  }
});
