/**
 * RedisTokenStore against a real redis-server: sealed values, the fenced lease, tampering, pub/sub waiters,
 * and the degraded mode when Redis is killed or hangs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import {
  MAX_RESET_AHEAD_MS,
  paceTokenRequest,
  rateLimitBucket,
  type StoredToken,
  type TokenLease,
} from 'okta-m2m';
import { keyLayout, RedisTokenStore, type RedisTokenStoreOptions } from '../src/index.js';
import { startRedis, type TestRedis } from '../src/testing/redis-server.js';

const KEY = randomBytes(32);
const SECRET = `eyJ.${randomBytes(24).toString('base64url')}.sig${randomBytes(24).toString('base64url')}`;

function token(value = SECRET, ttlMs = 3_600_000): StoredToken {
  const now = Date.now();
  return {
    value,
    type: 'DPoP',
    expiresAt: now + ttlMs,
    obtainedAt: now,
    scopes: ['okta.users.read'],
    requestedScopes: ['okta.users.read'],
    jkt: 'thumb',
  };
}

describe('RedisTokenStore', () => {
  let redis: TestRedis;
  let admin: Redis;
  const stores: RedisTokenStore[] = [];
  const storeFor = (options: Partial<RedisTokenStoreOptions> = {}): RedisTokenStore => {
    const store = new RedisTokenStore({ redis: redis.url, encryptionKey: KEY, ...options });
    stores.push(store);
    return store;
  };

  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url, { lazyConnect: true });
    admin.on('error', () => undefined);
    await admin.connect();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    admin.disconnect();
    await redis.stop();
  });

  test('rate-limit headroom is shared: the lowest count of a window wins, and it expires at the reset', async () => {
    const [a, b] = [storeFor(), storeFor()];
    const bucket = 'v1 rate-limit https://acme.okta.com/oauth2/v1/token';
    const resetAt = Date.now() + 1_500;
    await a.publishRateLimit(bucket, { limit: 1200, remaining: 40, resetAt });
    await b.publishRateLimit(bucket, { limit: 1200, remaining: 55, resetAt }); // b saw an earlier response
    assert.deepEqual(await b.readRateLimit(bucket), { limit: 1200, remaining: 40, resetAt });
    await b.publishRateLimit(bucket, { limit: undefined, remaining: 3, resetAt });
    assert.deepEqual(await a.readRateLimit(bucket), { limit: undefined, remaining: 3, resetAt });
    assert.ok((await admin.pttl(keyLayout('okta-m2m:', bucket).rate)) <= 1_500);
    await new Promise((r) => setTimeout(r, 1_600));
    assert.equal(await a.readRateLimit(bucket), undefined, 'the window reset');
    assert.equal(await admin.exists(keyLayout('okta-m2m:', bucket).rate), 0, 'and the key expired');
  });

  test('a far reset cannot stall the fleet: refused, replaced, capped, and not paced on', async () => {
    const [a, b] = [storeFor(), storeFor()];
    const bucket = rateLimitBucket(new URL('https://far.okta.com/oauth2/v1/token'));
    const rate = keyLayout('okta-m2m:', bucket).rate;
    const year = 365 * 86_400_000;
    await a.publishRateLimit(bucket, { limit: 1200, remaining: 0, resetAt: Date.now() + year });
    assert.equal(await b.readRateLimit(bucket), undefined, 'a reset a year ahead is refused');

    // An entry written by anyone else (values are in clear): the next healthy report replaces it.
    await admin.hset(rate, 'remaining', '0', 'limit', '1200', 'reset', String(Date.now() + year));
    const sleeps: number[] = [];
    const pace = (): Promise<number> =>
      paceTokenRequest({
        store: b,
        bucket,
        serverNow: Date.now,
        sleep: async (ms) => void sleeps.push(ms),
        log: { warn: () => undefined, debug: () => undefined } as never,
      });
    assert.equal(await pace(), 0, 'a reset a year ahead is not paced on');
    assert.deepEqual(sleeps, []);
    const resetAt = Date.now() + 30_000;
    await b.publishRateLimit(bucket, { limit: 1200, remaining: 1199, resetAt });
    assert.deepEqual(await a.readRateLimit(bucket), { limit: 1200, remaining: 1199, resetAt });

    // A believable reset up to the bound is kept, but the entry lives at most 61 s.
    const late = Date.now() + MAX_RESET_AHEAD_MS - 1_000;
    await a.publishRateLimit(bucket, { limit: 1200, remaining: 5, resetAt: late });
    assert.equal((await b.readRateLimit(bucket))?.resetAt, late);
    const ttl = await admin.pttl(rate);
    assert.ok(ttl > 0 && ttl <= 61_000, `the entry's life is capped (pttl ${ttl})`);
    await admin.del(rate);
  });

  test('pacing waits for a near reset, and close ends the wait', async () => {
    const store = storeFor();
    const bucket = rateLimitBucket(new URL('https://near.okta.com/oauth2/v1/token'));
    await store.publishRateLimit(bucket, { limit: 1200, remaining: 1, resetAt: Date.now() + 30_000 });
    const closing = new AbortController();
    const started = Date.now();
    const waiting = paceTokenRequest({
      store,
      bucket,
      serverNow: Date.now,
      sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal }),
      log: { warn: () => undefined, debug: () => undefined } as never,
      signal: closing.signal,
    });
    setTimeout(() => closing.abort(new Error('closed')), 100);
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.ok(Date.now() - started < 10_000, 'ended by the signal, not by the 30 s reset');
    await admin.del(keyLayout('okta-m2m:', bucket).rate);
  });

  test('a token round-trips, and Redis holds only its sealed form under a hashed key', async () => {
    const store = storeFor();
    const key = 'v1 https://acme.okta.com/oauth2/v1/token 0oa1 thumb okta.users.read';
    assert.equal(await store.set(key, token(), { ttlMs: 60_000 }), true);
    const back = await store.get(key);
    assert.equal(back?.value, SECRET);
    assert.equal(back?.jkt, 'thumb');
    const names = await admin.keys('*');
    assert.deepEqual(names, [keyLayout('okta-m2m:', key).token]);
    assert.ok(!names[0]!.includes('0oa1'), 'the client id is not in the key name');
    const stored = await admin.hgetall(names[0]!);
    assert.match(stored.v!, /^v1\./);
    assert.ok(!JSON.stringify(stored).includes(SECRET.slice(4, 20)), 'no token text at rest');
    const ttl = await admin.pttl(names[0]!);
    assert.ok(ttl > 0 && ttl <= 60_000, `expires with the entry (pttl ${ttl})`);
  });

  test('one lease at a time, fences grow, a live holder keeps it, a dead one loses it', async () => {
    // A 2 s lease renewed every ~667 ms: wide enough that a loaded machine's stalls do not decide the outcome.
    const LEASE = 2_000;
    const store = storeFor({ leaseMs: LEASE });
    const other = storeFor({ leaseMs: LEASE });
    const first = await store.lease('lease-key');
    assert.ok(first !== undefined);
    assert.equal(await other.lease('lease-key'), undefined, 'held by the first');
    await first.release();
    const second = await other.lease('lease-key');
    assert.ok(second !== undefined && second.fence > first.fence);
    await new Promise((r) => setTimeout(r, 2 * LEASE + 500));
    assert.equal(await store.lease('lease-key'), undefined, 'renewed by its live holder past leaseMs');
    await other.close(); // the holder dies without releasing
    assert.equal(await store.lease('lease-key'), undefined, 'still held until it runs out');
    let third: TokenLease | undefined;
    const closedAt = Date.now();
    while (third === undefined && Date.now() - closedAt < 3 * LEASE) {
      await new Promise((r) => setTimeout(r, 100));
      third = await store.lease('lease-key');
    }
    assert.ok(third !== undefined && third.fence > second.fence, 'taken over after expiry');
    await third.release();
    await second.release(); // passed on long ago: changes nothing
    assert.equal(await admin.exists(keyLayout('okta-m2m:', 'lease-key').lease), 0);
  });

  test('a holder that lost its lease cannot overwrite the newer token', async () => {
    const a = storeFor({ leaseMs: 200 });
    const b = storeFor({ leaseMs: 200 });
    const stale = await a.lease('fenced');
    assert.ok(stale);
    await admin.del(keyLayout('okta-m2m:', 'fenced').lease); // lost, e.g. during a stall longer than leaseMs
    await new Promise((r) => setTimeout(r, 100));
    const fresh = await b.lease('fenced');
    assert.ok(fresh && fresh.fence > stale.fence);
    assert.equal(await b.set('fenced', token('newer'), { ttlMs: 60_000, lease: fresh }), true);
    assert.equal(await a.set('fenced', token('older'), { ttlMs: 60_000, lease: stale }), false);
    assert.equal((await a.get('fenced'))?.value, 'newer');
    assert.equal(a.metrics().fencedWritesRefused, 1);
    assert.equal(await admin.exists(keyLayout('okta-m2m:', 'fenced').lease), 0, 'the write ended the lease');
  });

  test('after Redis loses the fence counter (restart without persistence), the current holder wins', async () => {
    const a = storeFor();
    const b = storeFor();
    const names = keyLayout('okta-m2m:', 'reborn');
    await admin.set(names.fence, 56); // the fleet has been running a while
    const old = await a.lease('reborn');
    assert.ok(old && old.fence === 57);
    await admin.flushall(); // Redis restarts empty while A is still fetching
    const current = await b.lease('reborn');
    assert.ok(current && current.fence === 1, 'the counter started again');
    assert.equal(await a.set('reborn', token('from-earlier-life'), { ttlMs: 60_000, lease: old }), false);
    assert.equal(await b.set('reborn', token('current'), { ttlMs: 60_000, lease: current }), true);
    assert.equal(await a.set('reborn', token('from-earlier-life'), { ttlMs: 60_000, lease: old }), false);
    assert.equal((await b.get('reborn'))?.value, 'current');

    // A token written in the earlier life (f above the counter) does not block the current holder.
    await admin.hset(names.token, 'f', '900');
    const next = await b.lease('reborn');
    assert.ok(next && next.fence === 2);
    assert.equal(await b.set('reborn', token('next'), { ttlMs: 60_000, lease: next }), true);
    assert.equal((await a.get('reborn'))?.value, 'next');
  });

  test('a holder that degrades while fetching still writes and releases, so the fleet does not wait out the lease', async () => {
    const clientA = new Redis(redis.url);
    clientA.on('error', () => undefined);
    const a = new RedisTokenStore({ redis: clientA, encryptionKey: KEY, leaseMs: 20_000 });
    const b = storeFor({ leaseMs: 20_000 });
    try {
      await a.ready();
      const lease = await a.lease('hiccup');
      assert.ok(lease);
      clientA.emit('error', new Error('one command of A timed out')); // a stall on A only
      assert.equal(a.mode, 'degraded');
      await b.waitForToken('hiccup', { timeoutMs: 100 }); // connects b's subscriber
      const started = Date.now();
      const waiting = b.waitForToken('hiccup', { timeoutMs: 15_000 });
      assert.equal(await a.set('hiccup', token('from-a'), { ttlMs: 60_000, lease }), true);
      await lease.release();
      assert.equal((await waiting)?.value, 'from-a', 'the fleet gets the token of the holder');
      assert.ok(Date.now() - started < 10_000, 'woken by the write, not by the end of the wait');

      const second = await a.lease('hiccup-2');
      assert.ok(second);
      clientA.emit('error', new Error('another stall'));
      await second.release(); // the fetch failed: no write, but the lease is given back
      assert.ok(await b.lease('hiccup-2'), 'the lease is free at once, not after 20 s');
    } finally {
      await a.close();
      clientA.disconnect();
    }
  });

  test('a tampered entry, or one moved to another key, is refused, counted and deleted', async () => {
    const store = storeFor();
    await store.set('tamper', token(), { ttlMs: 60_000 });
    const name = keyLayout('okta-m2m:', 'tamper').token;
    const sealed = (await admin.hget(name, 'v'))!;
    const flipped = sealed.slice(0, 20) + (sealed[20] === 'A' ? 'B' : 'A') + sealed.slice(21);
    await admin.hset(name, 'v', flipped);
    assert.equal(await store.get('tamper'), undefined);
    assert.equal(store.metrics().tamperedEntries, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await admin.exists(name), 0, 'the tampered entry is gone, so a new token can be written');

    await store.set('original', token(), { ttlMs: 60_000 });
    const moved = (await admin.hget(keyLayout('okta-m2m:', 'original').token, 'v'))!;
    await admin.hset(keyLayout('okta-m2m:', 'elsewhere').token, 'f', '0', 'v', moved);
    assert.equal(await store.get('elsewhere'), undefined, 'the cache key is authenticated data');
    const wrongKey = storeFor({ encryptionKey: randomBytes(32) });
    assert.equal(await wrongKey.get('original'), undefined, 'another encryption key cannot open it');
  });

  test('waiters are woken by pub/sub when the holder writes the token', async () => {
    const holder = storeFor();
    const waiter = storeFor();
    const lease = await holder.lease('wake');
    assert.ok(lease);
    await waiter.waitForToken('wake', { timeoutMs: 100 }); // connects the subscriber
    const started = Date.now();
    const waiting = waiter.waitForToken('wake', { timeoutMs: 10_000 });
    setTimeout(() => void holder.set('wake', token('woken'), { ttlMs: 60_000, lease }), 50);
    const got = await waiting;
    assert.equal(got?.value, 'woken');
    assert.ok(Date.now() - started < 5_000, 'woken by the message, not by the 10 s timeout');
  });

  test('a waiter finds a token the holder wrote just before it started waiting (no lost wake-up)', async () => {
    const holder = storeFor();
    const waiter = storeFor();
    await waiter.waitForToken('race', { timeoutMs: 100 }); // connects the subscriber
    const lease = await holder.lease('race');
    assert.ok(lease);
    assert.equal(await waiter.lease('race'), undefined, 'the waiter lost the race for the lease');
    assert.equal(await holder.set('race', token('meanwhile'), { ttlMs: 60_000, lease }), true);
    await new Promise((r) => setTimeout(r, 200)); // its wake-up message has come and gone
    const started = Date.now();
    assert.equal((await waiter.waitForToken('race', { timeoutMs: 30_000 }))?.value, 'meanwhile');
    assert.ok(Date.now() - started < 10_000, 'at once, not after the 30 s timeout');
  });

  test('Redis killed: every operation falls back at once, is counted, and Redis is used again once back', async () => {
    const store = storeFor({ probeIntervalMs: 100 });
    await store.set('k', token('before'), { ttlMs: 60_000 });
    await redis.kill();
    const lease = await store.lease('k');
    assert.ok(lease, 'the in-process lease is granted');
    assert.equal(await store.set('k', token('during'), { ttlMs: 60_000, lease }), true);
    assert.equal((await store.get('k'))?.value, 'during');
    assert.equal(store.mode, 'degraded');
    const degraded = store.metrics();
    assert.equal(degraded.degraded, 1);
    assert.ok(degraded.fallbackOps >= 3);

    await redis.restart();
    for (let i = 0; i < 100 && store.mode === 'degraded'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await store.get('k');
    }
    assert.equal(store.mode, 'shared');
    assert.equal(store.metrics().recovered, 1);
    assert.equal(await store.get('k'), undefined, 'a restarted Redis is empty: the token is fetched again');
    admin.disconnect();
    admin = new Redis(redis.url);
    admin.on('error', () => undefined);
  });

  test('Redis hung: commands give up after the command timeout and fall back', async () => {
    const store = storeFor({ commandTimeoutMs: 200, probeIntervalMs: 100 });
    await store.set('hung', token('shared'), { ttlMs: 60_000 });
    redis.pause();
    try {
      const started = Date.now();
      assert.equal(await store.get('hung'), undefined, 'the fallback store has nothing yet');
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 2_000, `bounded by the command timeout (took ${elapsed} ms)`);
      assert.equal(store.mode, 'degraded');
      const lease = await store.lease('hung');
      assert.ok(lease);
      assert.equal(await store.set('hung', token('local'), { ttlMs: 60_000, lease }), true);
    } finally {
      redis.resume();
    }
    for (let i = 0; i < 50 && store.mode === 'degraded'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await store.get('hung');
    }
    assert.equal(store.mode, 'shared');
    assert.equal((await store.get('hung'))?.value, 'shared');
  });
});
