import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHash, type JsonWebKey } from 'node:crypto';
import { createDpopProver } from '../../src/auth/dpop.js';
import { jwkThumbprint, loadSigningKey } from '../../src/auth/keys.js';
import { TokenProvider, type TokenProviderOptions } from '../../src/auth/token-provider.js';
import type { HttpRequest } from '../../src/http/types.js';
import {
  ClosedError,
  DpopError,
  InvalidArgumentError,
  OAuthError,
  ScopesNotGrantedError,
} from '../../src/errors.js';
import { Metrics } from '../../src/observability/metrics.js';
import {
  FakeTransport,
  capturingLogger,
  defaultTokenSettings,
  countingUuid,
  decodeJwt,
  form,
  manualClock,
  type ScriptedResponse,
} from '../helpers/token-fakes.js';

const endpoint = new URL('https://acme.okta.com/oauth2/v1/token');
const signingKey = loadSigningKey({
  privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
  keyId: 'kid-1',
});
const SCOPES = ['okta.users.read', 'okta.users.manage'];

function bearer(n: number, extra: Record<string, unknown> = {}): ScriptedResponse {
  return {
    status: 200,
    json: {
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: `at-${n}`,
      scope: SCOPES.join(' '),
      ...extra,
    },
  };
}

function setup(
  answer: ConstructorParameters<typeof FakeTransport>[0],
  options: Partial<TokenProviderOptions> = {},
) {
  const clock = manualClock();
  const uuid = countingUuid();
  const logger = capturingLogger();
  const metrics = new Metrics();
  const transport = new FakeTransport(answer);
  const deps = { clock: clock.now, uuid, logger };
  const provider = new TokenProvider({
    transport,
    ...defaultTokenSettings(endpoint),
    tokenEndpoint: endpoint,
    clientId: '0oa1',
    signingKey,
    scopes: SCOPES,
    dpop: 'auto',
    dpopProver: () => createDpopProver({ deps }),
    metrics,
    deps,
    refreshTimer: false,
    ...options,
  });
  return { clock, uuid, logger, metrics, transport, provider };
}

