/**
 * The fleet test: 8 replica processes, one emulator (DPoP app), one real Redis. Counts of token requests come
 * from the emulator's stats, never from the library. Phases:
 * 1. cold storm of 200 calls per replica → 1 token issued for the fleet (one DPoP handshake);
 * 2. 25 clock steps of 600 s (5 token lifetimes with refresh-ahead) → 1 token per lifetime, no call waited;
 * 3. Redis killed → no call fails, 1 token per replica at the next refresh;
 * 4. Redis back → 1 token per fleet again;
 * 5. the lease holder killed mid-fetch → another replica takes over once the lease runs out (bound stated below);
 * Side by side, in the same 8 processes, a second client per replica keeps tokens in memory (the default store)
 * against a second emulator on the same clock: 8 times the tokens.
 * Throughout, MONITOR output and dumps of every key and value are scanned for the issued access tokens.
 * The measured table is printed (docs/fleet.md carries a copy).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { generateKeyPair } from 'okta-m2m';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { startRedis, type TestRedis } from '../../src/testing/redis-server.js';
import {
  dumpRedis,
  MonitorLog,
  startFleet,
  type CallsResult,
  type Replica,
  type ReplicaApp,
} from './fleet-harness.js';

const REPLICAS = 8;
const STORM = 200;
const CALLS_PER_STEP = 20;
const STEP_MS = 600_000; // Okta tokens live 3600 s; refresh-ahead starts at 80% (2880 s): every 5th step
const LIFETIME_STEPS = 25;
const LEASE_MS = 5_000;
/** Takeover bound after the holder dies: the lease, one wait slice (1 s) and a token fetch (2 s margin). */
const TAKEOVER_BOUND_MS = LEASE_MS + 3_000;

interface Row {
  phase: string;
  store: string;
  calls: number;
  failed: number;
  waited: number;
  tokensIssued: number;
  tokenHttpRequests: number;
  /** Per replica: times its store had fallen back to memory (diagnostics in failure messages). */
  degraded?: number[];
}

