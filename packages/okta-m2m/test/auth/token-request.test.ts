import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  buildTokenRequest,
  CLIENT_ASSERTION_TYPE,
  processTokenResponse,
} from '../../src/auth/token-request.js';
import { DpopError, OAuthError, OktaApiError, RateLimitError, ResponseError } from '../../src/errors.js';
import { httpResponse, type ScriptedResponse } from '../helpers/token-fakes.js';

const endpoint = new URL('https://acme.okta.com/oauth2/v1/token');
const requested = ['okta.users.manage', 'okta.users.read'];
const now = 1_800_000_000_000;
const TOKEN = 'eyJraWQiOiJrIn0.eyJzdWIiOiIwb2ExIn0.c2lnbmF0dXJl';

function process(r: ScriptedResponse, jkt?: string) {
  return processTokenResponse(httpResponse(endpoint, r), { requestedScopes: requested, now, jkt });
}

function oauth(
  status: number,
  error: string,
  description?: string,
  headers?: Record<string, string>,
): ScriptedResponse {
  return {
    status,
    json: description === undefined ? { error } : { error, error_description: description },
    headers: { 'content-type': 'application/json', 'x-okta-request-id': 'req-1', ...headers },
  };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

void describe('buildTokenRequest', () => {
  void test('form body, headers, no client_id', () => {
    const req = buildTokenRequest({ tokenEndpoint: endpoint, scopes: requested, clientAssertion: 'A.B.C' });
    assert.equal(req.method, 'POST');
    assert.equal(req.url.href, endpoint.href);
    assert.equal(req.headers['Accept'], 'application/json');
    assert.equal(req.headers['Content-Type'], 'application/x-www-form-urlencoded');
    assert.equal(req.headers['DPoP'], undefined);
    const body = new URLSearchParams(req.body);
    assert.deepEqual([...body.keys()], ['grant_type', 'scope', 'client_assertion_type', 'client_assertion']);
    assert.equal(body.get('grant_type'), 'client_credentials');
    assert.equal(body.get('scope'), 'okta.users.manage okta.users.read');
    assert.equal(body.get('client_assertion_type'), CLIENT_ASSERTION_TYPE);
    assert.equal(body.get('client_assertion'), 'A.B.C');
    assert.equal(body.get('client_id'), null);
  });

  void test('DPoP header when proving', () => {
    const req = buildTokenRequest({
      tokenEndpoint: endpoint,
      scopes: ['a'],
      clientAssertion: 'x',
      dpopProof: 'P.R.F',
    });
    assert.equal(req.headers['DPoP'], 'P.R.F');
  });
});

void describe('processTokenResponse: success', () => {
  void test('Bearer token with all scopes', () => {
    const r = process({
      status: 200,
      json: {
        token_type: 'Bearer',
        expires_in: 3600,
        access_token: TOKEN,
        scope: 'okta.users.read okta.users.manage',
      },
    });
    assert.equal(r.kind, 'token');
    if (r.kind !== 'token') return;
    assert.equal(r.token.value, TOKEN);
    assert.equal(r.token.type, 'Bearer');
    assert.equal(r.token.obtainedAt, now);
    assert.equal(r.token.expiresAt, now + 3_600_000);
    assert.deepEqual(r.token.scopes, ['okta.users.read', 'okta.users.manage']);
    assert.deepEqual(r.token.missingScopes, []);
    assert.equal(r.token.jkt, undefined);
    assert.equal(r.nonce, undefined);
  });

  void test('DPoP token records the jkt and a rotated dpop-nonce', () => {
    const r = process(
      {
        status: 200,
        json: { token_type: 'DPoP', expires_in: 600, access_token: TOKEN, scope: 'okta.users.read' },
        headers: { 'dpop-nonce': 'n2' },
      },
      'thumb',
    );
    assert.equal(r.kind, 'token');
    if (r.kind !== 'token') return;
    assert.equal(r.token.type, 'DPoP');
    assert.equal(r.token.jkt, 'thumb');
    assert.equal(r.nonce, 'n2');
    assert.deepEqual(r.token.missingScopes, ['okta.users.manage']);
  });

  void test('omitted scope means the requested scopes; omitted expires_in means 3600 s', () => {
    const r = process({ status: 200, json: { token_type: 'bearer', access_token: TOKEN } });
    assert.equal(r.kind, 'token');
    if (r.kind !== 'token') return;
    assert.deepEqual(r.token.scopes, requested);
    assert.equal(r.token.expiresAt - r.token.obtainedAt, 3_600_000);
  });

  void test('the token value is not enumerable and never serialised', () => {
    const r = process({
      status: 200,
      json: { token_type: 'Bearer', expires_in: 3600, access_token: TOKEN, scope: 'a' },
    });
    assert.equal(r.kind, 'token');
    if (r.kind !== 'token') return;
    assert.ok(!Object.keys(r.token).includes('value'));
    assert.ok(!JSON.stringify(r.token).includes(TOKEN));
    assert.ok(!inspect(r.token, { showHidden: true, depth: 5 }).includes(TOKEN));
    assert.ok(!JSON.stringify(r).includes(TOKEN));
  });

  for (const [name, json] of [
    ['no access_token', { token_type: 'Bearer', expires_in: 3600 }],
    ['odd token_type', { token_type: 'mac', expires_in: 3600, access_token: TOKEN }],
    ['bad expires_in', { token_type: 'Bearer', expires_in: 'soon', access_token: TOKEN }],
    ['non-string scope', { token_type: 'Bearer', expires_in: 3600, access_token: TOKEN, scope: ['a'] }],
    ['an array', [1, 2]],
  ] as const) {
    void test(`200 with ${name} → ResponseError`, () => {
      const e = thrown(() => process({ status: 200, json }));
      assert.ok(e instanceof ResponseError);
      assert.equal(e.status, 200);
      assert.ok(!e.message.includes(TOKEN));
    });
  }

  void test('200 with HTML → ResponseError, response attached non-enumerably', () => {
    const e = thrown(() => process({ status: 200, text: '<html>hi</html>' }));
    assert.ok(e instanceof ResponseError);
    assert.match(e.message, /non-JSON/);
    assert.ok(!Object.keys(e).includes('response'));
    assert.ok((e as unknown as { response: unknown }).response);
  });
});

void describe('processTokenResponse: DPoP handshake', () => {
  void test('400 invalid_dpop_proof "header is missing" → dpop-required', () => {
    const r = process(oauth(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.'));
    assert.equal(r.kind, 'dpop-required');
  });

  void test('400 use_dpop_nonce + dpop-nonce header → use-nonce', () => {
    const r = process(
      oauth(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', {
        'dpop-nonce': 'abc',
      }),
    );
    assert.deepEqual(r, { kind: 'use-nonce', nonce: 'abc' });
  });

  void test('use_dpop_nonce without the header → DpopError', () => {
    const e = thrown(() => process(oauth(400, 'use_dpop_nonce', 'x')));
    assert.ok(e instanceof DpopError);
    assert.match(e.hint ?? '', /DPoP-Nonce/);
  });

  void test('other invalid_dpop_proof → DpopError with the description', () => {
    const e = thrown(() =>
      process(
        oauth(400, 'invalid_dpop_proof', 'The DPoP proof JWT is issued more than five minutes in the past.'),
      ),
    );
    assert.ok(e instanceof DpopError);
    assert.equal(e.code, 'OKTA_M2M_DPOP');
    assert.equal(e.error, 'invalid_dpop_proof');
    assert.match(e.message, /five minutes/);
    assert.match(e.hint ?? '', /clock/);
  });
});

void describe('processTokenResponse: OAuth errors with hints', () => {
  const cases: [number, string, string, RegExp][] = [
    [
      401,
      'invalid_client',
      'The client_assertion JWT kid is invalid.',
      /keyId \(OKTA_KEY_ID\) matches the kid/,
    ],
    [401, 'invalid_client', 'The client_assertion signature is invalid.', /same key pair/],
    [
      401,
      'invalid_client',
      'The audience claim for client_assertion must be the endpoint invoked for the request.',
      /token endpoint URL.*not the issuer/,
    ],
    [
      401,
      'invalid_client',
      'The issuer claim for client_assertion is not a valid client_id.',
      /iss and sub must both be the app's client ID/,
    ],
    [
      401,
      'invalid_client',
      'The subject claim for client_assertion is not a valid client_id.',
      /iss and sub/,
    ],
    [401, 'invalid_client', 'The client_assertion token has already been used.', /jti/],
    [401, 'invalid_client', 'The client_assertion token is expired.', /clock/],
    [
      401,
      'invalid_client',
      'The client_assertion token has an expiration too far into the future.',
      /clock.*3600/,
    ],
    [
      401,
      'invalid_client',
      'The client does not have a JWKSet configured, but the client_assertion requires one.',
      /Register a public key/,
    ],
    [401, 'invalid_client', 'Something new.', /Check clientId, keyId/],
    [400, 'consent_required', 'You are not allowed any of the requested scopes.', /Okta API Scopes tab/],
    [400, 'invalid_scope', 'No scopes were requested.', /at least one scope/],
    [
      400,
      'invalid_scope',
      'The requested scope is invalid, unknown, or malformed.',
      /org authorization server/,
    ],
    [
      400,
      'unauthorized_client',
      'The client is not authorized to use the provided grant type.',
      /API Services/,
    ],
    [
      403,
      'access_denied',
      "The request is made from outside the client's permitted network zones.",
      /network zones/,
    ],
  ];
  for (const [status, error, description, hint] of cases) {
    void test(`${status} ${error}: ${description}`, () => {
      const e = thrown(() => process(oauth(status, error, description)));
      assert.ok(e instanceof OAuthError, String(e));
      assert.equal(e.code, 'OKTA_M2M_OAUTH');
      assert.equal(e.status, status);
      assert.equal(e.error, error);
      assert.equal(e.errorDescription, description);
      assert.equal(e.requestId, 'req-1');
      assert.match(e.hint ?? '', hint);
      assert.match(e.message, /^POST \/oauth2\/v1\/token failed with/);
    });
  }
});

void describe('processTokenResponse: other failures', () => {
  void test('429 with E0000047 → RateLimitError with reset time', () => {
    const e = thrown(() =>
      process({
        status: 429,
        json: {
          errorCode: 'E0000047',
          errorSummary: 'You exceeded the maximum number of requests. Try again in a while.',
          errorLink: 'E0000047',
          errorId: 'oae1',
          errorCauses: [],
        },
        headers: { 'x-rate-limit-reset': '1800000060', 'x-rate-limit-limit': '300' },
      }),
    );
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.code, 'OKTA_M2M_RATE_LIMITED');
    assert.equal(e.errorCode, 'E0000047');
    assert.equal(e.resetAt, 1_800_000_060_000);
    assert.equal(e.limit, 300);
    assert.ok(e.hint);
  });

  void test('429 without a body is still a RateLimitError', () => {
    assert.ok(thrown(() => process({ status: 429 })) instanceof RateLimitError);
  });

  void test('5xx with an Okta error object → OktaApiError', () => {
    const e = thrown(() =>
      process({
        status: 500,
        json: { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorCauses: [] },
      }),
    );
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.errorCode, 'E0000009');
  });

  void test('502 HTML → ResponseError', () => {
    const e = thrown(() => process({ status: 502, text: '<html>bad gateway</html>' }));
    assert.ok(e instanceof ResponseError);
    assert.equal(e.status, 502);
  });

  void test('404 JSON of another shape → ResponseError hinting at tokenEndpoint', () => {
    const e = thrown(() => process({ status: 404, json: { message: 'nope' } }));
    assert.ok(e instanceof ResponseError);
    assert.match(e.hint ?? '', /tokenEndpoint/);
  });
});
