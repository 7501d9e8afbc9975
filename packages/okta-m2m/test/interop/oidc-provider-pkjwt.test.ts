/**
 * Interop: the token provider against oidc-provider 8.x (an independent, certified authorization server) with
 * its token endpoint at /oauth2/v1/token: client_credentials + private_key_jwt with aud = the token endpoint,
 * RS256 and ES256 keys, and DPoP (required, with server nonces) through the same provider.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createOktaClient, DpopError, OAuthError, type OktaClientOptions } from '../../src/index.js';
import { jwkThumbprint } from '../../src/core.js';
import { clientInternals } from '../../src/client.js';
import { startOidcProvider, type OidcProviderOptions } from '../helpers/oidc-provider.js';

function keyPair(alg: 'RS256' | 'ES256') {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JsonWebKey;
  const kid = jwkThumbprint(publicJwk);
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' } as JsonWebKey,
    kid,
  };
}

async function setup(
  t: { after: (fn: () => Promise<void> | void) => void },
  alg: 'RS256' | 'ES256',
  op: Omit<OidcProviderOptions, 'clientJwks'>,
  client: Partial<OktaClientOptions> = {},
) {
  const key = keyPair(alg);
  const server = await startOidcProvider({ ...op, clientJwks: [key.publicJwk] });
  t.after(() => server.close());
  const okta = createOktaClient({
    orgUrl: server.issuer,
    tokenEndpoint: server.tokenEndpoint,
    clientId: server.clientId,
    keyId: key.kid,
    privateKey: key.pem,
    transport: { retry: false },
    ...client,
  });
  t.after(() => okta.close());
  return { server, okta };
}

for (const alg of ['RS256', 'ES256'] as const) {
  void test(`private_key_jwt (${alg}): a Bearer token with the requested scopes, a new assertion per fetch`, async (t) => {
    const { server, okta } = await setup(t, alg, { dpop: 'off' }, { dpop: false });
    const token = await okta.tokens.getToken();
    assert.equal(token.type, 'Bearer');
    const stored = await server.findToken(token.value);
    assert.ok(stored, 'the server issued this token');
    assert.deepEqual(stored.scope?.split(' ').sort(), ['okta.users.manage', 'okta.users.read']);
    clientInternals(okta).tokens.rejectToken(token);
    const second = await okta.tokens.getToken(['okta.users.read']);
    assert.deepEqual(second.scopes, ['okta.users.read']);
    assert.equal(server.tokenRequests.length, 2);
    assert.ok(server.tokenRequests.every((r) => r.status === 200 && r.proofJti === undefined));
    const [a, b] = server.tokenRequests.map((r) => r.assertionJti);
    assert.ok(a && b && a !== b, 'a fresh jti per assertion');
  });
}

void test('DPoP required with server nonces, dpop: true: proof → use_dpop_nonce → DPoP token bound to the key', async (t) => {
  const { server, okta } = await setup(t, 'ES256', { dpop: 'required', requireNonce: true }, { dpop: true });
  const token = await okta.tokens.getToken();
  assert.equal(token.type, 'DPoP');
  assert.deepEqual(
    server.tokenRequests.map((r) => [r.status, r.error]),
    [
      [400, 'use_dpop_nonce'],
      [200, undefined],
    ],
  );
  assert.equal(server.tokenRequests[1]!.proofNonce, server.tokenRequests[0]!.nonceSent);
  assert.notEqual(server.tokenRequests[0]!.assertionJti, server.tokenRequests[1]!.assertionJti);
  assert.notEqual(server.tokenRequests[0]!.proofJti, server.tokenRequests[1]!.proofJti);
  assert.equal((await server.findToken(token.value))?.jkt, token.jkt);
});

void test("DPoP required, dpop 'auto': oidc-provider's generic invalid_grant is an OAuthError hinting at dpop: true", async (t) => {
  // oidc-provider answers a missing proof with 400 invalid_grant "grant request is invalid" (the detail stays on
  // the server), unlike Okta's invalid_dpop_proof "The DPoP proof JWT header is missing.", so 'auto' cannot
  // recognise it: the error must say how to fix it, and nothing may be retried blindly.
  const { server, okta } = await setup(t, 'RS256', { dpop: 'required', requireNonce: true });
  await assert.rejects(okta.tokens.getToken(), (e: unknown) => {
    assert.ok(e instanceof OAuthError, String(e));
    assert.equal(e.error, 'invalid_grant');
    assert.match(e.hint ?? '', /dpop: true/);
    return true;
  });
  assert.equal(okta.tokens.dpopActive, false);
  assert.equal(server.tokenRequests.length, 1);
});

void test('a server that never converges: DpopError after 3 token requests', async (t) => {
  const { server, okta } = await setup(t, 'ES256', { dpop: 'required', neverConverge: true }, { dpop: true });
  await assert.rejects(okta.tokens.getToken(), (e: unknown) => {
    assert.ok(e instanceof DpopError, String(e));
    assert.match(e.message, /did not converge after 3 token requests/);
    return true;
  });
  assert.equal(server.tokenRequests.length, 3);
});
