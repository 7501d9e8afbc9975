// A token endpoint that answers a token with an unexpected status (201, 203, 400, 503) or next to an error: the
// error the caller gets never carries the token, in its attached response or in any inspect output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { createOktaClient } from '../../src/client.js';
import { OktaM2MError } from '../../src/errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/** The response an error carries (declared on the error classes that attach one). */
const attachedTo = (e: OktaM2MError): HttpResponse | undefined => (e as { response?: HttpResponse }).response;
import { sendJson, startLoopbackServer } from '../helpers/loopback-server.js';

const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

for (const [status, extra] of [
  [201, {}],
  [203, {}],
  [400, {}],
  [503, {}],
  [401, { error: 'invalid_client', error_description: 'refused' }],
] as const) {
  void test(`a token in a ${status} body${'error' in extra ? ' next to an OAuth error' : ''} is not kept on the error`, async (t) => {
    const secret = `at-secret-${status}-`.padEnd(48, 'z');
    const srv = await startLoopbackServer((_req, res) =>
      sendJson(res, status, { access_token: secret, token_type: 'Bearer', expires_in: 3600, ...extra }),
    );
    t.after(() => srv.close());
    const client = createOktaClient({
      orgUrl: srv.url,
      clientId: '0oa1',
      privateKey,
      dpop: false,
      transport: { retry: false },
    });
    t.after(() => client.close());
    const error = await client.tokens.getToken().then(
      () => assert.fail('a token with an unexpected status must not be used'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OktaM2MError, String(error));
    assert.equal(attachedTo(error)?.status, status, 'the response is attached (status, headers)');
    assert.ok(!(attachedTo(error)?.body ?? '').includes(secret), 'not in the attached body');
    assert.ok(!inspect(error, { showHidden: true, depth: 10 }).includes(secret), 'not in inspect output');
    assert.ok(!JSON.stringify(error).includes(secret), 'not in JSON');
  });
}

void test('an OAuth error body without a token stays attached as is (it helps diagnose)', async (t) => {
  const srv = await startLoopbackServer((_req, res) =>
    sendJson(res, 401, {
      error: 'invalid_client',
      error_description: 'The client_assertion JWT kid is invalid.',
    }),
  );
  t.after(() => srv.close());
  const client = createOktaClient({ orgUrl: srv.url, clientId: '0oa1', privateKey, dpop: false });
  t.after(() => client.close());
  const error = await client.tokens.getToken().then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OktaM2MError);
  assert.match(attachedTo(error)?.body ?? '', /kid is invalid/);
});
