// The transport's Okta-facing behaviour against the real emulator and its fault injection
// (POST /__emulator/faults): 429 waits measured from the response's Date header, giving up when the reset does
// not fit, 5xx bursts retried, an outage opening the breaker, resets, truncated and malformed bodies, slow
// answers. Sleep (and, for the breaker, the clock) are injected so nothing here waits for the backoff.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import {
  CircuitOpenError,
  NetworkError,
  OktaApiError,
  RateLimitError,
  ResponseError,
  TimeoutError,
} from '../../src/errors.js';
import { createTransport, type OktaTransport } from '../../src/http/transport.js';
import { resolveTransportOptions, type TransportOptions } from '../../src/config.js';
import type { RateLimitInfo } from '../../src/http/rate-limit.js';
import { Metrics } from '../../src/observability/metrics.js';
import { UsersApi } from '../../src/users/users-api.js';
import { SswsAuthorizer } from '../helpers/ssws-authorizer.js';

let emu: RunningEmulator;
let userId: string;

before(async () => {
  emu = await startEmulator({ seedUsers: 3 });
  const res = await fetch(`${emu.url}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  userId = ((await res.json()) as { id: string }[])[0]!.id;
});
after(() => emu.close());
afterEach(async () => {
  await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
});

/** Install a fault rule; returns a function reading how many requests it matched. */
async function fault(rule: Record<string, unknown>): Promise<() => Promise<number>> {
  const res = await fetch(`${emu.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { faults } = (await res.json()) as { faults: { id: string }[] };
  const id = faults[0]!.id;
  return async () => {
    const list = (await (await fetch(`${emu.url}/__emulator/faults`)).json()) as {
      faults: { id: string; matched: number }[];
    };
    return list.faults.find((f) => f.id === id)!.matched;
  };
}

interface Harness {
  transport: OktaTransport;
  users: UsersApi;
  metrics: Metrics;
  sleeps: { ms: number; rateLimit: RateLimitInfo | undefined }[];
}

function harness(
  options: TransportOptions,
  onSleep: (ms: number) => void = () => undefined,
  clock: () => number = Date.now,
): Harness {
  const metrics = new Metrics();
  const sleeps: Harness['sleeps'] = [];
  const transport: OktaTransport = createTransport(resolveTransportOptions(options), {
    clock,
    random: () => 0.5,
    metrics,
    sleep: async (ms) => {
      sleeps.push({ ms, rateLimit: transport.rateLimit });
      onSleep(ms);
    },
  });
  const users = new UsersApi({
    transport,
    authorizer: new SswsAuthorizer([emu.adminToken]),
    orgUrl: emu.url,
  });
  return { transport, users, metrics, sleeps };
}

void test('429: waits X-Rate-Limit-Reset − Date (the server clock, not the local one) plus jitter, then succeeds', async (t) => {
  // Okta's clock runs 10 minutes behind ours: a wait computed from the local clock would be 0.
  emu.clock.set(Date.now() - 600_000);
  const h = harness({}, (ms) => emu.clock.advance(ms));
  t.after(() => h.transport.close());
  // A reset 20 s ahead fits the default 30 s deadline.
  const matched = await fault({
    method: 'GET',
    path: '/api/v1/users/:id',
    sequence: [{ type: 'rate-limit', resetSeconds: 20 }],
  });
  assert.equal((await h.users.get(userId)).id, userId);
  assert.equal(await matched(), 2, 'the 429 and the retry that succeeded');
  assert.equal(h.sleeps.length, 1);
  const [{ ms, rateLimit }] = h.sleeps as [Harness['sleeps'][number]];
  assert.ok(rateLimit?.resetAt !== undefined && rateLimit.serverNow !== undefined);
  assert.equal(rateLimit.remaining, 0);
  assert.equal(
    ms,
    rateLimit.resetAt - rateLimit.serverNow + 500,
    'reset − Date + jitter (random 0.5 × 1000)',
  );
  assert.ok(
    ms >= 20_000 && ms <= 21_500,
    `reset 20 s ahead (whole seconds) + 500 ms jitter: waited ${ms} ms`,
  );
  assert.equal(h.metrics.snapshot().retries.byReason['rate-limit'], 1);
  assert.equal(h.metrics.snapshot().requests.byStatus['429'], 1);
});

void test('429 whose reset does not fit in the deadline: no wait, RateLimitError with resetAt and the hint', async (t) => {
  const h = harness({ deadlineMs: 5_000 });
  t.after(() => h.transport.close());
  const matched = await fault({
    method: 'GET',
    path: '/api/v1/users/:id',
    sequence: [{ type: 'rate-limit', limit: 600 }],
  });
  await assert.rejects(h.users.get(userId), (e: unknown) => {
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.status, 429);
    assert.equal(e.errorCode, 'E0000047');
    assert.equal(e.limit, 600);
    assert.ok(e.resetAt !== undefined && e.resetAt > emu.clock.now());
    assert.match(e.hint ?? '', /rate-limited this app \(limit 600 per window\); the window resets at/);
    return true;
  });
  assert.equal(h.sleeps.length, 0);
  assert.equal(await matched(), 1);
});

void test('5xx burst: [503, 503] then ok, three attempts seen by the emulator, full-jitter backoff', async (t) => {
  const h = harness({});
  t.after(() => h.transport.close());
  const matched = await fault({ method: 'GET', path: '/api/v1/users/:id', sequence: [503, 503] });
  assert.equal((await h.users.get(userId)).id, userId);
  assert.equal(await matched(), 3);
  assert.deepEqual(
    h.sleeps.map((s) => s.ms),
    [50, 100],
  );
  assert.equal(h.metrics.snapshot().retries.byReason['status-503'], 2);
  assert.equal(h.metrics.snapshot().requests.byClass['5xx'], 2);
});

void test('a POST is not retried on 503: OktaApiError with the Okta-side hint', async (t) => {
  const h = harness({});
  t.after(() => h.transport.close());
  const matched = await fault({ method: 'POST', path: '/api/v1/users/:id', sequence: [503] });
  await assert.rejects(h.users.updateName(userId, { firstName: 'A', lastName: 'B' }), (e: unknown) => {
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.status, 503);
    assert.match(e.hint ?? '', /Okta-side failure \(503\)/);
    return true;
  });
  assert.equal(await matched(), 1);
});

void test('outage: the breaker counts calls, not attempts; it opens after 4 failed calls, then fails fast; a trial after openMs closes it', async (t) => {
  let now = 5_000_000;
  const h = harness(
    { breaker: { failureThreshold: 4, openMs: 30_000 } },
    () => undefined,
    () => now,
  );
  t.after(() => h.transport.close());
  const matched = await fault({ method: 'GET', path: '/api/v1/users*', sequence: [503], repeat: true });
  for (let call = 1; call <= 4; call++) {
    // Each failed call is the real 503, with its request id, after its 3 attempts: never CircuitOpenError.
    await assert.rejects(h.users.get(userId), (e: unknown) => {
      assert.ok(e instanceof OktaApiError && !(e instanceof CircuitOpenError), String(e));
      assert.equal(e.status, 503);
      assert.ok(e.requestId, 'the request id of the real answer');
      return true;
    });
    assert.equal(await matched(), call * 3, `call ${call}: three attempts reached the emulator`);
    assert.equal(h.transport.breakerState, call < 4 ? 'closed' : 'open');
  }
  await assert.rejects(h.users.get(userId), (e: unknown) => {
    assert.ok(e instanceof CircuitOpenError);
    assert.equal(e.retryAt, now + 30_000);
    return true;
  });
  assert.equal(await matched(), 12, 'nothing reached the emulator while open');
  await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
  now += 30_000;
  assert.equal(h.transport.breakerState, 'half-open');
  assert.equal((await h.users.get(userId)).id, userId);
  assert.equal(h.transport.breakerState, 'closed');
  assert.deepEqual(h.metrics.snapshot().breaker, {
    state: 'closed',
    opened: 1,
    token: { state: 'closed', opened: 0 },
  });
});

void test('the breaker opening while a call waits to retry: that call gets the real 503 with its request id, not CircuitOpenError', async (t) => {
  const now = 5_000_000;
  // The first call's retry wait is held until the breaker has been opened by other calls.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holdNext = true;
  const metrics = new Metrics();
  const transport = createTransport(
    resolveTransportOptions({ breaker: { failureThreshold: 2, openMs: 30_000 }, retry: { maxAttempts: 3 } }),
    {
      clock: () => now,
      random: () => 0,
      metrics,
      sleep: async () => {
        if (holdNext) {
          holdNext = false;
          await held;
        }
      },
    },
  );
  t.after(() => transport.close());
  const users = new UsersApi({
    transport,
    authorizer: new SswsAuthorizer([emu.adminToken]),
    orgUrl: emu.url,
  });
  const matched = await fault({ method: 'GET', path: '/api/v1/users*', sequence: [503], repeat: true });
  const first = users.get(userId).then(
    () => assert.fail('expected a 503'),
    (e: unknown) => e,
  );
  while ((await matched()) < 1) await new Promise((r) => setImmediate(r));
  // Two other calls fail (3 attempts each) and open the breaker while the first call waits.
  await assert.rejects(users.get(userId), OktaApiError);
  await assert.rejects(users.get(userId), OktaApiError);
  assert.equal(transport.breakerState, 'open');
  release();
  const e = await first;
  assert.ok(e instanceof OktaApiError && !(e instanceof CircuitOpenError), String(e));
  assert.equal(e.status, 503);
  assert.ok(e.requestId);
  assert.equal(await matched(), 7, 'the first call stopped after its first attempt');
});

void test('connection reset: a GET is retried and succeeds; three resets give NetworkError', async (t) => {
  const h = harness({});
  t.after(() => h.transport.close());
  const once = await fault({ method: 'GET', path: '/api/v1/users/:id', sequence: ['reset'] });
  assert.equal((await h.users.get(userId)).id, userId);
  assert.equal(await once(), 2);
  await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
  const always = await fault({ method: 'GET', path: '/api/v1/users/:id', sequence: ['reset'], repeat: true });
  await assert.rejects(h.users.get(userId), (e: unknown) => {
    assert.ok(e instanceof NetworkError);
    assert.match(e.message, new RegExp(`^GET /api/v1/users/${userId}: .*\\(attempt 3\\)$`));
    return true;
  });
  assert.equal(await always(), 3);
});

void test('truncated body: GET retried and succeeds; a POST is not retried (NetworkError)', async (t) => {
  const h = harness({});
  t.after(() => h.transport.close());
  const get = await fault({ method: 'GET', path: '/api/v1/users/:id', sequence: ['truncate'] });
  assert.equal((await h.users.get(userId)).id, userId);
  assert.equal(await get(), 2);
  const post = await fault({ method: 'POST', path: '/api/v1/users/:id', sequence: ['truncate'] });
  await assert.rejects(h.users.updateName(userId, { firstName: 'T', lastName: 'U' }), NetworkError);
  assert.equal(await post(), 1);
});

void test('malformed JSON on a 200: ResponseError, not retried', async (t) => {
  const h = harness({});
  t.after(() => h.transport.close());
  const matched = await fault({ method: 'GET', path: '/api/v1/users/:id', sequence: ['malformed-json'] });
  await assert.rejects(h.users.get(userId), (e: unknown) => {
    assert.ok(e instanceof ResponseError);
    assert.match(e.message, /Okta answered 200 with a body that is not JSON/);
    return true;
  });
  assert.equal(await matched(), 1);
});

// The attempt timeout is a real timer; the margins make the outcome certain on a loaded machine: the stalled
// attempt answers 4 s after a 1 s timeout, and the retry (an ordinary local GET) has the whole second. The
// backoff waits are injected (no real sleep).
void test('slow answer: the attempt times out and the retry succeeds; always slow gives TimeoutError', async (t) => {
  const h = harness({ timeoutMs: 1_000 });
  t.after(() => h.transport.close());
  const once = await fault({
    method: 'GET',
    path: '/api/v1/users/:id',
    sequence: [{ type: 'latency', ms: 4_000 }],
  });
  assert.equal((await h.users.get(userId)).id, userId);
  assert.equal(await once(), 2);
  await fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' });
  await fault({
    method: 'GET',
    path: '/api/v1/users/:id',
    sequence: [{ type: 'latency', ms: 4_000 }],
    repeat: true,
  });
  const h2 = harness({ timeoutMs: 500, retry: { maxAttempts: 2 } });
  t.after(() => h2.transport.close());
  await assert.rejects(h2.users.get(userId), (e: unknown) => {
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.kind, 'attempt');
    return true;
  });
  assert.equal(h2.metrics.snapshot().retries.byReason['timeout'], 1);
  assert.deepEqual(
    h2.sleeps.map((s) => s.ms),
    [50],
    'one injected backoff wait (random 0.5 × 100 ms)',
  );
});
