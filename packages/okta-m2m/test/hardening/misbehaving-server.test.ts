// What a server that misbehaves must never get out of the library, against small loopback servers written here:
// a Bearer token when DPoP was required (no silent downgrade), an access token kept in an error's attached
// response, an endless pagination loop; and relative `next` links resolved against the page's URL with the
// origin check after resolution.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { createOktaClient } from '../../src/client.js';
import { DpopError, ForeignOriginError, ResponseError } from '../../src/errors.js';
import { resolveTransportOptions } from '../../src/config.js';
import { createTransport } from '../../src/http/transport.js';
import { Metrics } from '../../src/observability/metrics.js';
import { UsersApi } from '../../src/users/users-api.js';
import { startLoopbackServer, sendJson } from '../helpers/loopback-server.js';
import { SswsAuthorizer } from '../helpers/ssws-authorizer.js';

const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

/** A UsersApi over a fresh transport (no real backoff waits) to `orgUrl`, closed after the test. */
function usersApiFor(t: TestContext, orgUrl: string, authorizer = new SswsAuthorizer(['t'])): UsersApi {
  const transport = createTransport(resolveTransportOptions({}), {
    clock: Date.now,
    sleep: async () => undefined,
    random: () => 0,
    metrics: new Metrics(),
  });
  t.after(() => transport.close());
  return new UsersApi({ transport, authorizer, orgUrl });
}

void test('dpop: true and the server answers a Bearer token: DpopError, no silent downgrade', async (t) => {
  const srv = await startLoopbackServer((_req, res) =>
    sendJson(res, 200, {
      access_token: 'bearer-downgrade-token',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'okta.users.read',
    }),
  );
  t.after(() => srv.close());
  const client = createOktaClient({
    orgUrl: srv.url,
    clientId: '0oa1',
    privateKey,
    dpop: true,
    scopes: ['okta.users.read'],
  });
  t.after(() => client.close());
  await assert.rejects(client.tokens.getToken(), (e: unknown) => {
    assert.ok(e instanceof DpopError, String(e));
    assert.match(e.message, /answered 200 with a Bearer token although dpop is true/);
    assert.match(e.hint ?? '', /ignored the DPoP proof/);
    assert.ok(!e.message.includes('bearer-downgrade-token'));
    return true;
  });
  assert.equal(srv.requests.length, 1);
  assert.ok(typeof srv.requests[0]!.headers['dpop'] === 'string', 'a proof was sent');
});

void test('a malformed 200 token response: ResponseError whose attached response does not hold the token', async (t) => {
  const secret = 'at-secret-in-a-malformed-response';
  const bodies = [
    { access_token: secret, token_type: 'mac', expires_in: 3600 },
    { access_token: secret, token_type: 'Bearer', expires_in: -1 },
  ];
  let n = 0;
  const srv = await startLoopbackServer((_req, res) => {
    const body = bodies[n++ % bodies.length];
    sendJson(res, 200, body);
  });
  t.after(() => srv.close());
  const client = createOktaClient({
    orgUrl: srv.url,
    clientId: '0oa1',
    privateKey,
    dpop: false,
    scopes: ['okta.users.read'],
  });
  t.after(() => client.close());
  for (const expected of [/token_type "mac"/, /invalid expires_in/]) {
    const e = await client.tokens.getToken().then(
      () => assert.fail('expected a ResponseError'),
      (error: unknown) => error,
    );
    assert.ok(e instanceof ResponseError, String(e));
    assert.match(e.message, expected);
    const response = (e as unknown as { response: { body: string; status: number } }).response;
    assert.equal(response.status, 200);
    assert.ok(!response.body.includes(secret), 'no token in err.response.body');
    assert.ok(!inspect(e, { showHidden: true, depth: 8 }).includes(secret));
    assert.ok(!JSON.stringify(e).includes(secret));
  }
});

void test('pagination: relative next links are resolved; a next link back to a page already read is a ResponseError', async (t) => {
  const srv = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const user = (id: string) => ({ id, profile: { login: `${id}@example.com` } });
    if (url.searchParams.get('after') === null) {
      // Relative (path-absolute) next link, as a rewriting proxy produces.
      sendJson(res, 200, [user('u1')], { link: '</api/v1/users?after=u1&limit=200>; rel="next"' });
    } else if (url.searchParams.get('after') === 'u1') {
      // Relative (path-relative) link to the first page again.
      sendJson(res, 200, [user('u2')], { link: '<users?limit=200>; rel="next"' });
    } else {
      sendJson(res, 500, {});
    }
  });
  t.after(() => srv.close());
  const users = usersApiFor(t, srv.url);
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const u of users.list()) seen.push(u.id);
    })(),
    (e: unknown) => {
      assert.ok(e instanceof ResponseError, String(e));
      assert.match(e.message, /next link points to a page already read/);
      return true;
    },
  );
  assert.deepEqual(seen, ['u1', 'u2']);
  assert.deepEqual(
    srv.requests.map((r) => r.url),
    ['/api/v1/users?limit=200', '/api/v1/users?after=u1&limit=200'],
    'two pages read, the loop refused before a third request',
  );
});

void test('pagination: a next link back to a page already read, disguised by a fragment, reordered parameters and percent-encoding, is still refused', async (t) => {
  const srv = await startLoopbackServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const user = (id: string) => ({ id, profile: { login: `${id}@example.com` } });
    if (url.searchParams.get('after') === null) {
      sendJson(res, 200, [user('u1')], { link: '</api/v1/users?after=u1&limit=200#p1>; rel="next"' });
    } else {
      // The same page again: another fragment, the parameters swapped, the path percent-encoded.
      sendJson(res, 200, [user('u2')], { link: '</api/v1/%75sers?limit=200&after=u%31#p2>; rel="next"' });
    }
  });
  t.after(() => srv.close());
  const users = usersApiFor(t, srv.url);
  let pages = 0;
  await assert.rejects(
    (async () => {
      for await (const _page of users.pages()) if (++pages > 5) assert.fail('the loop was not stopped');
    })(),
    /next link points to a page already read/,
  );
  assert.equal(srv.requests.length, 2, 'two pages read, the loop refused before a third request');
});

void test('pagination: a relative next link that resolves to another origin is refused after resolution', async (t) => {
  const srv = await startLoopbackServer((_req, res) =>
    sendJson(res, 200, [{ id: 'u1', profile: {} }], {
      link: '<//evil.example/api/v1/users?after=u1>; rel="next"',
    }),
  );
  t.after(() => srv.close());
  const authorizer = new SswsAuthorizer(['t']);
  const users = usersApiFor(t, srv.url, authorizer);
  const pages = users.pages();
  const first = await pages.next();
  assert.equal(first.value?.nextUrl, 'http://evil.example/api/v1/users?after=u1');
  await assert.rejects(pages.next(), ForeignOriginError);
  assert.equal(authorizer.authorized.length, 1, 'no credentials produced for the foreign origin');
});
