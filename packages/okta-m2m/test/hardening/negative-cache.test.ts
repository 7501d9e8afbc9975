// The negative cache covers every token failure that repeating the request cannot fix, and a rate limit until its
// reset: 20 sequential getToken() calls against a loopback token endpoint that keeps answering the same way send
// one request (counted at the server), and the callers get the same typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createOktaClient } from '../../src/client.js';
import { DpopError, OAuthError, RateLimitError, ResponseError } from '../../src/errors.js';
import { sendJson, startLoopbackServer } from '../helpers/loopback-server.js';

const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

const cases: [string, boolean, (res: ServerResponse) => void, new (...args: never[]) => Error][] = [
  [
    'a Bearer answer to dpop: true',
    true,
    (res) =>
      sendJson(res, 200, {
        access_token: 'x'.repeat(40),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'okta.users.read',
      }),
    DpopError,
  ],
  [
    "a proxy's HTML 403",
    false,
    (res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<html>blocked</html>');
    },
    ResponseError,
  ],
  [
    'a DPoP nonce demand while dpop is false',
    false,
    (res) =>
      sendJson(
        res,
        400,
        { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' },
        { 'dpop-nonce': 'n1' },
      ),
    DpopError,
  ],
  [
    'an OAuth refusal',
    false,
    (res) => sendJson(res, 400, { error: 'invalid_request', error_description: 'The request was rejected.' }),
    OAuthError,
  ],
  [
    'a 429 whose reset is 2 minutes away',
    false,
    (res) =>
      sendJson(
        res,
        429,
        { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
        {
          date: new Date().toUTCString(),
          'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 120),
          'x-rate-limit-limit': '300',
          'x-rate-limit-remaining': '0',
        },
      ),
    RateLimitError,
  ],
];

for (const [label, dpop, answer, type] of cases) {
  void test(`negative cache: ${label} → one token request for 20 sequential calls, the same ${type.name}`, async (t) => {
    const srv = await startLoopbackServer((_req, res) => answer(res));
    t.after(() => srv.close());
    const client = createOktaClient({
      orgUrl: srv.url,
      clientId: '0oa1',
      privateKey,
      dpop,
      scopes: ['okta.users.read'],
      transport: { retry: { baseDelayMs: 1, maxDelayMs: 2 } },
    });
    t.after(() => client.close());
    const errors: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      errors.push(
        await client.tokens.getToken().then(
          () => assert.fail('no token expected'),
          (e: unknown) => e,
        ),
      );
    }
    assert.ok(errors[0] instanceof type, String(errors[0]));
    assert.ok(
      errors.every((e) => e === errors[0]),
      'the remembered error, without a request',
    );
    const tokenRequests = srv.requests.filter((r) => r.method === 'POST').length;
    assert.equal(tokenRequests, 1, 'one token request at the server');
  });
}
