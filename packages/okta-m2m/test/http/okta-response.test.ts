import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DpopError, OktaApiError, RateLimitError, ResponseError } from '../../src/errors.js';
import { oktaErrorFromResponse, processOktaResponse } from '../../src/http/okta-response.js';
import type { HttpResponse } from '../../src/http/types.js';

const URL_WITH_QUERY = new URL('https://example.okta.com/api/v1/users/alice%40example.com?secret=hunter2');

function res(
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
  url = URL_WITH_QUERY,
): HttpResponse {
  return {
    status,
    headers: { 'x-okta-request-id': 'reqAbC123', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    url,
  };
}
const oktaError = (code: string, summary: string, causes: string[] = []) => ({
  errorCode: code,
  errorSummary: summary,
  errorLink: code,
  errorId: 'oaeHfmOAx1iRLa0H10DeMz5fQ',
  errorCauses: causes.map((errorSummary) => ({ errorSummary })),
});
const ctx = { method: 'get' };

function thrown(response: HttpResponse, context: { method: string; path?: string } = ctx): Error {
  try {
    processOktaResponse(response, context);
  } catch (e) {
    assert.ok(e instanceof Error);
    assert.doesNotMatch(e.message, /hunter2|secret=/, 'the query string never reaches a message');
    return e;
  }
  assert.fail('expected a throw');
}

void test('2xx: parsed JSON; 204 and empty body: undefined', () => {
  assert.deepEqual(processOktaResponse(res(200, { id: '00u1' }), ctx), { id: '00u1' });
  assert.equal(processOktaResponse(res(204, ''), ctx), undefined);
  assert.equal(processOktaResponse(res(200, '  '), ctx), undefined);
});

void test('2xx with bad JSON: ResponseError naming method and path, response attached non-enumerably', () => {
  const e = thrown(res(200, '<html>login</html>'));
  assert.ok(e instanceof ResponseError);
  assert.equal(e.status, 200);
  assert.match(
    e.message,
    /^GET \/api\/v1\/users\/alice%40example\.com: Okta answered 200 with a body that is not JSON$/,
  );
  assert.equal(Object.keys(e).includes('response'), false);
  assert.equal((e as unknown as { response: HttpResponse }).response.status, 200);
});

void test('404 E0000007: OktaApiError with every field and the no-such-user hint', () => {
  const e = thrown(
    res(404, oktaError('E0000007', 'Not found: Resource not found: alice@example.com (User)')),
  );
  assert.ok(e instanceof OktaApiError);
  assert.equal(e.code, 'OKTA_M2M_OKTA_API');
  assert.equal(e.status, 404);
  assert.equal(e.method, 'GET');
  assert.equal(e.path, '/api/v1/users/alice%40example.com');
  assert.equal(e.errorCode, 'E0000007');
  assert.equal(e.errorSummary, 'Not found: Resource not found: alice@example.com (User)');
  assert.equal(e.errorId, 'oaeHfmOAx1iRLa0H10DeMz5fQ');
  assert.equal(e.requestId, 'reqAbC123');
  assert.deepEqual(e.errorCauses, []);
  assert.match(e.message, /^GET \/api\/v1\/users\/alice%40example\.com failed with 404: E0000007 Not found/);
  assert.match(e.hint ?? '', /No such user/);
});

void test('403 insufficient_scope (empty body, challenge only): hint names the scope and the Okta API Scopes tab', () => {
  const e = thrown(
    res(403, '', {
      'www-authenticate':
        'Bearer authorization_uri="http://example.okta.com/oauth2/v1/authorize", realm="http://example.okta.com", scope="okta.users.manage", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/users/00u1"',
    }),
    { method: 'POST', path: '/api/v1/users/00u1' },
  );
  assert.ok(e instanceof OktaApiError);
  assert.equal(e.errorCode, undefined);
  assert.equal(e.challenge?.scheme, 'Bearer');
  assert.equal(e.challenge?.params['scope'], 'okta.users.manage');
  assert.match(e.message, /POST \/api\/v1\/users\/00u1 failed with 403: insufficient_scope/);
  assert.match(
    e.hint ?? '',
    /^The access token lacks the scope okta\.users\.manage: grant it on the app's Okta API Scopes tab and request it \(scopes option\)/,
  );
});

void test('403 E0000006: hint says admin role / resource set and names the permission', () => {
  const read = thrown(
    res(403, oktaError('E0000006', 'You do not have permission to perform the requested action')),
  );
  assert.match(read.message, /E0000006/);
  assert.match(
    (read as OktaApiError).hint ?? '',
    /admin role does not permit.*resource set.*okta\.users\.read/,
  );
  const write = thrown(res(403, oktaError('E0000006', 'You do not have permission')), {
    method: 'POST',
    path: '/api/v1/users/00u1',
  });
  assert.match((write as OktaApiError).hint ?? '', /okta\.users\.userprofile\.manage/);
});

void test('401: token invalid or expired hint, with the challenge description', () => {
  const e = thrown(
    res(401, oktaError('E0000011', 'Invalid token provided'), {
      'www-authenticate':
        'Bearer realm="http://example.okta.com", error="invalid_token", error_description="The token has expired."',
    }),
  );
  assert.ok(e instanceof OktaApiError);
  assert.equal(e.status, 401);
  assert.match(e.hint ?? '', /invalid or expired \(The token has expired\.\)/);
});

void test('400 E0000003: malformed JSON, profile fields must be inside `profile`', () => {
  const e = thrown(res(400, oktaError('E0000003', 'The request body was not well-formed.')), {
    method: 'POST',
  });
  assert.match(
    (e as OktaApiError).hint ?? '',
    /not well-formed JSON; profile fields .* inside a `profile` object/,
  );
});

void test('400 E0000001: the hint lists the causes', () => {
  const e = thrown(
    res(
      400,
      oktaError('E0000001', 'Api validation failed: firstName', [
        'firstName: The field cannot be left blank',
        'lastName: too long',
      ]),
    ),
    { method: 'POST' },
  );
  assert.ok(e instanceof OktaApiError);
  assert.deepEqual(e.errorCauses, [
    { errorSummary: 'firstName: The field cannot be left blank' },
    { errorSummary: 'lastName: too long' },
  ]);
  assert.equal(
    e.hint,
    'Okta rejected the values: firstName: The field cannot be left blank; lastName: too long.',
  );
});

void test('429: RateLimitError with resetAt, limit and the reset time in the hint', () => {
  const e = thrown(
    res(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), {
      'x-rate-limit-limit': '600',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': '1609459200',
      date: 'Thu, 31 Dec 2020 23:59:30 GMT',
    }),
  );
  assert.ok(e instanceof RateLimitError);
  assert.equal(e.code, 'OKTA_M2M_RATE_LIMITED');
  assert.equal(e.resetAt, 1609459200_000);
  assert.equal(e.limit, 600);
  assert.equal(e.errorCode, 'E0000047');
  assert.match(e.hint ?? '', /rate-limited.*limit 600.*resets at 2021-01-01T00:00:00\.000Z/);
});

