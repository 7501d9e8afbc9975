// The two circuits stay apart: API calls that run out of time while waiting for a token (the token endpoint
// stalls) are not failures of the management API, so they never open its breaker. Through the fault proxy in
// front of the emulator; requests are counted at the proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator } from 'okta-emulator';
import { clientInternals, createOktaClient } from '../../src/client.js';
import { CircuitOpenError, TimeoutError } from '../../src/errors.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';

void test('a stalled token endpoint: API calls time out waiting for a token and the token circuit opens; the API breaker stays closed', async (t) => {
  const emu = await startEmulator({ seedUsers: 1 });
  t.after(() => emu.close());
  const proxy = await startFaultProxy(emu.url);
  t.after(() => proxy.close());
  const app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const res = await fetch(`${emu.url}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  const userId = ((await res.json()) as { id: string }[])[0]!.id;
  const client = createOktaClient({
    orgUrl: proxy.url,
    clientId: app.clientId,
    keyId: app.keyId,
    privateKey: app.privateKeyPem,
    audience: emu.tokenEndpoint,
    dpop: false,
    scopes: ['okta.users.read'],
    transport: {
      timeoutMs: 600,
      deadlineMs: 1_000,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      breaker: { failureThreshold: 2 },
    },
  });
  t.after(() => client.close({ force: true }));
  proxy.rule('POST', '/oauth2/v1/token', ['stall'], { repeat: true });
  const apiBefore = proxy.count('GET', '/api/v1/users/');
  for (let i = 0; i < 3; i++) await assert.rejects(client.users.get(userId), TimeoutError);
  assert.equal(proxy.count('GET', '/api/v1/users/') - apiBefore, 0, 'no API request was sent');
  assert.equal(
    client.transport.breakerStates.api,
    'closed',
    'three timed-out calls that never reached the API',
  );
  await clientInternals(client).tokens.settled(); // the stalled fetch gives up at its own deadline
  // While the token circuit is open, a call fails fast naming the token endpoint, never the management API.
  await assert.rejects(client.users.get(userId), (e: unknown) => {
    assert.ok(e instanceof CircuitOpenError);
    assert.match(e.message, /token endpoint circuit breaker is open/);
    return true;
  });
  assert.equal(client.transport.breakerStates.api, 'closed');
});
