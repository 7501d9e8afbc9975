import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate, primaryChallenge } from '../../src/http/www-authenticate.js';

void test("Okta's insufficient_scope challenge (facts §4.1)", () => {
  const header =
    'Bearer authorization_uri="http://example.okta.com/oauth2/v1/authorize", realm="http://example.okta.com", scope="okta.users.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/users"';
  assert.deepEqual(parseWwwAuthenticate(header), [
    {
      scheme: 'Bearer',
      params: {
        authorization_uri: 'http://example.okta.com/oauth2/v1/authorize',
        realm: 'http://example.okta.com',
        scope: 'okta.users.read',
        error: 'insufficient_scope',
        error_description: 'The access token provided does not contain the required scopes.',
        resource: '/api/v1/users',
      },
    },
  ]);
});

void test("Okta's DPoP invalid_dpop_proof challenge: quoted values with spaces, commas and apostrophes (facts §2.4)", () => {
  const header =
    'DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri="http://example.okta.com/oauth2/v1/authorize", realm="http://example.okta.com", scope="okta.groups.read", error="invalid_dpop_proof", error_description="\'htu\' claim in the DPoP proof JWT is invalid.", resource="/api/v1/groups/00g1/users"';
  const [c] = parseWwwAuthenticate(header);
  assert.equal(c?.scheme, 'DPoP');
  assert.equal(c?.params['algs'], 'RS256 RS384 RS512 ES256 ES384 ES512');
  assert.equal(c?.params['error'], 'invalid_dpop_proof');
  assert.equal(c?.params['error_description'], "'htu' claim in the DPoP proof JWT is invalid.");
  assert.equal(c?.params['resource'], '/api/v1/groups/00g1/users');
});

void test('commas inside quotes, escaped quotes, unquoted values, odd spacing and upper-case names', () => {
  const [c] = parseWwwAuthenticate(
    'Bearer  ERROR = invalid_token ,error_description="a, \\"b\\", c",realm=x',
  );
  assert.deepEqual(c, {
    scheme: 'Bearer',
    params: { error: 'invalid_token', error_description: 'a, "b", c', realm: 'x' },
  });
});

void test('several challenges in one value and across header lines; primaryChallenge picks the one with an error', () => {
  const all = parseWwwAuthenticate([
    'Basic realm="a, b", DPoP algs="ES256", error="use_dpop_nonce"',
    'Bearer realm="r"',
  ]);
  assert.deepEqual(
    all.map((c) => c.scheme),
    ['Basic', 'DPoP', 'Bearer'],
  );
  assert.equal(all[0]?.params['realm'], 'a, b');
  assert.equal(primaryChallenge(all)?.scheme, 'DPoP');
  assert.equal(primaryChallenge([{ scheme: 'Bearer', params: {} }])?.scheme, 'Bearer');
});

void test('token68 and bare schemes', () => {
  assert.deepEqual(parseWwwAuthenticate('Negotiate abc+/def==, Bearer'), [
    { scheme: 'Negotiate', params: { token68: 'abc+/def==' } },
    { scheme: 'Bearer', params: {} },
  ]);
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
  assert.deepEqual(parseWwwAuthenticate(''), []);
});
