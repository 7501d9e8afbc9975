// Token-side hardening against the emulator, counting token requests with the emulator's own statistics (never
// the library's counters): negative caching of failures that repetition cannot fix, clock-skew correction from
// the server's Date, the separate token and API breakers, and a still-valid token kept on an insufficient_scope
// 403 for a scope it shows as never granted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { clientInternals } from '../../src/client.js';
import { CircuitOpenError, OAuthError, OktaApiError } from '../../src/errors.js';
import { clientFor } from '../helpers/emulator-client.js';
import { capturingLogger } from '../helpers/token-fakes.js';

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

/**
 * Token requests the emulator received since `counter()` was made. Tests in this file run one at a time, and a
 * refused client is not counted per client by the emulator, so the total is used.
 */
function counter(): () => number {
  const start = emu.stats().tokenRequests;
  return () => emu.stats().tokenRequests - start;
}

async function lifecycle(appId: string, action: 'activate' | 'deactivate'): Promise<void> {
  const res = await fetch(`${emu.url}/api/v1/apps/${appId}/lifecycle/${action}`, {
    method: 'POST',
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  assert.equal(res.status, 200, await res.text());
}

async function faults(rule: Record<string, unknown> | 'clear'): Promise<void> {
  const res = await fetch(`${emu.url}/__emulator/faults`, {
    method: rule === 'clear' ? 'DELETE' : 'POST',
    ...(rule === 'clear'
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) }),
  });
  assert.ok(res.ok, await res.text());
}

void test('negative cache: a refused client gets the same OAuthError without a request, with back-off 1 s, 2 s, 4 s…; a success clears it', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const tokenRequests = counter();
  let now = Date.now();
  const client = clientFor(emu, app, { deps: { clock: () => now } });
  t.after(() => client.close());
  await lifecycle(app.appId, 'deactivate');

  const first = await client.tokens.getToken().then(
    () => assert.fail('expected invalid_client'),
    (e: unknown) => e,
  );
  assert.ok(first instanceof OAuthError && first.error === 'invalid_client', String(first));
  const storm = await Promise.allSettled(Array.from({ length: 50 }, () => client.tokens.getToken()));
  assert.ok(
    storm.every((r) => r.status === 'rejected' && r.reason === first),
    'the same typed error',
  );
  assert.equal(tokenRequests(), 1, '51 calls within the back-off: one token request');
  assert.equal(client.metrics().token.cache.negative, 50);

  const expectRequests = async (advanceMs: number, expected: number): Promise<void> => {
    now += advanceMs;
    await assert.rejects(client.tokens.getToken(), OAuthError);
    assert.equal(tokenRequests(), expected, `after +${advanceMs} ms`);
  };
  await expectRequests(999, 1);
  await expectRequests(1, 2); // 1 s passed: one new request, which fails; the back-off doubles
  await expectRequests(1_999, 2);
  await expectRequests(1, 3);
  await expectRequests(4_000, 4);

  await lifecycle(app.appId, 'activate');
  await assert.rejects(client.tokens.getToken(), OAuthError, 'still inside the 8 s back-off');
  assert.equal(tokenRequests(), 4);
  now += 8_000;
  const token = await client.tokens.getToken();
  assert.equal(token.type, 'Bearer');
  assert.equal(tokenRequests(), 5);

  // Cleared by the success: the next failure starts again at 1 s.
  await lifecycle(app.appId, 'deactivate');
  clientInternals(client).tokens.rejectToken(token);
  await expectRequests(0, 6);
  await expectRequests(1_000, 7);
});

void test('negative cache: API calls during an invalid_client period send one token request per back-off step, not one per call', async (t) => {
  const app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const tokenRequests = counter();
  const client = clientFor(emu, app);
  t.after(() => client.close());
  await lifecycle(app.appId, 'deactivate');
  const results = await Promise.allSettled(Array.from({ length: 200 }, () => client.users.get(userId)));
  assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof OAuthError));
  for (let i = 0; i < 100; i++) await assert.rejects(client.users.get(userId), OAuthError);
  assert.equal(tokenRequests(), 1);
});