const rows: Row[] = [];
let dir: string;
let redis: TestRedis;
const monitor = new MonitorLog();
const dumps: string[] = [];
const issuedTokens = new Set<string>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'okta-m2m-fleet-'));
  redis = await startRedis();
  await monitor.attach(redis.port);
});
after(async () => {
  monitor.detach();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A DPoP service app on `emu`, its client key and a DPoP key shared by the fleet, as files (mode 600). */
async function fleetApp(emu: RunningEmulator): Promise<ReplicaApp> {
  const app = await emu.createServiceApp({ dpop: true, keyAlg: 'ES256' });
  const privateKeyPath = join(dir, `client-${app.clientId}.pem`);
  writeFileSync(privateKeyPath, app.privateKeyPem, { mode: 0o600 });
  const dpopKeyPath = join(dir, `dpop-${app.clientId}.pem`);
  writeFileSync(dpopKeyPath, (await generateKeyPair({ alg: 'ES256' })).privateKeyPem, { mode: 0o600 });
  return { orgUrl: emu.url, clientId: app.clientId, keyId: app.keyId, privateKeyPath, dpopKeyPath };
}

type Emulators = { redis: RunningEmulator; memory: RunningEmulator };
type Pair = { redis: Row; memory: Row };

function collectTokens(emus: Emulators): void {
  for (const emu of [emus.redis, emus.memory]) {
    for (const value of emu.built.state.tokens.keys()) issuedTokens.add(value);
  }
}

/** `n` calls on each client of each replica at once; one row per store from its emulator's counts. */
async function round(emus: Emulators, fleet: Replica[], phase: string, n: number): Promise<Pair> {
  const before = { redis: emus.redis.stats(), memory: emus.memory.stats() };
  const results = await Promise.all(
    fleet.map((r) => r.request<{ redis: CallsResult; memory: CallsResult }>({ cmd: 'calls', n })),
  );
  collectTokens(emus);
  const row = (store: 'redis' | 'memory'): Row => {
    const after = emus[store].stats();
    const mine = results.map((r) => r[store]);
    const failed = mine.reduce((s, r) => s + r.failed, 0);
    if (failed > 0)
      console.error(
        phase,
        store,
        mine.flatMap((r) => r.errors),
      );
    return {
      phase,
      store,
      calls: mine.reduce((s, r) => s + r.ok + r.failed, 0),
      failed,
      waited: mine.reduce((s, r) => s + r.waited, 0),
      tokensIssued: after.tokensIssued - before[store].tokensIssued,
      tokenHttpRequests: after.tokenRequests - before[store].tokenRequests,
    };
  };
  const degraded = results.map((r) => r.redis.degraded ?? 0);
  return { redis: { ...row('redis'), degraded }, memory: row('memory') };
}

let offsetMs = 0;
/** Advance both emulators and every replica clock by `STEP_MS`, `steps` times, with a round of calls each. */
async function lifetimes(
  emus: Emulators,
  fleet: Replica[],
  phase: string,
  steps: number,
): Promise<{ total: Pair; perStep: number[] }> {
  const perStep: number[] = [];
  const zero = (store: string): Row => ({
    phase,
    store,
    calls: 0,
    failed: 0,
    waited: 0,
    tokensIssued: 0,
    tokenHttpRequests: 0,
  });
  const total: Pair = { redis: zero('redis'), memory: zero('memory') };
  for (let i = 0; i < steps; i++) {
    emus.redis.clock.advance(STEP_MS);
    emus.memory.clock.advance(STEP_MS);
    offsetMs += STEP_MS;
    await Promise.all(fleet.map((r) => r.request({ cmd: 'clock', offsetMs })));
    const pair = await round(emus, fleet, phase, CALLS_PER_STEP);
    perStep.push(pair.redis.tokensIssued);
    for (const store of ['redis', 'memory'] as const) {
      for (const k of ['calls', 'failed', 'waited', 'tokensIssued', 'tokenHttpRequests'] as const) {
        total[store][k] += pair[store][k];
      }
    }
  }
  return { total, perStep };
}

/** How many times the emulator's fault rules fired. */
async function faultFired(emu: RunningEmulator): Promise<number> {
  const res = await fetch(`${emu.url}/__emulator/faults`);
  const body = (await res.json()) as { faults: { fired: number }[] };
  return body.faults.reduce((s, f) => s + f.fired, 0);
}

/** Steps at which refresh-ahead fires: every 5th (600 s × 5 = 3000 s ≥ 80% of 3600 s). */
const refreshSteps = (steps: number): number => Math.floor(steps / 5);

test('8 replicas share one token through Redis; side by side, in-memory stores fetch 8 times as many', async (t) => {
  const emus: Emulators = { redis: await startEmulator(), memory: await startEmulator() };
  t.after(() => Promise.all([emus.redis.close(), emus.memory.close()]));
  emus.memory.clock.set(emus.redis.clock.now());
  const fleet = await startFleet(REPLICAS, {
    redis: await fleetApp(emus.redis),
    memory: await fleetApp(emus.memory),
    redisUrl: redis.url,
    encryptionKey: randomBytes(32).toString('base64'),
    leaseMs: LEASE_MS,
  });
  t.after(() => Promise.all(fleet.map((r) => r.close())));

  // ---- Cold storm ----
  const cold = await round(emus, fleet, `cold storm, ${STORM} calls per replica`, STORM);
  rows.push(cold.redis, cold.memory);
  assert.equal(cold.redis.failed + cold.memory.failed, 0);
  assert.equal(
    cold.redis.tokensIssued,
    1,
    `one token for the whole fleet (degraded: ${cold.redis.degraded})`,
  );
  assert.equal(cold.redis.tokenHttpRequests, 2, 'one DPoP handshake: proof, then proof with the nonce');
  assert.equal(cold.memory.tokensIssued, REPLICAS, 'in memory: one per replica');

  // ---- Several lifetimes with refresh-ahead ----
  const steady = await lifetimes(emus, fleet, `${LIFETIME_STEPS} clock steps of 600 s`, LIFETIME_STEPS);
  rows.push(steady.total.redis, steady.total.memory);
  assert.equal(steady.total.redis.failed + steady.total.memory.failed, 0);
  assert.equal(steady.total.redis.waited, 0, 'refresh-ahead: no call waited for a token');
  assert.equal(
    steady.total.redis.tokensIssued,
    refreshSteps(LIFETIME_STEPS),
    `one per lifetime: ${steady.perStep.join(',')}`,
  );
  assert.equal(steady.total.memory.tokensIssued, REPLICAS * steady.total.redis.tokensIssued, '8 times');
  dumps.push(...(await dumpRedis(redis.url)));

  // ---- Redis killed: each replica on its own, no call fails ----
  monitor.detach();
  await redis.kill();
  const down = await lifetimes(emus, fleet, 'Redis killed, 5 clock steps', 5);
  rows.push({ ...down.total.redis, store: 'redis (down)' }, down.total.memory);
  assert.equal(down.total.redis.failed, 0, 'no call fails because Redis failed');
  assert.equal(down.total.redis.waited, 0);
  assert.equal(down.total.redis.tokensIssued, REPLICAS, `one per replica: ${down.perStep.join(',')}`);

  // ---- Redis back: one per fleet again ----
  await redis.restart();
  await monitor.attach(redis.port);
  // The clients reconnect (at most 1 s between attempts): wait until every replica's store shares again.
  for (let i = 0; ; i++) {
    const modes = await Promise.all(fleet.map((r) => r.request<{ mode: string }>({ cmd: 'mode' })));
    if (modes.every((m) => m.mode === 'shared')) break;
    assert.ok(i < 150, `every replica back on Redis within 30 s: ${modes.map((m) => m.mode).join(',')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const back = await lifetimes(emus, fleet, 'Redis back, 5 clock steps', 5);
  rows.push(back.total.redis, back.total.memory);
  assert.equal(back.total.redis.failed, 0);
  assert.equal(back.total.redis.tokensIssued, 1, `one per fleet again: ${back.perStep.join(',')}`);

  // ---- The lease holder dies mid-fetch ----
  const fault = await fetch(`${emus.redis.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: '/oauth2/v1/token', sequence: [{ type: 'latency', ms: 20_000 }] }),
  });
  assert.equal(fault.status, 201);
  const watcher = new Redis(redis.url);
  watcher.on('error', () => undefined);
  t.after(() => watcher.disconnect());
  const statsBefore = emus.redis.stats();
  const holder = fleet[0]!;
  await holder.request({ cmd: 'hold', scopes: ['okta.users.read'] });
  // When the lease was taken, from Redis's own record (its remaining time at first sight), not from when this
  // loop, on a busy machine, happened to look.
  let leaseTakenAt = 0;
  for (let i = 0; i < 400 && leaseTakenAt === 0; i++) {
    const [name] = await watcher.keys('okta-m2m:*:lease');
    const pttl = name === undefined ? -2 : await watcher.pttl(name);
    if (pttl > 0) leaseTakenAt = Date.now() - (LEASE_MS - pttl);
    else await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(leaseTakenAt > 0, 'the holder took the lease');
  // Kill it once its token request is in flight (held by the emulator's latency fault).
  for (let i = 0; i < 400 && (await faultFired(emus.redis)) === 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await faultFired(emus.redis), 1, 'the holder is fetching');
  await holder.kill();
  const killedAt = Date.now();
  const others = fleet.slice(1);
  const taken = await Promise.all(others.map((r) => r.request({ cmd: 'get', scopes: ['okta.users.read'] })));
  const takeoverMs = Date.now() - killedAt;
  const sinceLeaseMs = Date.now() - leaseTakenAt;
  const statsAfter = emus.redis.stats();
  const leaseIssued = statsAfter.tokensIssued - statsBefore.tokensIssued;
  assert.ok(
    taken.every((r) => r.type === 'DPoP'),
    JSON.stringify(taken),
  );
  assert.equal(
    leaseIssued,
    1,
    `one replica took over, the others took its token (${takeoverMs} ms after the kill)`,
  );
  // Slack for Redis's expiry and PTTL rounding (ms). Seen after a renewal, the time is the renewal's, which the
  // lease outlives by LEASE_MS too.
  assert.ok(sinceLeaseMs >= LEASE_MS - 250, `nobody fetched while the lease was held (${sinceLeaseMs} ms)`);
  assert.ok(takeoverMs <= TAKEOVER_BOUND_MS, `taken over ${takeoverMs} ms after the kill`);
  rows.push({
    phase: `lease holder killed mid-fetch: served ${takeoverMs} ms after the kill, ${sinceLeaseMs} ms after the lease was taken (lease ${LEASE_MS} ms, bound ${TAKEOVER_BOUND_MS} ms)`,
    store: 'redis',
    calls: others.length,
    failed: 0,
    waited: others.length,
    tokensIssued: leaseIssued,
    // The holder's request is still held by the fault (counted once handled), so this is the taker's.
    tokenHttpRequests: statsAfter.tokenRequests - statsBefore.tokenRequests,
  });
  collectTokens(emus);
  dumps.push(...(await dumpRedis(redis.url)));

  // ---- No access token in clear in Redis or in MONITOR output ----
  const fleetTokens = [...issuedTokens];
  assert.ok(fleetTokens.length > 0 && monitor.lines.length > 0 && dumps.length > 0);
  const pieces = fleetTokens.flatMap((tok) => [tok, ...tok.split('.').filter((p) => p.length > 16)]);
  const leaks = [...monitor.lines, ...dumps].filter((line) => pieces.some((p) => line.includes(p)));
  assert.deepEqual(leaks, [], 'no token, token payload or token signature in Redis');
  console.log(
    `\nScanned ${monitor.lines.length} MONITOR lines and ${dumps.length} keys/values for ${fleetTokens.length} issued tokens: none found.`,
  );
  printTable();
});

function printTable(): void {
  const head = '| phase | store | calls | failed | calls that waited | tokens issued | token HTTP requests |';
  const lines = rows.map(
    (r) =>
      `| ${r.phase} | ${r.store} | ${r.calls} | ${r.failed} | ${r.waited} | ${r.tokensIssued} | ${r.tokenHttpRequests} |`,
  );
  console.log(['', head, '| --- | --- | ---: | ---: | ---: | ---: | ---: |', ...lines, ''].join('\n'));
}
