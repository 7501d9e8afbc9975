import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import {
  TOKEN_URL,
  assertOAuthError,
  assertion,
  decodePart,
  dpopKey,
  harness,
  proof,
  tokenForm,
  type DpopKey,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';
import { sameHtu } from '../../src/oauth/dpop.js';

const PROOF_ERR = 'invalid_dpop_proof';

void describe('DPoP at the token endpoint', () => {
  let h: Harness;
  let app: TestApp;
  let key: DpopKey;
  let nonce: string;

  before(async () => {
    h = await harness();
    app = await h.app();
    key = await dpopKey();
    const first = await h.token(tokenForm(await assertion(h, app)), { dpop: await proof(h, key) });
    nonce = String(first.headers['dpop-nonce']);
  });
  after(() => h.close());

  const withProof = async (
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
    k = key,
  ) => h.token(tokenForm(await assertion(h, app)), { dpop: await proof(h, k, { nonce, ...claims }, header) });

  void test('§2.1 new service apps require DPoP by default (dpop_bound_access_tokens: true)', async () => {
    const res = await h.emu.app.inject({
      method: 'GET',
      url: `/api/v1/apps/${app.appId}`,
      headers: { authorization: `SSWS ${h.emu.adminToken}` },
    });
    const settings = (res.json() as { settings: { oauthClient: { dpop_bound_access_tokens: boolean } } })
      .settings;
    assert.equal(settings.oauthClient.dpop_bound_access_tokens, true);
  });

  void test("§2.2 step 1: no DPoP header → 400 invalid_dpop_proof 'The DPoP proof JWT header is missing.'", async () => {
    const res = await h.token(tokenForm(await assertion(h, app)));
    assertOAuthError(res, 400, PROOF_ERR, 'The DPoP proof JWT header is missing.');
  });

  void test('§2.2 step 2: proof without nonce → 400 use_dpop_nonce with a lowercase dpop-nonce header', async () => {
    const res = await h.token(tokenForm(await assertion(h, app)), { dpop: await proof(h, key) });
    assertOAuthError(res, 400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.');
    assert.ok(res.rawPayload.length > 0);
    const raw = res.raw.res.getHeaderNames();
    assert.ok(raw.includes('dpop-nonce'), 'the header name is sent in lowercase');
    assert.equal(res.headers['dpop-nonce'], nonce);
    assert.match(String(res.headers['cache-control']), /no-store/);
  });

  void test('§2.2 step 3: proof with nonce and a fresh assertion → 200 token_type DPoP, cnf.jkt = RFC 7638 thumbprint', async () => {
    const res = await withProof();
    assert.equal(res.statusCode, 200);
    const body = res.json() as { token_type: string; access_token: string; expires_in: number };
    assert.equal(body.token_type, 'DPoP');
    assert.equal(body.expires_in, 3600);
    const claims = decodePart(body.access_token, 1);
    assert.deepEqual(claims.cnf, { jkt: await calculateJwkThumbprint(key.publicJwk) });
  });

  void test('§2.2 the whole handshake also works with an RS256 proof key', async () => {
    const rsa = await dpopKey('RS256');
    const res = await h.token(tokenForm(await assertion(h, app)), { dpop: await proof(h, rsa, { nonce }) });
    assert.equal(res.statusCode, 200);
  });

  void test("§1.4/§9.2 resending the first assertion in the middle of the handshake → 'The client_assertion token has already been used.'", async () => {
    const a = await assertion(h, app);
    const first = await h.token(tokenForm(a), { dpop: await proof(h, key) });
    assert.equal((first.json() as { error: string }).error, 'use_dpop_nonce');
    const retry = await h.token(tokenForm(a), { dpop: await proof(h, key, { nonce }) });
    assertOAuthError(retry, 401, 'invalid_client', 'The client_assertion token has already been used.');
    const missing = await assertion(h, app);
    await h.token(tokenForm(missing));
    const again = await h.token(tokenForm(missing), { dpop: await proof(h, key, { nonce }) });
    assertOAuthError(again, 401, 'invalid_client', 'The client_assertion token has already been used.');
  });

  void test('§2.2 nonce rotation: the previous nonce is still accepted after a rotation', async () => {
    const rotated = await h.emu.app.inject({ method: 'POST', url: '/__emulator/dpop/rotate-nonce' });
    assert.equal(rotated.statusCode, 200);
    const res = await withProof({ nonce });
    assert.equal(res.statusCode, 200, 'previous nonce accepted');
    nonce = (rotated.json() as { nonce: string }).nonce;
    assert.equal((await withProof({ nonce })).statusCode, 200, 'current nonce accepted');
  });

  void test('§2.2 an unknown or twice-rotated nonce → use_dpop_nonce again with the current nonce in a new header', async () => {
    const stale = nonce;
    await h.emu.app.inject({ method: 'POST', url: '/__emulator/dpop/rotate-nonce' });
    const second = await h.emu.app.inject({ method: 'POST', url: '/__emulator/dpop/rotate-nonce' });
    const current = (second.json() as { nonce: string }).nonce;
    for (const bad of [stale, 'made-up-nonce']) {
      const res = await withProof({ nonce: bad });
      assertOAuthError(res, 400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.');
      assert.equal(res.headers['dpop-nonce'], current);
    }
    nonce = current;
  });

  void test('§2.2 the nonce rotates by itself after its period (24 h by default) on the emulator clock', async () => {
    const h2 = await harness({ nonceRotationMs: 60_000 });
    try {
      const app2 = await h2.app();
      const k = await dpopKey();
      const first = await h2.token(tokenForm(await assertion(h2, app2)), { dpop: await proof(h2, k) });
      const n1 = String(first.headers['dpop-nonce']);
      h2.clock.advance(61_000);
      const second = await h2.token(tokenForm(await assertion(h2, app2)), { dpop: await proof(h2, k) });
      const n2 = String(second.headers['dpop-nonce']);
      assert.notEqual(n1, n2);
      const ok = await h2.token(tokenForm(await assertion(h2, app2)), {
        dpop: await proof(h2, k, { nonce: n1 }),
      });
      assert.equal(ok.statusCode, 200, 'one period later the old nonce still works');
      h2.clock.advance(61_000);
      const old = await h2.token(tokenForm(await assertion(h2, app2)), {
        dpop: await proof(h2, k, { nonce: n1 }),
      });
      assert.equal((old.json() as { error: string }).error, 'use_dpop_nonce');
    } finally {
      await h2.close();
    }
  });

  void test("§2.3 two DPoP headers → 'Multiple DPoP proof JWT headers are not allowed.'", async () => {
    const p1 = await proof(h, key, { nonce });
    const p2 = await proof(h, key, { nonce });
    const res = await h.emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: [p1, p2] as unknown as string },
      payload: new URLSearchParams(tokenForm(await assertion(h, app))).toString(),
    });
    assertOAuthError(res, 400, PROOF_ERR, 'Multiple DPoP proof JWT headers are not allowed.');
  });

  void test("§2.3 garbage proof → 'The DPoP proof JWT cannot be parsed.'", async () => {
    for (const garbage of ['nope', 'a.b.c', '']) {
      const res = await h.token(tokenForm(await assertion(h, app)), { dpop: garbage });
      assert.equal(res.statusCode, 400);
      const body = res.json() as { error_description: string };
      assert.ok(
        ['The DPoP proof JWT cannot be parsed.', 'The DPoP proof JWT header is missing.'].includes(
          body.error_description,
        ),
        body.error_description,
      );
    }
    assertOAuthError(
      await h.token(tokenForm(await assertion(h, app)), { dpop: 'a.b.c' }),
      400,
      PROOF_ERR,
      'The DPoP proof JWT cannot be parsed.',
    );
  });

  void test("§2.3 typ other than dpop+jwt → \"'typ' must be 'dpop+jwt' in the DPoP proof JWT.\"", async () => {
    assertOAuthError(
      await withProof({}, { typ: 'JWT' }),
      400,
      PROOF_ERR,
      "'typ' must be 'dpop+jwt' in the DPoP proof JWT.",
    );
  });

  void test("§2.3 HS256 proof → 'The DPoP proof JWT signature algorithm is invalid.'", async () => {
    const hs = await new SignJWT({ htm: 'POST', htu: TOKEN_URL, iat: h.nowS(), jti: 'x1', nonce })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough!!'));
    const res = await h.token(tokenForm(await assertion(h, app)), { dpop: hs });
    assertOAuthError(res, 400, PROOF_ERR, 'The DPoP proof JWT signature algorithm is invalid.');
  });

  void test('§2.3 proof without jwk, or with a private jwk → invalid_dpop_proof', async () => {
    assertOAuthError(
      await withProof({}, { jwk: undefined }),
      400,
      PROOF_ERR,
      'The DPoP proof JWT is invalid.',
    );
    const pair = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(pair.privateKey);
    const res = await withProof(
      {},
      { jwk: priv },
      { privateKey: pair.privateKey, publicJwk: priv, alg: 'ES256' },
    );
    assertOAuthError(res, 400, PROOF_ERR, 'The DPoP proof JWT is invalid.');
  });

  void test("§2.3 proof signed by a key other than its jwk → 'The DPoP proof JWT signature is invalid.'", async () => {
    const other = await dpopKey();
    const res = await withProof({}, {}, { ...other, publicJwk: key.publicJwk });
    assertOAuthError(res, 400, PROOF_ERR, 'The DPoP proof JWT signature is invalid.');
  });

  void test('§2.3 wrong htm → "\'htm\' claim in the DPoP proof JWT is invalid."', async () => {
    assertOAuthError(
      await withProof({ htm: 'GET' }),
      400,
      PROOF_ERR,
      "'htm' claim in the DPoP proof JWT is invalid.",
    );
  });

  void test('§2.3 wrong htu → "\'htu\' claim in the DPoP proof JWT is invalid."; query and fragment are ignored', async () => {
    const text = "'htu' claim in the DPoP proof JWT is invalid.";
    assertOAuthError(
      await withProof({ htu: 'http://127.0.0.1:8080/oauth2/default/v1/token' }),
      400,
      PROOF_ERR,
      text,
    );
    assertOAuthError(
      await withProof({ htu: 'http://127.0.0.1:8080//oauth2/v1/token' }),
      400,
      PROOF_ERR,
      text,
    );
    assertOAuthError(await withProof({ htu: undefined }), 400, PROOF_ERR, text);
    assert.equal((await withProof({ htu: `${TOKEN_URL}?a=1#frag` })).statusCode, 200);
  });

  void test('§2.4 htu is compared with the percent-decoded request path; an htu that repeats %40 is refused', () => {
    assert.equal(
      sameHtu('http://o/api/v1/users/test@example.com', 'http://o/api/v1/users/test%40example.com'),
      true,
    );
    assert.equal(
      sameHtu('http://o/api/v1/users/test%40example.com', 'http://o/api/v1/users/test%40example.com'),
      false,
    );
    assert.equal(sameHtu('http://o/api/v1/users/a%20b', 'http://o/api/v1/users/a%20b'), true);
    assert.equal(sameHtu('http://o/api/v1/users/a', 'http://o/api/v1/users/b'), false);
    assert.equal(sameHtu('not a url', 'not a url'), false);
  });

  void test('§2.3 iat checks: missing, in the future, more than five minutes old', async () => {
    assertOAuthError(
      await withProof({ iat: undefined }),
      400,
      PROOF_ERR,
      "'iat' claim in the DPoP proof JWT is invalid.",
    );
    assertOAuthError(
      await withProof({ iat: 'now' }),
      400,
      PROOF_ERR,
      "'iat' claim in the DPoP proof JWT is invalid.",
    );
    assertOAuthError(
      await withProof({ iat: h.nowS() + 120 }),
      400,
      PROOF_ERR,
      'The DPoP proof JWT is issued in the future.',
    );
    assertOAuthError(
      await withProof({ iat: h.nowS() - 301 }),
      400,
      PROOF_ERR,
      'The DPoP proof JWT is issued more than five minutes in the past.',
    );
    assert.equal(
      (await withProof({ iat: h.nowS() - 290 })).statusCode,
      200,
      'a proof under five minutes old is fine',
    );
  });

  void test("RFC 7519 nbf in the future or not a number → 'The DPoP proof JWT is issued in the future.'", async () => {
    for (const nbf of [h.nowS() + 120, 'soon']) {
      assertOAuthError(
        await withProof({ nbf }),
        400,
        PROOF_ERR,
        'The DPoP proof JWT is issued in the future.',
      );
    }
    assert.equal((await withProof({ nbf: h.nowS() - 5 })).statusCode, 200, 'nbf in the past is fine');
  });

  void test("RFC 7515 a proof with a crit header → 'The DPoP proof JWT cannot be parsed.'", async () => {
    const signed = await new SignJWT({ htm: 'POST', htu: TOKEN_URL, iat: h.nowS(), jti: 'crit-proof', nonce })
      .setProtectedHeader({
        typ: 'dpop+jwt',
        alg: key.alg,
        jwk: key.publicJwk,
        crit: ['urn:example:ext'],
        'urn:example:ext': 1,
      } as never)
      .sign(key.privateKey, { crit: { 'urn:example:ext': true } });
    assertOAuthError(
      await h.token(tokenForm(await assertion(h, app)), { dpop: signed }),
      400,
      PROOF_ERR,
      'The DPoP proof JWT cannot be parsed.',
    );
  });

  void test("§2.3 an expired proof (exp in the past) → 'The DPoP proof JWT is expired.'", async () => {
    assertOAuthError(
      await withProof({ exp: h.nowS() - 1 }),
      400,
      PROOF_ERR,
      'The DPoP proof JWT is expired.',
    );
  });

  void test('§2.3 jti missing (with a nonce) → "\'jti\' claim in the DPoP proof JWT is invalid."', async () => {
    assertOAuthError(
      await withProof({ jti: undefined }),
      400,
      PROOF_ERR,
      "'jti' claim in the DPoP proof JWT is invalid.",
    );
  });

  void test('§2.3 the first, nonce-less proof may omit jti (docs example) and still gets use_dpop_nonce', async () => {
    const res = await h.token(tokenForm(await assertion(h, app)), {
      dpop: await proof(h, key, { jti: undefined }),
    });
    assert.equal((res.json() as { error: string }).error, 'use_dpop_nonce');
  });

  void test("§2.3 replayed proof → 'The DPoP proof JWT has already been used.'", async () => {
    const p = await proof(h, key, { nonce });
    assert.equal((await h.token(tokenForm(await assertion(h, app)), { dpop: p })).statusCode, 200);
    const replay = await h.token(tokenForm(await assertion(h, app)), { dpop: p });
    assertOAuthError(replay, 400, PROOF_ERR, 'The DPoP proof JWT has already been used.');
  });

  void test('Okta Node SDK style: proof signed with the app key itself (jwk carries kid), nonce retry → DPoP token', async () => {
    const appKey: DpopKey = { privateKey: app.key, publicJwk: app.publicJwk as never, alg: 'RS256' };
    const first = await h.token(tokenForm(await assertion(h, app)), {
      dpop: await proof(h, appKey, { nonce: undefined }),
    });
    const n = String(first.headers['dpop-nonce']);
    const res = await h.token(tokenForm(await assertion(h, app)), {
      dpop: await proof(h, appKey, { nonce: n }),
    });
    assert.equal(res.statusCode, 200);
    const claims = decodePart((res.json() as { access_token: string }).access_token, 1);
    assert.deepEqual(claims.cnf, { jkt: app.keyId }, 'cnf.jkt is the thumbprint of the app key');
  });
});