void test('5xx: Okta-side failure hint quoting the request id', () => {
  const e = thrown(res(503, oktaError('E0000009', 'Internal Server Error')));
  assert.ok(e instanceof OktaApiError);
  assert.match(e.hint ?? '', /Okta-side failure \(503\).*reqAbC123/);
  const bare = thrown(res(502, 'Bad Gateway'));
  assert.ok(bare instanceof OktaApiError);
  assert.equal(bare.errorCode, undefined);
  assert.equal(bare.message, 'GET /api/v1/users/alice%40example.com failed with 502');
});

void test('400 invalid_dpop_proof (empty body): DpopError with error, description and a claim-specific hint', () => {
  const cases: [string, RegExp][] = [
    ["'htu' claim in the DPoP proof JWT is invalid.", /htu.*without query/],
    ["'ath' claim in the DPoP proof does not match the presented access_token.", /ath.*SHA-256/],
    ['The DPoP proof JWT has already been used.', /fresh `jti`/],
    ['The DPoP proof JWT is issued in the future.', /clock/],
  ];
  for (const [description, hint] of cases) {
    const e = thrown(
      res(400, '', {
        'www-authenticate': `DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", realm="http://example.okta.com", error="invalid_dpop_proof", error_description="${description}", resource="/api/v1/users"`,
      }),
    );
    assert.ok(e instanceof DpopError, description);
    assert.equal(e.status, 400);
    assert.equal(e.error, 'invalid_dpop_proof');
    assert.equal(e.errorDescription, description);
    assert.match(e.hint ?? '', hint);
  }
});

void test('a Bearer token presented with the DPoP scheme (401 invalid_token about DPoP) is a DpopError', () => {
  const e = oktaErrorFromResponse(
    res(401, '', {
      'www-authenticate':
        'DPoP error="invalid_token", error_description="The presented access_token is not DPoP bound."',
    }),
    ctx,
  );
  assert.ok(e instanceof DpopError);
  assert.match(e.hint ?? '', /not DPoP-bound/);
});

void test('the path defaults to the response URL path, never its query', () => {
  const e = oktaErrorFromResponse(res(404, oktaError('E0000007', 'Not found')), { method: 'GET' });
  assert.ok(e instanceof OktaApiError);
  assert.equal(e.path, '/api/v1/users/alice%40example.com');
  assert.doesNotMatch(JSON.stringify(e), /hunter2/);
});

void test('hints: E0000005 (a session-only endpoint), E0000031 (bad search expression), E0000029 (bad cursor)', () => {
  const cases: [number, string, string, RegExp][] = [
    [403, 'E0000005', 'Invalid session', /does not accept OAuth access tokens for service apps/],
    [400, 'E0000031', 'Invalid search criteria.', /search\/filter expression is invalid.*operators/],
    [400, 'E0000029', 'Invalid paging request.', /paging cursor is invalid: follow the `next` link/],
  ];
  for (const [status, code, summary, hint] of cases) {
    const e = thrown(res(status, oktaError(code, summary)));
    assert.ok(e instanceof OktaApiError, code);
    assert.equal(e.errorCode, code);
    assert.equal(e.status, status);
    assert.match(e.hint ?? '', hint, code);
  }
});
