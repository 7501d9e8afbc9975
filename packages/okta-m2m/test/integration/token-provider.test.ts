/**
 * The token provider against the emulator: one token request for a cold-start storm, refresh ahead of expiry
 * (nobody waits at the expiry boundary), exactly one refresh after a 401, and the automatic DPoP switch.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { decodeJwt } from 'jose';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { CHANNELS, OktaApiError, type TokenCacheEvent } from '../../src/index.js';
import { clientInternals } from '../../src/client.js';
import { capturingLogger } from '../helpers/token-fakes.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 5 });
});
after(() => emu.close());

function tokenRequests(clientId: string): number {
  return emu.stats().tokenRequestsByClient[clientId] ?? 0;
}

void test('cold-start storm: 200 concurrent getToken() calls cause exactly 1 token request', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const client = clientFor(emu, app);
  t.after(() => client.close());
  const tokens = await Promise.all(Array.from({ length: 200 }, () => client.tokens.getToken()));
  assert.equal(tokenRequests(app.clientId), 1);
  assert.ok(tokens.every((x) => x === tokens[0]));
  assert.equal(client.metrics().token.fetches, 1);
  assert.equal(client.metrics().token.cache.misses, 200);
});

void test('cold-start storm on a DPoP app: one fetch (3 handshake requests), one token', async (t) => {
  const app = await emu.createServiceApp({ dpop: true });
  const client = clientFor(emu, app);
  t.after(() => client.close());
  const tokens = await Promise.all(Array.from({ length: 200 }, () => client.tokens.getToken()));
  assert.ok(tokens.every((x) => x === tokens[0] && x.type === 'DPoP'));
  assert.equal(tokenRequests(app.clientId), 3, 'no proof → proof → proof with nonce');
  assert.equal(client.metrics().token.fetches, 1);
});

void test('cold-start storm through the API: 200 concurrent calls, 1 token request', async (t) => {
  const app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const client = clientFor(emu, app, { transport: { retry: false, breaker: false } });
  t.after(() => client.close());
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, () => client.users.get('nobody-0@example.com')),
  );
  assert.equal(tokenRequests(app.clientId), 1);
  for (const r of results) {
    // The app is a Super Admin, so every call reaches the lookup and gets its 404.
    assert.equal(r.status, 'rejected');
    const e = (r as PromiseRejectedResult).reason as unknown;
    assert.ok(e instanceof OktaApiError, String(e));
    assert.equal(e.status, 404, e.message);
  }
});

void test('expiry: the token is refreshed ahead, so calls across the expiry boundary never wait', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const cacheEvents: TokenCacheEvent['result'][] = [];
  const onCache = (m: unknown): void => void cacheEvents.push((m as TokenCacheEvent).result);
  subscribe(CHANNELS.tokenCache, onCache);
  t.after(() => unsubscribe(CHANNELS.tokenCache, onCache));
  t.after(() => emu.clock.set(Date.now())); // later tests use the real clock
  // The client reads the emulator's clock, so moving it moves both sides together.
  const client = clientFor(emu, app, { deps: { clock: () => emu.clock.now() } });
  t.after(() => client.close());

  const first = await client.tokens.getToken();
  assert.equal(tokenRequests(app.clientId), 1);
  emu.clock.advance(2_900_000); // past 80% of the 3600 s lifetime
  const during = await client.tokens.getToken();
  assert.equal(during, first, 'the cached token is served while the refresh runs');
  await clientInternals(client).tokens.settled();
  assert.equal(tokenRequests(app.clientId), 2, 'one background refresh');

  emu.clock.advance(800_000); // the first token has now expired at the server
  const mine = cacheEvents.length;
  const after = await Promise.all(Array.from({ length: 50 }, () => client.tokens.getToken()));
  assert.ok(after.every((x) => x !== first && x === after[0]));
  assert.ok(after[0]!.expiresAt > emu.clock.now());
  assert.equal(tokenRequests(app.clientId), 2, 'no fetch at the expiry boundary');
  assert.deepEqual(
    new Set(cacheEvents.slice(mine)),
    new Set(['hit']),
    'every call after expiry was a cache hit',
  );
  const cache = client.metrics().token.cache;
  assert.equal(cache.misses, 1, 'only the cold start missed');
  assert.equal(cache.refreshAhead, 1);
});

void test('a 401 from the API causes exactly one token refresh and one retry', async (t) => {
  const app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const client = clientFor(emu, app);
  t.after(() => client.close());
  const first = await client.tokens.getToken();
  // The server forgets every token it issued (as after a revocation); the client still holds a fresh-looking one.
  emu.built.state.tokens.clear();
  const before = tokenRequests(app.clientId);
  const outcome = await client.users.get('nobody-1@example.com').then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.equal(tokenRequests(app.clientId) - before, 1, 'exactly one refresh');
  assert.notEqual(await client.tokens.getToken(), first);
  assert.ok(outcome instanceof OktaApiError, String(outcome));
  // The retry with the new token passed authentication: the unknown user is a 404 (403 without admin roles).
  assert.equal(outcome.status, 404, outcome.message);
});

void test("dpop 'auto' switches to DPoP for a DPoP app, logs it once, and API calls carry DPoP proofs", async (t) => {
  const app = await emu.createServiceApp({ dpop: true, role: 'SUPER_ADMIN' });
  const logger = capturingLogger();
  const client = clientFor(emu, app, { logger });
  t.after(() => client.close());
  const token = await client.tokens.getToken();
  assert.equal(token.type, 'DPoP');
  assert.equal(client.tokens.dpopActive, true);
  // The binding as the emulator issued it (the token's cnf.jkt), not as the library reports it.
  const cnf = decodeJwt(token.value)['cnf'] as { jkt?: string } | undefined;
  assert.ok(cnf?.jkt, 'the issued token is DPoP-bound');
  assert.equal(token.jkt, cnf.jkt);
  const infos = logger.entries.filter((e) => e.level === 'info' && /switching to DPoP/.test(e.msg ?? ''));
  assert.equal(infos.length, 1);
  // A DPoP-bound token reaches the API's authorization checks (no 400/401 DPoP failure).
  const outcome = await client.users.get('nobody-2@example.com').then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(outcome instanceof OktaApiError, String(outcome));
  assert.equal(outcome.status, 404, outcome.message);
  assert.equal(tokenRequests(app.clientId), 3);
});

void test('a transport retry of a token request signs a new client assertion (the emulator refuses a replayed jti)', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const client = clientFor(emu, app);
  t.after(() => client.close());
  // The emulator processes the first request (burning its assertion jti and issuing a token), then cuts the
  // response in half; the library retries. Resending the same assertion would get 401 "already been used".
  const rule = await fetch(`${emu.url}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'POST', path: '/oauth2/v1/token', sequence: ['truncate'] }),
  });
  assert.equal(rule.status < 300, true, await rule.text());
  t.after(() => fetch(`${emu.url}/__emulator/faults`, { method: 'DELETE' }));
  const before = emu.stats();

  const token = await client.tokens.getToken();
  const after = emu.stats();
  assert.equal(token.type, 'Bearer');
  assert.equal(client.metrics().token.requests, 2, 'the truncated answer was retried once');
  assert.equal(client.metrics().retries.byReason['network'], 1);
  assert.equal(
    after.tokensIssued - before.tokensIssued,
    2,
    'both attempts were accepted: two distinct assertions',
  );
  assert.equal(
    after.tokenRequestsByOutcome['invalid_client'] ?? 0,
    before.tokenRequestsByOutcome['invalid_client'] ?? 0,
  );
});