for (const [label, serverOffsetMs] of [
  ['2 minutes fast', -120_000],
  ['10 minutes slow', 600_000],
] as const) {
  void test(`clock skew (host ${label}): one refusal, the offset learnt from Date, one corrected retry; remembered, in metrics and a log line`, async (t) => {
    t.after(() => emu.clock.set(Date.now()));
    const app = await emu.createServiceApp({ dpop: true, role: 'SUPER_ADMIN' });
    const logger = capturingLogger();
    const client = clientFor(emu, app, { logger });
    t.after(() => client.close());
    emu.clock.set(Date.now() + serverOffsetMs);
    const byOutcome = (): Record<string, number> => ({ ...emu.stats().tokenRequestsByOutcome });
    const before = byOutcome();
    const user = await client.users.get(userId);
    assert.equal(user.id, userId);
    const token = await client.tokens.getToken();
    assert.equal(token.type, 'DPoP', 'the DPoP proofs carry the corrected iat too');
    const after = byOutcome();
    assert.equal(
      (after['invalid_client'] ?? 0) - (before['invalid_client'] ?? 0),
      1,
      'one time-claim refusal',
    );
    const skew = client.metrics().clock.skewMs;
    assert.ok(Math.abs(skew - serverOffsetMs) <= 2_000, `skew ${skew} ≈ ${serverOffsetMs}`);
    assert.equal(client.metrics().clock.corrections, 1);
    const line = logger.entries.find((e) => 'clockSkewMs' in e.obj);
    assert.ok(line, 'a log line reports the offset');
    assert.equal(line.level, 'warn');
    assert.match(line.msg ?? '', /clock differs from the authorization server's/);
    // Remembered: a new scope set is fetched without another refusal.
    await client.tokens.getToken(['okta.users.read']);
    assert.equal((byOutcome()['invalid_client'] ?? 0) - (before['invalid_client'] ?? 0), 1);
  });
}

void test('clock skew: a refusal that is not about time claims is not retried', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  const tokenRequests = counter();
  const client = clientFor(emu, app, { keyId: 'not-the-registered-kid' });
  t.after(() => client.close());
  await assert.rejects(
    client.tokens.getToken(),
    (e: unknown) => e instanceof OAuthError && /kid/.test(e.message),
  );
  assert.equal(tokenRequests(), 1);
  assert.equal(client.metrics().clock.corrections, 0);
});

void test('separate breakers: an API outage opens the API circuit only; token fetches go on', async (t) => {
  const app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const client = clientFor(emu, app, {
    transport: { retry: { baseDelayMs: 1, maxDelayMs: 2 }, breaker: { failureThreshold: 2 } },
  });
  t.after(() => client.close());
  t.after(() => faults('clear'));
  await faults({ method: 'GET', path: '/api/v1/users*', sequence: [503], repeat: true });
  await assert.rejects(client.users.get(userId), (e) => e instanceof OktaApiError && e.status === 503);
  await assert.rejects(client.users.get(userId), (e) => e instanceof OktaApiError && e.status === 503);
  await assert.rejects(client.users.get(userId), CircuitOpenError);
  assert.deepEqual(client.transport.breakerStates, { api: 'open', token: 'closed' });
  const token = await client.tokens.getToken(['okta.users.read']);
  assert.equal(token.type, 'Bearer', 'a token fetch is not refused by the API circuit');
});

void test('insufficient_scope for a scope the token shows as never granted: the still-valid token is kept, no refetch', async (t) => {
  const app = await emu.createServiceApp({ dpop: false, scopes: ['okta.users.read'], role: 'SUPER_ADMIN' });
  const tokenRequests = counter();
  const client = clientFor(emu, app, { scopes: ['okta.users.read', 'okta.users.manage'] });
  t.after(() => client.close());
  const token = await client.tokens.getToken();
  assert.deepEqual(token.missingScopes, ['okta.users.manage']);
  await assert.rejects(client.users.updateName(userId, { firstName: 'A', lastName: 'B' }), (e: unknown) => {
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.status, 403);
    return true;
  });
  assert.equal(tokenRequests(), 1, 'no second token request');
  assert.equal(await client.tokens.getToken(), token, 'the same cached token');
});

void test('insufficient_scope for a scope the client never asked for: the still-valid token is kept, no refetch', async (t) => {
  const app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  const tokenRequests = counter();
  const client = clientFor(emu, app, { scopes: ['okta.users.read'] });
  t.after(() => client.close());
  const token = await client.tokens.getToken();
  assert.deepEqual(token.missingScopes, []);
  await assert.rejects(client.users.updateName(userId, { firstName: 'A', lastName: 'B' }), (e: unknown) => {
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.status, 403);
    return true;
  });
  assert.equal(tokenRequests(), 1, 'no second token request: a new token would lack okta.users.manage too');
  assert.equal(await client.tokens.getToken(), token, 'the same cached token');
});
