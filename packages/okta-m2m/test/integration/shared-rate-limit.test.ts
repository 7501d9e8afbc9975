/**
 * Shared rate-limit awareness against the emulator's token bucket (3 requests a window): two clients sharing a
 * store. The first spends the window down to the reserve; the second, which has never seen a rate-limit header
 * itself, waits for the window's reset before its token request (its injected sleep advances the emulator's
 * clock) instead of meeting a 429. Without a shared store nothing is paced and the 429 comes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { MemoryTokenStore } from '../../src/index.js';
import { clientInternals } from '../../src/client.js';
import { MAX_PACING_WAIT_MS } from '../../src/auth/token-pacing.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 1, quotas: { '/oauth2/v1/token': 3 } });
});
after(() => emu.close());

/** A sleep that lets the emulator's time pass instead of ours, recording each wait. */
function emulatorSleep(waits: number[]): (ms: number) => Promise<void> {
  return async (ms) => {
    waits.push(ms);
    emu.clock.advance(ms);
  };
}

/** Two token requests by `client` (the second after dropping the first token, as after a 401). */
async function spendTwo(client: ReturnType<typeof clientFor>): Promise<void> {
  const first = await client.tokens.getToken();
  clientInternals(client).tokens.rejectToken(first);
  await client.tokens.getToken();
}

void test('a client sharing the store waits for the reset instead of meeting a 429', async (t) => {
  emu.clock.advance(120_000); // a fresh window
  const app = await emu.createServiceApp({ dpop: false });
  const tokenStore = new MemoryTokenStore();
  const aWaits: number[] = [];
  const bWaits: number[] = [];
  // The clients' hosts keep the server's time (a reset over a minute ahead of it is not believed).
  const clock = (): number => emu.clock.now();
  const a = clientFor(emu, app, { dpop: false, tokenStore, deps: { clock, sleep: emulatorSleep(aWaits) } });
  const b = clientFor(emu, app, { dpop: false, tokenStore, deps: { clock, sleep: emulatorSleep(bWaits) } });
  t.after(() => Promise.all([a.close(), b.close()]));

  await spendTwo(a); // remaining 1 of 3: the reserve
  assert.deepEqual(aWaits, []);
  const shared = await b.tokens.getToken(); // a's token, from the store
  clientInternals(b).tokens.rejectToken(shared);
  const own = await b.tokens.getToken();
  assert.notEqual(own.value, shared.value);
  assert.equal(bWaits.length, 1, `b waited once: ${JSON.stringify(bWaits)}`);
  assert.ok(bWaits[0]! > 0 && bWaits[0]! <= MAX_PACING_WAIT_MS, String(bWaits[0]));
  const metrics = b.metrics();
  assert.equal(metrics.token.paced.count, 1);
  assert.equal(metrics.requests.byStatus['429'], undefined, 'b met no 429');
  assert.equal(metrics.token.requests, 1);
});

void test('without a shared store nothing is paced: the third request of the window meets the 429', async (t) => {
  emu.clock.advance(120_000);
  const app = await emu.createServiceApp({ dpop: false });
  const waits: number[] = [];
  const a = clientFor(emu, app, { dpop: false, deps: { sleep: emulatorSleep(waits) } });
  const b = clientFor(emu, app, { dpop: false, deps: { sleep: emulatorSleep(waits) } });
  t.after(() => Promise.all([a.close(), b.close()]));
  await spendTwo(a);
  await b.tokens.getToken(); // the window's third request: allowed, remaining 0
  await spendTwo(b).catch(() => undefined); // the fourth meets the 429 (the retry policy then waits for reset)
  assert.equal(a.metrics().token.paced.count + b.metrics().token.paced.count, 0);
  assert.ok((b.metrics().requests.byStatus['429'] ?? 0) >= 1, JSON.stringify(b.metrics().requests.byStatus));
});

void test("a fetch paces once: the DPoP handshake's second request follows at once", async (t) => {
  emu.clock.advance(120_000);
  const app = await emu.createServiceApp({ dpop: true });
  const clock = (): number => emu.clock.now();
  const tokenStore = new MemoryTokenStore({ clock });
  // The fleet reports the window at its reserve before each request (as other replicas keep spending it).
  tokenStore.readRateLimit = async () => ({ limit: 600, remaining: 1, resetAt: clock() + 10_000 });
  const waits: number[] = [];
  const client = clientFor(emu, app, {
    dpop: true,
    tokenStore,
    deps: { clock, sleep: emulatorSleep(waits) },
  });
  t.after(() => client.close());
  await client.tokens.getToken();
  const metrics = client.metrics();
  assert.equal(metrics.token.requests, 2, 'the DPoP handshake: a nonce, then the token');
  assert.equal(waits.length, 1, `waited once: ${JSON.stringify(waits)}`);
  assert.equal(metrics.token.paced.count, 1);
});
