import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { SignJWT, generateKeyPair, importPKCS8 } from 'jose';
import {
  ORG,
  TOKEN_URL,
  assertOAuthError,
  assertion,
  harness,
  tokenForm,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

/** Asserts Okta's 401 invalid_client body with the exact description. */
function assertInvalidClient(res: { statusCode: number; json(): unknown }, description: string): void {
  assertOAuthError(res, 401, 'invalid_client', description);
}

void describe('client assertion (private_key_jwt) at the org AS', () => {
  let h: Harness;
  let app: TestApp;
  let ecApp: TestApp;
  let twoKeys: TestApp;

  before(async () => {
    h = await harness();
    app = await h.app({ dpop: false });
    ecApp = await h.app({ dpop: false, keyAlg: 'ES256' });
    twoKeys = await h.app({ dpop: false, keyCount: 2 });
  });
  after(() => h.close());

  void test('§1.3 a valid RS256 assertion gets a token', async () => {
    const res = await h.token(tokenForm(await assertion(h, app)));
    assert.equal(res.statusCode, 200);
  });

  void test('§1.3 a valid ES256 assertion gets a token', async () => {
    const res = await h.token(tokenForm(await assertion(h, ecApp)));
    assert.equal(res.statusCode, 200);
  });

  void test("§1.4 unparsable assertion → 401 'The parsing of the client_assertion failed.'", async () => {
    for (const garbage of [
      'not-a-jwt',
      'a.b.c',
      'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln',
      '....',
      'x'.repeat(20000),
    ]) {
      assertInvalidClient(await h.token(tokenForm(garbage)), 'The parsing of the client_assertion failed.');
    }
  });

  void test("§1.3 alg none or HS256 → 401 'The client_assertion JWT signature algorithm is invalid.'", async () => {
    const payload = { iss: app.clientId, sub: app.clientId, aud: TOKEN_URL, exp: h.nowS() + 300 };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none' })}.${b64(payload)}.`;
    assertInvalidClient(await h.token(tokenForm(unsigned)), 'The parsing of the client_assertion failed.');
    const none = `${b64({ alg: 'none' })}.${b64(payload)}.AAAA`;
    assertInvalidClient(
      await h.token(tokenForm(none)),
      'The client_assertion JWT signature algorithm is invalid.',
    );
    const hs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough!!'));
    assertInvalidClient(
      await h.token(tokenForm(hs)),
      'The client_assertion JWT signature algorithm is invalid.',
    );
  });

  void test("§1.3 alg not matching the registered key type → 'The client_assertion JWT signature algorithm is invalid.'", async () => {
    const rs384 = await importPKCS8(app.privateKeyPem, 'RS384');
    const res = await h.token(tokenForm(await assertion(h, app, {}, { alg: 'RS384' }, rs384)));
    // The registered key carries alg RS256, so an RS384 header is refused before any signature check.
    assertInvalidClient(res, 'The client_assertion JWT signature algorithm is invalid.');
  });

  void test("§1.4 signature by another key → 401 'The client_assertion signature is invalid.'", async () => {
    const other = await generateKeyPair('RS256');
    const res = await h.token(tokenForm(await assertion(h, app, {}, {}, other.privateKey)));
    assertInvalidClient(res, 'The client_assertion signature is invalid.');
  });

  void test("§1.4 iss not a client → 'The issuer claim for client_assertion is not a valid client_id.'", async () => {
    const res = await h.token(tokenForm(await assertion(h, app, { iss: '0oaUnknownClient1234' })));
    assertInvalidClient(res, 'The issuer claim for client_assertion is not a valid client_id.');
    const missing = await h.token(tokenForm(await assertion(h, app, { iss: undefined })));
    assertInvalidClient(missing, 'The issuer claim for client_assertion is not a valid client_id.');
  });

  void test("§1.4 sub differs from iss → 'The subject claim for client_assertion is not a valid client_id.'", async () => {
    const res = await h.token(tokenForm(await assertion(h, app, { sub: ecApp.clientId })));
    assertInvalidClient(res, 'The subject claim for client_assertion is not a valid client_id.');
  });

  void test('§1.3 kid may be omitted when the app has exactly one key', async () => {
    const res = await h.token(tokenForm(await assertion(h, app, {}, { kid: undefined })));
    assert.equal(res.statusCode, 200);
  });

  void test("§1.3 kid omitted while the app has several keys → 'The client_assertion JWT kid is invalid.'", async () => {
    const res = await h.token(tokenForm(await assertion(h, twoKeys, {}, { kid: undefined })));
    assertInvalidClient(res, 'The client_assertion JWT kid is invalid.');
  });

  void test("§1.3 unknown kid → 'The client_assertion JWT kid is invalid.'", async () => {
    const res = await h.token(tokenForm(await assertion(h, app, {}, { kid: 'no-such-kid' })));
    assertInvalidClient(res, 'The client_assertion JWT kid is invalid.');
  });

  void test("§1.4 kid of an INACTIVE key → 'The client_assertion JWT kid is invalid.'", async () => {
    const k = await h.app({ dpop: false, keyCount: 2 });
    const auth = { authorization: `SSWS ${h.emu.adminToken}` };
    const list = await h.emu.app.inject({
      method: 'GET',
      url: `/api/v1/apps/${k.appId}/credentials/jwks`,
      headers: auth,
    });
    const first = (list.json() as { keys: { id: string; kid: string }[] }).keys.find(
      (x) => x.kid === k.keyId,
    );
    assert.ok(first);
    const deactivated = await h.emu.app.inject({
      method: 'POST',
      url: `/api/v1/apps/${k.appId}/credentials/jwks/${first.id}/lifecycle/deactivate`,
      headers: { ...auth, 'content-length': '0' },
    });
    assert.equal(deactivated.statusCode, 200);
    assertInvalidClient(
      await h.token(tokenForm(await assertion(h, k))),
      'The client_assertion JWT kid is invalid.',
    );
  });

  void test("§1.3 aud = issuer (not the token endpoint) → 'The audience claim for client_assertion must be the endpoint invoked for the request.'", async () => {
    const text = 'The audience claim for client_assertion must be the endpoint invoked for the request.';
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { aud: ORG }))), text);
    assertInvalidClient(
      await h.token(tokenForm(await assertion(h, app, { aud: `${ORG}/oauth2/default/v1/token` }))),
      text,
    );
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { aud: [TOKEN_URL, ORG] }))), text);
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { aud: undefined }))), text);
  });

  void test('§1.3 aud as a one-element array holding the token endpoint is accepted', async () => {
    const res = await h.token(tokenForm(await assertion(h, app, { aud: [TOKEN_URL] })));
    assert.equal(res.statusCode, 200);
  });

  void test("§1.3 exp missing → 'The client_assertion must contain the 'exp' claim as seconds since epoch.'", async () => {
    const text = "The client_assertion must contain the 'exp' claim as seconds since epoch.";
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { exp: undefined }))), text);
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { exp: 'tomorrow' }))), text);
  });

  void test("§1.4 expired assertion → 'The client_assertion token is expired.' (60 s leeway)", async () => {
    const text = 'The client_assertion token is expired.';
    assertInvalidClient(
      await h.token(tokenForm(await assertion(h, app, { iat: h.nowS() - 600, exp: h.nowS() - 61 }))),
      text,
    );
    const withinLeeway = await h.token(
      tokenForm(await assertion(h, app, { iat: h.nowS() - 600, exp: h.nowS() - 30 })),
    );
    assert.equal(withinLeeway.statusCode, 200);
  });

  void test("§1.3 exp more than one hour ahead → 'The client_assertion token has an expiration too far into the future.'", async () => {
    const text = 'The client_assertion token has an expiration too far into the future.';
    assertInvalidClient(
      await h.token(tokenForm(await assertion(h, app, { exp: h.nowS() + 3600 + 61 }))),
      text,
    );
    const oneHour = await h.token(tokenForm(await assertion(h, app, { exp: h.nowS() + 3600 })));
    assert.equal(oneHour.statusCode, 200, 'exp exactly one hour ahead (what the Go SDK sends) is accepted');
  });

  void test("§1.3 iat in the future → 'The client_assertion token must be issued before the current time.'", async () => {
    const text = 'The client_assertion token must be issued before the current time.';
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { iat: h.nowS() + 120 }))), text);
    const noIat = await h.token(tokenForm(await assertion(h, app, { iat: undefined })));
    assert.equal(noIat.statusCode, 200, 'iat is optional');
  });

  void test("RFC 7519 nbf in the future (beyond the 60 s leeway) or not a number → 'The client_assertion token must be issued before the current time.'", async () => {
    const text = 'The client_assertion token must be issued before the current time.';
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { nbf: h.nowS() + 120 }))), text);
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { nbf: 'soon' }))), text);
    assertInvalidClient(await h.token(tokenForm(await assertion(h, app, { nbf: null }))), text);
    for (const nbf of [h.nowS() - 10, h.nowS() + 30]) {
      const res = await h.token(tokenForm(await assertion(h, app, { nbf })));
      assert.equal(res.statusCode, 200, `nbf ${nbf - h.nowS()} s from now is accepted`);
    }
  });

  void test("RFC 7515 a crit header (an extension the server does not understand) → 'The parsing of the client_assertion failed.'", async () => {
    // Signed by hand: a JOSE library refuses to produce a malformed crit.
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = h.nowS();
    for (const crit of [['urn:example:ext'], ['exp'], [], 'urn:example:ext']) {
      const input = `${b64({ alg: 'RS256', kid: app.keyId, crit, 'urn:example:ext': 1 })}.${b64({
        iss: app.clientId,
        sub: app.clientId,
        aud: TOKEN_URL,
        exp: now + 300,
        jti: `crit-${JSON.stringify(crit)}`,
      })}`;
      const signature = sign('sha256', Buffer.from(input), app.privateKeyPem).toString('base64url');
      assertInvalidClient(
        await h.token(tokenForm(`${input}.${signature}`)),
        'The parsing of the client_assertion failed.',
      );
    }
    // The same assertion without crit is accepted: the refusal is the crit member, not the hand signing.
    const plain = `${b64({ alg: 'RS256', kid: app.keyId })}.${b64({
      iss: app.clientId,
      sub: app.clientId,
      aud: TOKEN_URL,
      exp: now + 300,
      jti: 'crit-control',
    })}`;
    const ok = await h.token(
      tokenForm(`${plain}.${sign('sha256', Buffer.from(plain), app.privateKeyPem).toString('base64url')}`),
    );
    assert.equal(ok.statusCode, 200);
  });

  void test("§1.4 replayed jti → 401 invalid_client 'The client_assertion token has already been used.'", async () => {
    const a = await assertion(h, app);
    assert.equal((await h.token(tokenForm(a))).statusCode, 200);
    assertInvalidClient(await h.token(tokenForm(a)), 'The client_assertion token has already been used.');
  });

  void test('§1.3 an assertion without jti is not single-use (jti is optional)', async () => {
    const a = await assertion(h, app, { jti: undefined });
    assert.equal((await h.token(tokenForm(a))).statusCode, 200);
    assert.equal((await h.token(tokenForm(a))).statusCode, 200);
  });

  void test("§1.4 app without keys → 'The client does not have a JWKSet configured, but the client_assertion requires one.'", async () => {
    const created = await h.emu.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { authorization: `SSWS ${h.emu.adminToken}` },
      payload: {
        label: 'no-keys',
        signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
        settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'] } },
      },
    });
    const id = (created.json() as { id: string }).id;
    const res = await h.token(tokenForm(await assertion(h, { ...app, clientId: id })));
    assertInvalidClient(
      res,
      'The client does not have a JWKSet configured, but the client_assertion requires one.',
    );
  });
});