/** A transport answer that waits until released, so tests can hold a fetch in flight. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  return { release, opened };
}

void describe('TokenProvider: cache and single flight', () => {
  void test('concurrent callers on a cold cache cause exactly one token request', async () => {
    const g = gate();
    let n = 0;
    const { provider, transport, metrics } = setup(async () => {
      await g.opened;
      return bearer(++n);
    });
    const calls = Array.from({ length: 50 }, () => provider.getToken());
    await new Promise((r) => setImmediate(r));
    g.release();
    const tokens = await Promise.all(calls);
    assert.equal(transport.requests.length, 1);
    assert.ok(tokens.every((t) => t.value === 'at-1'));
    assert.equal(metrics.snapshot().token.cache.misses, 50);
    assert.equal(metrics.snapshot().token.fetches, 1);
    assert.equal(metrics.snapshot().token.requests, 1);
  });

  void test('getToken with an empty scope list is an InvalidArgumentError, and nothing is sent', async () => {
    const { provider, transport } = setup([bearer(1)]);
    await assert.rejects(provider.getToken([' ', '']), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.argument, 'scopes');
      return true;
    });
    assert.equal(transport.requests.length, 0);
  });

  void test('a cached token is served without a request; the key is the sorted scope set', async () => {
    const { provider, transport, metrics } = setup([bearer(1), bearer(2, { scope: 'okta.users.read' })]);
    const a = await provider.getToken();
    const b = await provider.getToken(['okta.users.manage', 'okta.users.read', 'okta.users.read']);
    assert.equal(a, b);
    assert.equal(transport.requests.length, 1);
    const c = await provider.getToken(['okta.users.read']);
    assert.equal(c.value, 'at-2');
    assert.equal(form(transport.requests[1]!).get('scope'), 'okta.users.read');
    assert.deepEqual(metrics.snapshot().token.cache, { hits: 1, misses: 2, refreshAhead: 0, negative: 0 });
  });

  void test('the request carries a fresh assertion per attempt with iss = sub = client id and aud = endpoint', async () => {
    const { provider, transport, clock } = setup([bearer(1), bearer(2)]);
    await provider.getToken();
    clock.advance(3_600_000);
    await provider.getToken();
    const [a, b] = transport.requests.map((r) => decodeJwt(form(r).get('client_assertion')!));
    assert.equal(a!.payload['iss'], '0oa1');
    assert.equal(a!.payload['sub'], '0oa1');
    assert.equal(a!.payload['aud'], endpoint.href);
    assert.equal(a!.header['kid'], 'kid-1');
    assert.notEqual(a!.payload['jti'], b!.payload['jti']);
    assert.equal(transport.options[0]!.operation, 'token');
    assert.equal(transport.options[0]!.retryable, true);
  });

  void test('an error reaches every waiting caller; the next call within the back-off gets it again without a request, after it tries again', async () => {
    const { provider, transport, metrics, clock } = setup([
      {
        status: 401,
        json: { error: 'invalid_client', error_description: 'The client_assertion JWT kid is invalid.' },
      },
      bearer(1),
    ]);
    const results = await Promise.allSettled([provider.getToken(), provider.getToken()]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.status === 'rejected' && r.reason instanceof OAuthError);
    }
    assert.equal(transport.requests.length, 1);
    assert.equal(metrics.snapshot().token.fetchErrors, 1);
    await assert.rejects(provider.getToken(), OAuthError);
    assert.equal(transport.requests.length, 1, 'remembered for 1 s');
    clock.advance(1_000);
    assert.equal((await provider.getToken()).value, 'at-1');
  });
});

void describe('TokenProvider: refresh ahead', () => {
  void test('no refresh before 80% of the lifetime; at 80% callers get the cached token and one background refresh runs', async () => {
    const g = gate();
    let n = 0;
    const { provider, transport, clock, metrics } = setup(async () => {
      n++;
      if (n === 2) await g.opened;
      return bearer(n);
    });
    const first = await provider.getToken();
    clock.advance(2_879_000); // just before 80% of 3600 s
    assert.equal(await provider.getToken(), first);
    assert.equal(transport.requests.length, 1);
    clock.advance(1_000); // 80%
    // Many callers during the refresh: all get the cached token at once, none waits.
    const during = await Promise.all(Array.from({ length: 20 }, () => provider.getToken()));
    assert.ok(during.every((t) => t === first));
    assert.equal(transport.sends, 2, 'exactly one background refresh');
    g.release();
    await provider.settled();
    const after = await provider.getToken();
    assert.equal(after.value, 'at-2');
    const cache = metrics.snapshot().token.cache;
    assert.equal(cache.refreshAhead, 1);
    assert.equal(cache.misses, 1, 'only the cold start missed');
  });

  void test('the refresh happens within refreshAheadSeconds of expiry when that comes first', async () => {
    // 600 s token: 80% = 480 s; refreshAheadSeconds 300 → 300 s, but never before half the lifetime (300 s).
    const { provider, transport, clock } = setup(
      [bearer(1, { expires_in: 600 }), bearer(2, { expires_in: 600 })],
      {
        refreshAheadSeconds: 300,
      },
    );
    await provider.getToken();
    clock.advance(299_000);
    await provider.getToken();
    assert.equal(transport.requests.length, 1);
    clock.advance(1_000);
    await provider.getToken();
    await provider.settled();
    assert.equal(transport.requests.length, 2);
  });

  void test('a failed background refresh is logged, does not disturb callers, and is retried 30 s later', async () => {
    const { provider, transport, clock, logger } = setup([
      bearer(1),
      { status: 503, text: 'unavailable' },
      bearer(2),
    ]);
    const first = await provider.getToken();
    clock.advance(2_900_000);
    assert.equal(await provider.getToken(), first);
    await provider.settled();
    assert.equal(transport.requests.length, 2);
    const warn = logger.entries.find((e) => e.level === 'warn');
    assert.ok(warn, 'the failure was logged');
    assert.match(warn.msg ?? '', /Background token refresh failed/);
    assert.ok(!JSON.stringify(warn.obj).includes('at-1'));
    clock.advance(10_000);
    assert.equal(await provider.getToken(), first, 'still the cached token, no new attempt yet');
    assert.equal(transport.requests.length, 2);
    clock.advance(20_000);
    await provider.getToken();
    await provider.settled();
    assert.equal(transport.requests.length, 3);
    assert.equal((await provider.getToken()).value, 'at-2');
  });

  void test('an expired token is a miss: the caller waits for a normal fetch', async () => {
    const { provider, transport, clock, metrics } = setup([bearer(1, { expires_in: 100 }), bearer(2)]);
    await provider.getToken();
    clock.advance(91_000); // within the 10% expiry margin
    assert.equal((await provider.getToken()).value, 'at-2');
    assert.equal(transport.requests.length, 2);
    assert.equal(metrics.snapshot().token.cache.misses, 2);
  });
});

void describe('TokenProvider: DPoP', () => {
  const dpopRequired: ScriptedResponse = {
    status: 400,
    json: { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' },
  };
  const useNonce = (nonce: string): ScriptedResponse => ({
    status: 400,
    json: {
      error: 'use_dpop_nonce',
      error_description: 'Authorization server requires nonce in DPoP proof.',
    },
    headers: { 'dpop-nonce': nonce },
  });
  const dpopToken: ScriptedResponse = {
    status: 200,
    json: { token_type: 'DPoP', expires_in: 3600, access_token: 'dpop-at', scope: SCOPES.join(' ') },
  };

  void test("'auto' switches on the server's demand, answers the nonce, and signs new artefacts each time", async () => {
    const { provider, transport, logger } = setup([dpopRequired, useNonce('n-1'), dpopToken]);
    assert.equal(provider.dpopActive, false);
    const token = await provider.getToken();
    assert.equal(token.type, 'DPoP');
    assert.equal(provider.dpopActive, true);
    assert.equal(transport.requests.length, 3);
    const [r1, r2, r3] = transport.requests as [HttpRequest, HttpRequest, HttpRequest];
    assert.equal(r1.headers['DPoP'], undefined);
    const p2 = decodeJwt(r2.headers['DPoP']!);
    const p3 = decodeJwt(r3.headers['DPoP']!);
    assert.equal(p2.header['typ'], 'dpop+jwt');
    assert.equal(p2.payload['htm'], 'POST');
    assert.equal(p2.payload['htu'], endpoint.href);
    assert.equal(p2.payload['nonce'], undefined);
    assert.equal(p3.payload['nonce'], 'n-1');
    assert.notEqual(p2.payload['jti'], p3.payload['jti']);
    const jtis = transport.requests.map((r) => decodeJwt(form(r).get('client_assertion')!).payload['jti']);
    assert.equal(new Set(jtis).size, 3, 'a new client assertion for every request');
    const infos = logger.entries.filter((e) => e.level === 'info');
    assert.equal(infos.length, 1);
    assert.equal(infos[0]!.msg, 'DPoP is required by the authorization server; switching to DPoP');
    assert.equal(
      token.jkt,
      jwkThumbprint(p3.header['jwk'] as JsonWebKey),
      'the token records the proof key thumbprint',
    );
  });

  void test('authorize() on a DPoP token: Authorization DPoP + a fresh proof with ath', async () => {
    const { provider } = setup([dpopRequired, useNonce('n-1'), dpopToken]);
    const url = new URL('https://acme.okta.com/api/v1/users?limit=2');
    const a = await provider.authorize({ method: 'GET', url });
    const b = await provider.authorize({ method: 'GET', url });
    assert.equal(a.headers['Authorization'], 'DPoP dpop-at');
    const proof = decodeJwt(a.headers['DPoP']!).payload;
    assert.equal(proof['htm'], 'GET');
    assert.equal(proof['htu'], 'https://acme.okta.com/api/v1/users');
    assert.equal(proof['ath'], createHash('sha256').update('dpop-at').digest('base64url'));
    assert.notEqual(a.headers['DPoP'], b.headers['DPoP']);
  });

  void test('authorize() on a Bearer token: Authorization Bearer only', async () => {
    const { provider } = setup([bearer(1)]);
    const { headers, token } = await provider.authorize({
      method: 'GET',
      url: new URL('https://acme.okta.com/api/v1/users'),
    });
    assert.deepEqual(headers, { Authorization: 'Bearer at-1' });
    assert.equal(token.value, 'at-1');
  });

  void test('the handshake is bounded: a server that never converges gives a DpopError after 3 requests', async () => {
    const { provider, transport, metrics } = setup([
      dpopRequired,
      useNonce('a'),
      useNonce('b'),
      useNonce('c'),
    ]);
    await assert.rejects(provider.getToken(), (e: unknown) => {
      assert.ok(e instanceof DpopError);
      assert.match(e.message, /did not converge after 3 token requests/);
      return true;
    });
    assert.equal(transport.requests.length, 3);
    assert.equal(metrics.snapshot().token.requests, 3);
  });

  void test('dpop: true sends a proof from the first request', async () => {
    const { provider, transport } = setup([useNonce('x'), dpopToken], { dpop: true });
    await provider.getToken();
    assert.ok(transport.requests[0]!.headers['DPoP']);
    assert.equal(decodeJwt(transport.requests[1]!.headers['DPoP']!).payload['nonce'], 'x');
  });

  void test('dpop: false + a DPoP-requiring server → DpopError naming both fixes', async () => {
    const { provider, transport } = setup([dpopRequired], { dpop: false, dpopProver: undefined });
    await assert.rejects(provider.getToken(), (e: unknown) => {
      assert.ok(e instanceof DpopError);
      assert.match(e.hint ?? '', /OKTA_DPOP=auto/);
      assert.match(e.hint ?? '', /Require Demonstrating Proof of Possession/);
      return true;
    });
    assert.equal(transport.requests.length, 1);
  });

  void test('a dpop-nonce on a successful response is remembered for the next fetch', async () => {
    const { provider, transport, clock } = setup(
      [useNonce('n1'), { ...dpopToken, headers: { 'dpop-nonce': 'n2' } }, dpopToken],
      { dpop: true },
    );
    await provider.getToken();
    clock.advance(3_600_000);
    await provider.getToken();
    assert.equal(decodeJwt(transport.requests[2]!.headers['DPoP']!).payload['nonce'], 'n2');
  });
});

void describe('TokenProvider: scopes and rejections', () => {
  void test('fewer scopes than requested: a warning once per scope set, the granted subset on the token', async () => {
    const partial = bearer(1, { scope: 'okta.users.read' });
    const { provider, logger, clock } = setup([partial, { ...partial }]);
    const token = await provider.getToken();
    assert.deepEqual(token.scopes, ['okta.users.read']);
    assert.deepEqual(token.missingScopes, ['okta.users.manage']);
    clock.advance(3_600_000);
    await provider.getToken();
    const warnings = logger.entries.filter((e) => e.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.msg ?? '', /fewer scopes/);
    assert.deepEqual((warnings[0]!.obj as { missing: string[] }).missing, ['okta.users.manage']);
  });

  void test('requireAllScopes turns a partial grant into ScopesNotGrantedError', async () => {
    const { provider } = setup([bearer(1, { scope: 'okta.users.read' })], { requireAllScopes: true });
    await assert.rejects(provider.getToken(), (e: unknown) => {
      assert.ok(e instanceof ScopesNotGrantedError);
      assert.deepEqual(e.missing, ['okta.users.manage']);
      assert.match(e.hint ?? '', /Okta API Scopes tab/);
      return true;
    });
  });

  void test('rejectToken drops that token (and only that token)', async () => {
    const { provider, transport } = setup([bearer(1), bearer(2)]);
    const first = await provider.getToken();
    provider.rejectToken(first);
    const second = await provider.getToken();
    assert.equal(second.value, 'at-2');
    provider.rejectToken(first); // stale: must not drop the new token
    assert.equal(await provider.getToken(), second);
    assert.equal(transport.requests.length, 2);
  });

  void test('insufficientScope drops at most once a minute per scope set', async () => {
    const { provider, transport, clock } = setup([bearer(1), bearer(2), bearer(3)]);
    const t1 = await provider.getToken();
    assert.equal(provider.insufficientScope(t1), true);
    const t2 = await provider.getToken();
    assert.equal(t2.value, 'at-2');
    assert.equal(provider.insufficientScope(t2), false, 'second 403 within a minute: keep the token');
    assert.equal(await provider.getToken(), t2);
    clock.advance(60_000);
    assert.equal(provider.insufficientScope(t2), true);
    assert.equal((await provider.getToken()).value, 'at-3');
    assert.equal(transport.requests.length, 3);
  });

  void test('close() makes later calls fail with ClosedError', async () => {
    const { provider } = setup([bearer(1)]);
    await provider.getToken();
    provider.close();
    await assert.rejects(provider.getToken(), ClosedError);
  });

  void test('a caller that aborts stops waiting; the shared fetch still completes for others', async () => {
    const g = gate();
    const { provider } = setup(async () => {
      await g.opened;
      return bearer(1);
    });
    const controller = new AbortController();
    const aborted = provider.getToken(undefined, { signal: controller.signal });
    const other = provider.getToken();
    controller.abort(new Error('caller gave up'));
    await assert.rejects(aborted, /caller gave up/);
    g.release();
    assert.equal((await other).value, 'at-1');
  });
});

void describe('TokenProvider: the refresh timer (mocked timers, short tokens)', () => {
  void test('the timer fetches a new token in the background with no caller waiting; idle scope sets are left to expire', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let n = 0;
    const { provider, transport, clock, metrics } = setup(() => bearer(++n, { expires_in: 100 }), {
      refreshTimer: true,
      refreshIdleSeconds: 120,
    });
    t.after(() => provider.close());
    const first = await provider.getToken();
    assert.equal(first.value, 'at-1');
    // 100 s token: refresh at max(50%, min(80%, expiry − 300 s)) = 50 s after it was obtained.
    clock.advance(49_999);
    t.mock.timers.tick(49_999);
    await provider.settled();
    assert.equal(transport.requests.length, 1, 'not before the refresh time');
    clock.advance(1);
    t.mock.timers.tick(1);
    await provider.settled();
    assert.equal(transport.requests.length, 2, 'the timer fetched with no caller waiting');
    assert.equal(metrics.snapshot().token.cache.misses + metrics.snapshot().token.cache.hits, 1, 'no lookup');
    assert.equal((await provider.getToken()).value, 'at-2', 'the background token is served');
    // Used at t=50 s; the next timer fires 50 s later (t=100 s), within the 120 s idle window: refreshed.
    clock.advance(50_000);
    t.mock.timers.tick(50_000);
    await provider.settled();
    assert.equal(transport.requests.length, 3);
    // Nobody asks any more: the timer at t=150 s is 100 s after the last use (within 120 s): refreshed; the one
    // at t=200 s is 150 s after it: the scope set is idle and its token is left to expire.
    clock.advance(50_000);
    t.mock.timers.tick(50_000);
    await provider.settled();
    assert.equal(transport.requests.length, 4);
    clock.advance(50_000);
    t.mock.timers.tick(50_000);
    await provider.settled();
    assert.equal(transport.requests.length, 4, 'idle for 150 s > refreshIdleSeconds: no refresh');
  });
});
