import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import {
  ORG,
  assertion,
  ath,
  bearerToken,
  dpopKey,
  dpopToken,
  harness,
  proof,
  tokenForm,
  type DpopKey,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

const ALGS = 'algs="RS256 RS384 RS512 ES256 ES384 ES512"';
const PROBE = '/api/v1/__probe/:id';

/** The challenge Okta sends for a DPoP failure at /api/v1 (facts §2.4). */
function dpopChallenge(error: string, description: string, resource: string): string {
  return (
    `DPoP ${ALGS}, authorization_uri="http://127.0.0.1:8080/oauth2/v1/authorize", realm="http://127.0.0.1:8080", ` +
    `error="${error}", error_description="${description}", resource="${resource}"`
  );
}

function assertEmpty400(
  res: LightMyRequestResponse,
  error: string,
  description: string,
  resource: string,
): void {
  assert.equal(res.statusCode, 400);
  assert.equal(res.body, '', 'empty body');
  assert.equal(res.headers['www-authenticate'], dpopChallenge(error, description, resource));
}

void describe('API-auth hook on /api/v1', () => {
  let h: Harness;
  let bearerApp: TestApp;
  let dpopApp: TestApp;
  let key: DpopKey;
  let dpopAt: string;

  before(async () => {
    h = await harness();
    // A probe route (registered before the app is ready) shows the principal the hook sets.
    h.emu.app.get(PROBE, async (request) => ({ principal: request.principal ?? null }));
    bearerApp = await h.app({ dpop: false, scopes: ['okta.users.read', 'okta.apps.read'] });
    dpopApp = await h.app({ scopes: ['okta.users.read', 'okta.apps.read'] });
    key = await dpopKey();
    dpopAt = await dpopToken(h, dpopApp, key, 'okta.users.read okta.apps.read');
  });
  after(() => h.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    h.emu.app.inject({ method: 'GET', url, headers });
  const resourceProof = async (url: string, claims: Record<string, unknown> = {}, k = key) =>
    proof(h, k, { htm: 'GET', htu: `${ORG}${url}`, ath: ath(dpopAt), ...claims });

  void test('SSWS admin token → api-token principal (Super Admin)', async () => {
    const res = await get('/api/v1/__probe/x', { authorization: `SSWS ${h.emu.adminToken}` });
    assert.equal(res.statusCode, 200);
    const principal = (res.json() as { principal: { kind: string; adminUserId: string } }).principal;
    assert.equal(principal.kind, 'api-token');
    assert.match(principal.adminUserId, /^00u[A-Za-z0-9]{17}$/);
  });

  void test('§4 wrong SSWS token → 401 E0000011 "Invalid token provided"', async () => {
    const res = await get('/api/v1/apps', { authorization: 'SSWS 00notTheToken' });
    assert.equal(res.statusCode, 401);
    const body = res.json() as Record<string, unknown>;
    assert.equal(body.errorCode, 'E0000011');
    assert.equal(body.errorSummary, 'Invalid token provided');
    assert.equal(body.errorLink, 'E0000011');
    assert.match(String(body.errorId), /^oae[A-Za-z0-9]{22}$/);
    assert.deepEqual(body.errorCauses, []);
  });

  void test('no Authorization header → 401 E0000011', async () => {
    const res = await get('/api/v1/apps');
    assert.equal(res.statusCode, 401);
    assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000011');
  });

  void test("§1.7 Bearer token → oauth principal with the token's scopes", async () => {
    const at = await bearerToken(h, bearerApp, 'okta.users.read');
    const res = await get('/api/v1/__probe/x', { authorization: `Bearer ${at}` });
    assert.equal(res.statusCode, 200);
    const principal = (res.json() as { principal: Record<string, unknown> }).principal;
    assert.equal(principal.kind, 'oauth');
    assert.equal(principal.clientId, bearerApp.clientId);
    assert.deepEqual(principal.scopes, ['okta.users.read']);
    assert.equal(principal.scheme, 'Bearer');
    assert.match(String(principal.tokenId), /^AT\./);
  });

  void test('§4.1 unknown access token → 401, WWW-Authenticate Bearer … error="invalid_token", E0000011 body', async () => {
    const res = await get('/api/v1/apps', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
    assert.equal(res.statusCode, 401);
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer authorization_uri="http://127.0.0.1:8080/oauth2/v1/authorize", realm="http://127.0.0.1:8080", ' +
        'error="invalid_token", error_description="The access token is invalid.", resource="/api/v1/apps"',
    );
    assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000011');
  });

  void test('§1.6 an access token expires after 3600 s → 401 "The token has expired."', async () => {
    const h2 = await harness();
    try {
      const app = await h2.app({ dpop: false, scopes: ['okta.apps.read'] });
      const at = await bearerToken(h2, app, 'okta.apps.read');
      const ok = await h2.emu.app.inject({
        method: 'GET',
        url: '/api/v1/apps',
        headers: { authorization: `Bearer ${at}` },
      });
      assert.equal(ok.statusCode, 200);
      h2.clock.advance(3600 * 1000);
      const res = await h2.emu.app.inject({
        method: 'GET',
        url: '/api/v1/apps',
        headers: { authorization: `Bearer ${at}` },
      });
      assert.equal(res.statusCode, 401);
      assert.match(
        String(res.headers['www-authenticate']),
        /error="invalid_token", error_description="The token has expired\."/,
      );
    } finally {
      await h2.close();
    }
  });

  void test('§2.4 DPoP token + valid proof (ath, htm, htu without query) → DPoP principal', async () => {
    const url = '/api/v1/__probe/x';
    const res = await get(`${url}?limit=2&after=abc`, {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof(url),
    });
    assert.equal(res.statusCode, 200);
    const principal = (res.json() as { principal: Record<string, unknown> }).principal;
    assert.equal(principal.scheme, 'DPoP');
    assert.equal(principal.clientId, dpopApp.clientId);
  });

  void test('§2.4 a resource proof carrying a nonce is tolerated (Go SDK sends one)', async () => {
    const url = '/api/v1/apps';
    const res = await get(url, {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof(url, { nonce: 'any' }),
    });
    assert.equal(res.statusCode, 200);
  });

  void test('§2.4 htu is compared after percent-decoding the request path', async () => {
    const encoded = `/api/v1/__probe/test%40example.com`;
    const decodedHtu = `${ORG}/api/v1/__probe/test@example.com`;
    const res = await get(encoded, {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof(encoded, { htu: decodedHtu }),
    });
    assert.equal(res.statusCode, 200);

    const verbatim = await get(encoded, {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof(encoded, { htu: `${ORG}${encoded}` }),
    });
    assert.equal(verbatim.statusCode, 400, 'an htu that keeps %40 does not match the decoded path');
  });

  void test("§2.4 DPoP-bound token with the Bearer scheme → 400, empty body, DPoP challenge, 'must use the DPoP authentication scheme'", async () => {
    const res = await get('/api/v1/apps', { authorization: `Bearer ${dpopAt}` });
    assertEmpty400(
      res,
      'invalid_request',
      'The resource request must use the DPoP authentication scheme when using a DPoP bound token.',
      '/api/v1/apps',
    );
  });

  void test("§2.4 DPoP-bound token without a proof → 400 'The resource request requires a DPoP proof.'", async () => {
    const res = await get('/api/v1/apps', { authorization: `DPoP ${dpopAt}` });
    assertEmpty400(res, 'invalid_request', 'The resource request requires a DPoP proof.', '/api/v1/apps');
  });

  void test('§2.4 proof for another URL → 400 invalid_dpop_proof "\'htu\' claim in the DPoP proof JWT is invalid." (exact header)', async () => {
    const res = await get('/api/v1/apps', {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof('/api/v1/users'),
    });
    assertEmpty400(
      res,
      'invalid_dpop_proof',
      "'htu' claim in the DPoP proof JWT is invalid.",
      '/api/v1/apps',
    );
  });

  void test('§2.4 proof for another method → "\'htm\' claim in the DPoP proof JWT is invalid."', async () => {
    const res = await get('/api/v1/apps', {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof('/api/v1/apps', { htm: 'POST' }),
    });
    assertEmpty400(
      res,
      'invalid_dpop_proof',
      "'htm' claim in the DPoP proof JWT is invalid.",
      '/api/v1/apps',
    );
  });

  void test('§2.4 wrong or missing ath → "\'ath\' claim in the DPoP proof does not match the presented access_token."', async () => {
    const text = "'ath' claim in the DPoP proof does not match the presented access_token.";
    const wrong = await get('/api/v1/apps', {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof('/api/v1/apps', { ath: ath('other') }),
    });
    assertEmpty400(wrong, 'invalid_dpop_proof', text, '/api/v1/apps');
    const missing = await get('/api/v1/apps', {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof('/api/v1/apps', { ath: undefined }),
    });
    assertEmpty400(missing, 'invalid_dpop_proof', text, '/api/v1/apps');
  });

  void test("§2.4 proof signed by a key other than the token's cnf.jkt → 'The access_token is not bound to the provided DPoP proof.'", async () => {
    const other = await dpopKey();
    const res = await get('/api/v1/apps', {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof('/api/v1/apps', {}, other),
    });
    assertEmpty400(
      res,
      'invalid_dpop_proof',
      'The access_token is not bound to the provided DPoP proof.',
      '/api/v1/apps',
    );
  });

  void test('§2.4 proofs older than five minutes and replayed proofs are refused', async () => {
    const old = await get('/api/v1/apps', {
      authorization: `DPoP ${dpopAt}`,
      dpop: await resourceProof('/api/v1/apps', { iat: h.nowS() - 301 }),
    });
    assertEmpty400(
      old,
      'invalid_dpop_proof',
      'The DPoP proof JWT is issued more than five minutes in the past.',
      '/api/v1/apps',
    );
    const p = await resourceProof('/api/v1/apps');
    assert.equal((await get('/api/v1/apps', { authorization: `DPoP ${dpopAt}`, dpop: p })).statusCode, 200);
    const replay = await get('/api/v1/apps', { authorization: `DPoP ${dpopAt}`, dpop: p });
    assertEmpty400(replay, 'invalid_dpop_proof', 'The DPoP proof JWT has already been used.', '/api/v1/apps');
  });

  void test("§2.4 Bearer token presented with the DPoP scheme → 401 invalid_token 'The presented access_token is not DPoP bound.'", async () => {
    const at = await bearerToken(h, bearerApp, 'okta.apps.read');
    const res = await get('/api/v1/apps', {
      authorization: `DPoP ${at}`,
      dpop: await proof(h, key, { htm: 'GET', htu: `${ORG}/api/v1/apps`, ath: ath(at) }),
    });
    assert.equal(res.statusCode, 401);
    assert.match(
      String(res.headers['www-authenticate']),
      /^DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", /,
    );
    assert.match(
      String(res.headers['www-authenticate']),
      /error="invalid_token", error_description="The presented access_token is not DPoP bound\."/,
    );
    assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000011');
  });

  void test('§4.1 insufficient scope on an apps route → 403, empty body, challenge naming the scope', async () => {
    const at = await bearerToken(h, bearerApp, 'okta.users.read');
    const res = await get('/api/v1/apps', { authorization: `Bearer ${at}` });
    assert.equal(res.statusCode, 403);
    assert.equal(res.body, '');
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer authorization_uri="http://127.0.0.1:8080/oauth2/v1/authorize", realm="http://127.0.0.1:8080", ' +
        'scope="okta.apps.read", error="insufficient_scope", ' +
        'error_description="The access token provided does not contain the required scopes.", resource="/api/v1/apps"',
    );
  });

  void test('public endpoints need no authentication', async () => {
    for (const url of [
      '/oauth2/v1/keys',
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]) {
      assert.equal((await get(url)).statusCode, 200, url);
    }
  });

  void test('every response carries X-Okta-Request-Id and Date, errors included', async () => {
    for (const res of [await get('/api/v1/apps'), await get('/oauth2/v1/keys'), await get('/nowhere')]) {
      assert.match(String(res.headers['x-okta-request-id']), /^req/);
      assert.ok(res.headers['date']);
    }
  });

  void test('the DPoP handshake token request counts toward the same stats as Bearer ones', async () => {
    const before = h.emu.stats().tokenRequests;
    await h.token(tokenForm(await assertion(h, bearerApp)));
    assert.equal(h.emu.stats().tokenRequests, before + 1);
  });
});
