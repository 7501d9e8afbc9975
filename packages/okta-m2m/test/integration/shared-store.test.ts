/**
 * Two clients (two "processes") sharing one TokenStore against the emulator: one fetch for both, a token
 * dropped after a 401 is not taken back from the store, different DPoP keys never share, and a store that
 * fails does not fail a call.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { generateKeyPair, MemoryTokenStore, type TokenStore } from '../../src/index.js';
import { clientInternals } from '../../src/client.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 2 });
});
after(() => emu.close());

const issued = (clientId: string): number => emu.stats().tokenRequestsByClient[clientId] ?? 0;

void test('two clients sharing a store: a concurrent cold storm makes one fetch for both', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const tokenStore = new MemoryTokenStore();
  const a = clientFor(emu, app, { tokenStore });
  const b = clientFor(emu, app, { tokenStore });
  t.after(() => Promise.all([a.close(), b.close()]));
  const tokens = await Promise.all(
    Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).tokens.getToken()),
  );
  assert.equal(issued(app.clientId), 1);
  assert.ok(tokens.every((x) => x.value === tokens[0]!.value));
  assert.equal(a.metrics().token.fetches + b.metrics().token.fetches, 1);
});

void test('a dropped token is not taken back from the store; the new one is shared', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const tokenStore = new MemoryTokenStore();
  const a = clientFor(emu, app, { tokenStore });
  const b = clientFor(emu, app, { tokenStore });
  t.after(() => Promise.all([a.close(), b.close()]));
  const first = await a.tokens.getToken();
  clientInternals(a).tokens.rejectToken(first);
  const second = await a.tokens.getToken();
  assert.notEqual(second.value, first.value);
  assert.equal(issued(app.clientId), 2);
  assert.equal((await b.tokens.getToken()).value, second.value);
  assert.equal(issued(app.clientId), 2);
});

void test('DPoP clients share only with the same DPoP key', async (t) => {
  const app = await emu.createServiceApp({ dpop: true });
  const shared = (await generateKeyPair({ alg: 'ES256' })).privateKeyPem;
  const tokenStore = new MemoryTokenStore();
  const a = clientFor(emu, app, { tokenStore, dpop: { key: shared } });
  const b = clientFor(emu, app, { tokenStore, dpop: { key: shared } });
  const c = clientFor(emu, app, { tokenStore, dpop: true }); // its own key
  t.after(() => Promise.all([a.close(), b.close(), c.close()]));
  const issuedBefore = emu.stats().tokensIssued;
  const ta = await a.tokens.getToken();
  const tb = await b.tokens.getToken();
  assert.equal(tb.value, ta.value);
  const tc = await c.tokens.getToken();
  assert.notEqual(tc.value, ta.value);
  assert.notEqual(tc.jkt, ta.jkt);
  assert.equal(emu.stats().tokensIssued - issuedBefore, 2);
  await b.users.list({ limit: 1 }).next(); // b's proofs match the token a fetched
});

void test('a store that fails does not fail a call', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const broken: TokenStore = {
    get: () => Promise.reject(new Error('store down')),
    set: () => Promise.reject(new Error('store down')),
    lease: () => Promise.reject(new Error('store down')),
    waitForToken: () => Promise.reject(new Error('store down')),
  };
  const warnings: string[] = [];
  const logger = {
    debug() {},
    info() {},
    error() {},
    warn: (_o: object, m?: string) => void warnings.push(m ?? ''),
  };
  const client = clientFor(emu, app, { tokenStore: broken, logger });
  t.after(() => client.close());
  const tokens = await Promise.all(Array.from({ length: 20 }, () => client.tokens.getToken()));
  assert.ok(tokens.every((x) => x === tokens[0]));
  assert.equal(issued(app.clientId), 1, 'the in-process single flight still holds');
  assert.ok(warnings.some((w) => w.includes('token store failed')));
});
