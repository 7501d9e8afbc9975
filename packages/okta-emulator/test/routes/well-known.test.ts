import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ORG, harness, type Harness } from '../helpers/platform-fixtures.js';

let h: Harness;
before(async () => {
  h = await harness();
});
after(() => h.close());

for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
  void test(`§1.8 ${path} describes the org AS (issuer = org URL, token and keys endpoints, DPoP algs)`, async () => {
    const res = await h.emu.app.inject({ method: 'GET', url: path });
    assert.equal(res.statusCode, 200);
    const meta = res.json() as Record<string, unknown>;
    assert.equal(meta.issuer, ORG);
    assert.equal(meta.token_endpoint, `${ORG}/oauth2/v1/token`);
    assert.equal(meta.jwks_uri, `${ORG}/oauth2/v1/keys`);
    assert.ok((meta.token_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));
    assert.deepEqual(meta.dpop_signing_alg_values_supported, [
      'RS256',
      'RS384',
      'RS512',
      'ES256',
      'ES384',
      'ES512',
    ]);
  });
}

void test('§1.8 /oauth2/v1/keys: {keys:[{kty,alg:RS256,kid,use:sig,e,n}]} with a long Cache-Control max-age, no private parts', async () => {
  const res = await h.emu.app.inject({ method: 'GET', url: '/oauth2/v1/keys' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['cache-control']), /max-age=\d{6,}/);
  const { keys } = res.json() as { keys: Record<string, string>[] };
  assert.equal(keys.length, 1);
  assert.deepEqual(Object.keys(keys[0] ?? {}).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  assert.equal(keys[0]?.alg, 'RS256');
  assert.equal(keys[0]?.kid, h.emu.state.signingKey.kid);
});
