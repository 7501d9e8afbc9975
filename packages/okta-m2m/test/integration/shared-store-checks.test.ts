/**
 * A token from a shared store passes the checks a fetched token passes, and the store never bypasses the negative
 * cache. A store that plants a token for every key it is asked about stands for another process that stored it:
 * a Bearer token for a `dpop: true` client, a partly granted token for a `requireAllScopes` client and a token
 * requested for other scopes are all refused (the client fetches its own); a remembered failure is answered
 * without reading the store.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import {
  generateKeyPair,
  MemoryTokenStore,
  OAuthError,
  type StoredToken,
  type TokenStore,
} from '../../src/index.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 2 });
});
after(() => emu.close());

const SCOPES = ['okta.users.manage', 'okta.users.read'];

/** A MemoryTokenStore whose `get` answers `planted` while nothing else is stored, counting reads. */
function plantingStore(planted: StoredToken): TokenStore & { reads: number } {
  const inner = new MemoryTokenStore();
  const store = {
    reads: 0,
    get: async (key: string) => {
      store.reads++;
      return (await inner.get(key)) ?? planted;
    },
    set: inner.set.bind(inner),
    lease: inner.lease.bind(inner),
    waitForToken: inner.waitForToken.bind(inner),
  };
  return store;
}

function planted(overrides: Partial<StoredToken>): StoredToken {
  const now = Date.now();
  return {
    value: 'planted-token-value',
    type: 'Bearer',
    expiresAt: now + 3_600_000,
    obtainedAt: now,
    scopes: SCOPES,
    requestedScopes: SCOPES,
    ...overrides,
  };
}

void test('dpop: true refuses a stored Bearer token and fetches its own DPoP token', async (t) => {
  const app = await emu.createServiceApp({ dpop: true });
  const client = clientFor(emu, app, { dpop: true, tokenStore: plantingStore(planted({})) });
  t.after(() => client.close());
  const token = await client.tokens.getToken();
  assert.notEqual(token.value, 'planted-token-value');
  assert.equal(token.type, 'DPoP');
});

void test('requireAllScopes refuses a stored token missing a requested scope', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const partial = planted({ scopes: ['okta.users.read'] });
  const client = clientFor(emu, app, {
    dpop: false,
    requireAllScopes: true,
    tokenStore: plantingStore(partial),
  });
  t.after(() => client.close());
  const token = await client.tokens.getToken();
  assert.notEqual(token.value, 'planted-token-value');
  assert.deepEqual([...token.missingScopes], []);
});

void test('a stored token requested for other scopes is refused', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const other = planted({ scopes: ['okta.users.read'], requestedScopes: ['okta.users.read'] });
  const client = clientFor(emu, app, { dpop: false, tokenStore: plantingStore(other) });
  t.after(() => client.close());
  assert.notEqual((await client.tokens.getToken()).value, 'planted-token-value');
});

void test('a stored token that passes every check is used without a request', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const client = clientFor(emu, app, { dpop: false, tokenStore: plantingStore(planted({})) });
  t.after(() => client.close());
  const before = emu.stats().tokenRequestsByClient[app.clientId] ?? 0;
  assert.equal((await client.tokens.getToken()).value, 'planted-token-value');
  assert.equal(emu.stats().tokenRequestsByClient[app.clientId] ?? 0, before);
});

void test('a remembered token failure is answered before the store is read', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const wrongKey = (await generateKeyPair({ alg: 'RS256' })).privateKeyPem;
  const store = plantingStore(planted({ value: 'another-process-token' }));
  const inner = new MemoryTokenStore();
  // Nothing usable in the store at first: the first fetch goes to the server and is refused.
  let plant = false;
  const gated: TokenStore & { reads: number } = {
    reads: 0,
    get: async (key) => {
      gated.reads++;
      return plant ? store.get(key) : inner.get(key);
    },
    set: inner.set.bind(inner),
    lease: inner.lease.bind(inner),
    waitForToken: inner.waitForToken.bind(inner),
  };
  const client = clientFor(emu, app, { dpop: false, privateKey: wrongKey, tokenStore: gated });
  t.after(() => client.close());
  const first = await client.tokens.getToken().catch((e: unknown) => e);
  assert.ok(first instanceof OAuthError && first.error === 'invalid_client', String(first));
  // Another process stores a token now; within the back-off this client still answers its remembered failure.
  plant = true;
  const reads = gated.reads;
  const requests = emu.stats().tokenRequests;
  const second = await client.tokens.getToken().catch((e: unknown) => e);
  assert.equal(second, first, 'the same remembered error');
  assert.equal(gated.reads, reads, 'the store was not read');
  assert.equal(emu.stats().tokenRequests, requests, 'no token request');
  assert.equal(client.metrics().token.cache.negative, 1);
});
