// Two replicas of the service with REDIS_URL's store, against one emulator and a real redis-server (Debian's
// package, started on a free loopback port): the pair fetches one token between them; /readyz, /status and
// /metrics say `shared`; with Redis killed every call still succeeds and they say `degraded` (ready all the same);
// with Redis back they say `shared` again. The same pair without Redis fetches one token each.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { generateKeyPair, type OktaClientOptions } from 'okta-m2m';
import { startRedis, type TestRedis } from 'okta-m2m-redis/testing';
import { generateApiKey } from '../src/api-keys.js';
import { buildApp } from '../src/app.js';
import type { SharedTokenStoreConfig } from '../src/config.js';

let emu: RunningEmulator | undefined;
let redis: TestRedis | undefined;
const apps: FastifyInstance[] = [];
after(async () => {
  for (const app of apps) await app.close();
  await emu?.close();
  await redis?.stop();
});

const reader = generateApiKey('reader', 'users:read');
const auth = { authorization: `Bearer ${reader.key}` };

async function replica(
  okta: OktaClientOptions,
  tokenStore?: SharedTokenStoreConfig,
): Promise<FastifyInstance> {
  const app = await buildApp({ okta, apiKeys: [reader.apiKey], logLevel: 'silent', tokenStore });
  apps.push(app);
  return app;
}

/** A DPoP service app on `emulator`, and client options whose DPoP key the replicas share (OKTA_DPOP_KEY_PATH). */
async function fleetOptions(emulator: RunningEmulator, label: string): Promise<OktaClientOptions> {
  const app = await emulator.createServiceApp({ label, dpop: true });
  return {
    orgUrl: emulator.url,
    clientId: app.clientId,
    keyId: app.keyId,
    privateKey: app.privateKeyPem,
    dpop: { key: (await generateKeyPair({ alg: 'ES256' })).privateKeyPem },
    transport: { breaker: false },
  };
}

async function listUsers(app: FastifyInstance): Promise<number> {
  return (await app.inject({ url: '/users?limit=2', headers: auth })).statusCode;
}

async function storeState(app: FastifyInstance): Promise<string> {
  const status = (await app.inject({ url: '/status', headers: auth })).json() as {
    tokenStore: { state: string };
  };
  return status.tokenStore.state;
}

void test('users-service replicas share one token through Redis and keep serving while it is down', async () => {
  redis = await startRedis();
  emu = await startEmulator({ seedUsers: 5, seed: 3 });
  const okta = await fleetOptions(emu, 'users-service-fleet');
  const shared: SharedTokenStoreConfig = { redisUrl: redis.url, encryptionKey: randomBytes(32) };
  const a = await replica(okta, shared);
  const b = await replica(okta, shared);

  const before = emu.stats().tokensIssued;
  const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => listUsers(i % 2 ? a : b)));
  assert.deepEqual(new Set(statuses), new Set([200]));
  assert.equal(emu.stats().tokensIssued - before, 1, 'one token for both replicas');

  const ready = (await a.inject({ url: '/readyz' })).json() as { status: string; tokenStore: string };
  assert.deepEqual([ready.status, ready.tokenStore], ['ready', 'shared']);
  assert.equal(await storeState(b), 'shared');
  const status = (await b.inject({ url: '/status', headers: auth })).json() as {
    tokenStore: { counters: Record<string, number> };
  };
  assert.equal(status.tokenStore.counters['tamperedEntries'], 0);
  assert.ok(status.tokenStore.counters['leasesAcquired']! >= 1, JSON.stringify(status.tokenStore));

  await redis.kill();
  const down = await Promise.all(Array.from({ length: 10 }, (_, i) => listUsers(i % 2 ? a : b)));
  assert.deepEqual(new Set(down), new Set([200]), 'no call fails because Redis failed');
  assert.equal(await storeState(a), 'degraded');
  const degradedReady = await b.inject({ url: '/readyz' });
  assert.equal(degradedReady.statusCode, 200, 'a degraded store does not make the service unready');
  assert.equal((degradedReady.json() as { tokenStore: string }).tokenStore, 'degraded');
  const metrics = (await a.inject({ url: '/metrics' })).body;
  assert.match(metrics, /okta_token_store_state\{state="degraded"\} 1/);

  await redis.restart();
  let state = 'degraded';
  for (let i = 0; i < 40 && state !== 'shared'; i++) {
    await sleep(250);
    state = await storeState(a);
  }
  assert.equal(state, 'shared', 'shared again within 10 s of Redis coming back');
  assert.deepEqual(new Set(await Promise.all([listUsers(a), listUsers(b)])), new Set([200]));
  assert.match((await a.inject({ url: '/metrics' })).body, /okta_token_store_state\{state="shared"\} 1/);
});

void test('without REDIS_URL each replica fetches its own token, and says in-process', async () => {
  const local = await startEmulator({ seedUsers: 3, seed: 4 });
  try {
    const okta = await fleetOptions(local, 'users-service-alone');
    const a = await replica(okta);
    const b = await replica(okta);
    const before = local.stats().tokensIssued;
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => listUsers(i % 2 ? a : b)));
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(local.stats().tokensIssued - before, 2, 'one token per replica');
    assert.equal(await storeState(a), 'in-process');
    assert.equal(
      ((await b.inject({ url: '/readyz' })).json() as { tokenStore: string }).tokenStore,
      'in-process',
    );
  } finally {
    await local.close();
  }
});
