import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  ASSERTION_TYPE,
  ORG,
  assertOAuthError,
  assertion,
  decodePart,
  dpopKey,
  harness,
  proof,
  tokenForm,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

void describe('POST /oauth2/v1/token (client_credentials)', () => {
  let h: Harness;
  let app: TestApp;

  before(async () => {
    h = await harness();
    app = await h.app({ dpop: false, scopes: ['okta.users.read', 'okta.users.manage'] });
  });
  after(() => h.close());

  void test('§1.6 success: {token_type: Bearer, expires_in: 3600, access_token, scope} with no-store/no-cache headers', async () => {
    const res = await h.token(tokenForm(await assertion(h, app), 'okta.users.read okta.users.manage'));
    assert.equal(res.statusCode, 200);
    const body = res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['token_type', 'expires_in', 'access_token', 'scope']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, 'okta.users.read okta.users.manage');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['pragma'], 'no-cache');
    assert.match(String(res.headers['x-okta-request-id']), /^req[A-Za-z0-9]{23}$/);
    assert.equal(res.headers['date'], new Date(h.clock.now()).toUTCString());
  });

  void test("§1.7 the access token is an RS256 JWT shaped like Okta's, verifiable with /oauth2/v1/keys", async () => {
    const res = await h.token(tokenForm(await assertion(h, app)));
    const token = (res.json() as { access_token: string }).access_token;
    const header = decodePart(token, 0);
    assert.deepEqual(Object.keys(header), ['kid', 'alg']);
    assert.equal(header.alg, 'RS256');
    const keys = await h.emu.app.inject({ method: 'GET', url: '/oauth2/v1/keys' });
    const { payload } = await jwtVerify(token, createLocalJWKSet(keys.json()), {
      issuer: ORG,
      audience: ORG,
      currentDate: new Date(h.clock.now()),
    });
    assert.equal(payload.ver, 1);
    assert.match(String(payload.jti), /^AT\.[A-Za-z0-9_-]{43}$/);
    assert.equal(payload.sub, app.clientId);
    assert.equal(payload.cid, app.clientId);
    assert.deepEqual(payload.scp, ['okta.users.read']);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
    assert.equal(payload.uid, undefined, 'no uid on service tokens');
    assert.equal(payload.cnf, undefined, 'no cnf on a Bearer token');
  });

  void test("§1.5 scope omitted → 400 invalid_scope 'No scopes were requested.'", async () => {
    const form = tokenForm(await assertion(h, app));
    delete (form as Partial<typeof form>).scope;
    assertOAuthError(await h.token(form), 400, 'invalid_scope', 'No scopes were requested.');
    assertOAuthError(
      await h.token(tokenForm(await assertion(h, app), '  ')),
      400,
      'invalid_scope',
      'No scopes were requested.',
    );
  });

  void test("§1.5 none of the requested scopes granted → 400 consent_required 'You are not allowed any of the requested scopes.'", async () => {
    const res = await h.token(tokenForm(await assertion(h, app), 'okta.groups.read okta.apps.manage'));
    assertOAuthError(res, 400, 'consent_required', 'You are not allowed any of the requested scopes.');
  });

  void test('§1.5 partial grant → 200 with only the granted subset in scope and scp', async () => {
    const res = await h.token(
      tokenForm(await assertion(h, app), 'okta.groups.read okta.users.manage okta.logs.read'),
    );
    assert.equal(res.statusCode, 200);
    const body = res.json() as { scope: string; access_token: string };
    assert.equal(body.scope, 'okta.users.manage');
    assert.deepEqual(decodePart(body.access_token, 1).scp, ['okta.users.manage']);
  });

  void test('§1.5 openid with client_credentials → 400 invalid_scope "Cannot request \'openid\' scopes using client credentials."', async () => {
    const res = await h.token(tokenForm(await assertion(h, app), 'openid okta.users.read'));
    assertOAuthError(res, 400, 'invalid_scope', "Cannot request 'openid' scopes using client credentials.");
  });

  void test('§1.5 .self scope → 400 client_credentials_self_scope_requested', async () => {
    const res = await h.token(tokenForm(await assertion(h, app), 'okta.users.read.self'));
    assertOAuthError(
      res,
      400,
      'client_credentials_self_scope_requested',
      "The 'client_credentials' grant type may not request .self scopes.",
    );
  });

  void test('§1.1 only okta.* scopes exist at the org AS: another scope → 400 invalid_scope naming it', async () => {
    const res = await h.token(tokenForm(await assertion(h, app), 'okta.users.read profile'));
    assertOAuthError(
      res,
      400,
      'invalid_scope',
      'The following scopes are not allowed for this request: [profile].',
    );
  });

  void test('§1.5 grant_type missing → 400 invalid_request "The token request must specify a \'grant_type\'. ..."', async () => {
    const form = tokenForm(await assertion(h, app));
    delete (form as Partial<typeof form>).grant_type;
    assertOAuthError(
      await h.token(form),
      400,
      'invalid_request',
      "The token request must specify a 'grant_type'. Valid values: [client_credentials]",
    );
  });

  void test('§1.5 unknown grant_type → 400 unsupported_grant_type; a known one not configured → 400 unauthorized_client', async () => {
    const unknown = await h.token({ ...tokenForm(await assertion(h, app)), grant_type: 'magic' });
    assertOAuthError(
      unknown,
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].',
    );
    const password = await h.token({ ...tokenForm(await assertion(h, app)), grant_type: 'password' });
    assertOAuthError(
      password,
      400,
      'unauthorized_client',
      'The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].',
    );
  });

  void test("§1.5 wrong client_assertion_type → 400 invalid_request 'The client_assertion_type is invalid.'", async () => {
    const res = await h.token({
      ...tokenForm(await assertion(h, app)),
      client_assertion_type: 'urn:example:bogus',
    });
    assertOAuthError(res, 400, 'invalid_request', 'The client_assertion_type is invalid.');
  });

  void test("§1.4 no credentials at all → 401 invalid_client 'No client credentials found.'", async () => {
    const res = await h.token({ grant_type: 'client_credentials', scope: 'okta.users.read' });
    assertOAuthError(res, 401, 'invalid_client', 'No client credentials found.');
  });

  void test('§1.5 two credential styles at once → 401 invalid_request "Cannot supply multiple client credentials. ..."', async () => {
    const basic = `Basic ${Buffer.from(`${app.clientId}:secret`).toString('base64')}`;
    const res = await h.token(tokenForm(await assertion(h, app)), { authorization: basic });
    assert.equal(res.statusCode, 401);
    assert.equal((res.json() as { error: string }).error, 'invalid_request');
    assert.match(
      (res.json() as { error_description: string }).error_description,
      /^Cannot supply multiple client credentials\./,
    );
  });

  void test('§1.1 a client secret from a service app → 401 "... must use the private_key_jwt token_endpoint_auth_method."', async () => {
    const res = await h.token({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_id: app.clientId,
      client_secret: 'x',
    });
    assertOAuthError(
      res,
      401,
      'invalid_client',
      'Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.',
    );
  });

  void test("§1.1 a non-service app → 401 \"Only clients with 'application_type' of 'service' may use ...\"", async () => {
    const web = await h.app({ dpop: false });
    const app2 = h.emu.state.apps.get(web.appId);
    assert.ok(app2);
    app2.applicationType = 'web';
    const res = await h.token(tokenForm(await assertion(h, web)));
    assertOAuthError(
      res,
      401,
      'invalid_client',
      "Only clients with 'application_type' of 'service' may use the client_credentials 'grant_type' with the Org Authorization Server.",
    );
  });

  void test('§1.5 duplicate form parameters → 400 invalid_request naming them', async () => {
    const body = `${new URLSearchParams(tokenForm(await assertion(h, app))).toString()}&scope=okta.users.manage`;
    const res = await h.emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    assertOAuthError(
      res,
      400,
      'invalid_request',
      'Duplicate parameter provided in request. Duplicated parameters: [scope].',
    );
  });

  void test('client credentials in the query string → 400 invalid_request', async () => {
    const res = await h.emu.app.inject({
      method: 'POST',
      url: `/oauth2/v1/token?client_assertion=x`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(tokenForm(await assertion(h, app))).toString(),
    });
    assertOAuthError(
      res,
      400,
      'invalid_request',
      'Client credentials cannot be supplied via query parameters.',
    );
  });

  void test('a JSON body carries no form parameters (grant_type missing), never a 500', async () => {
    const res = await h.emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(tokenForm('x')),
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as { error: string }).error, 'invalid_request');
  });

  void test('hostile input never yields a 500: huge body, binary body, odd headers', async () => {
    const huge = await h.emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_assertion=${'A'.repeat(200_000)}`,
    });
    assert.equal(huge.statusCode, 413);
    assert.equal((huge.json() as { error: string }).error, 'invalid_request');
    const binary = await h.emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: Buffer.from([0xff, 0xfe, 0x00, 0x25, 0x26, 0x3d]),
    });
    assert.ok(binary.statusCode >= 400 && binary.statusCode < 500);
    const weird = await h.token(
      { ...tokenForm('%%%'), client_assertion_type: ASSERTION_TYPE },
      { authorization: 'Basic %%%', dpop: '\u0001' },
    );
    assert.ok(weird.statusCode >= 400 && weird.statusCode < 500);
  });

  void test('§2.2 a DPoP header sent to an app that does not require DPoP is ignored: Bearer token (Node SDK behaviour)', async () => {
    const key = await dpopKey();
    const res = await h.token(tokenForm(await assertion(h, app)), { dpop: await proof(h, key) });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { token_type: string; access_token: string };
    assert.equal(body.token_type, 'Bearer');
    assert.equal(decodePart(body.access_token, 1).cnf, undefined);
  });

  void test('stats count token requests in total, by client and by outcome', async () => {
    const before = structuredClone(h.emu.stats());
    await h.token(tokenForm(await assertion(h, app)));
    await h.token(tokenForm('garbage'));
    const after = h.emu.stats();
    assert.equal(after.tokenRequests - before.tokenRequests, 2);
    assert.equal(
      (after.tokenRequestsByClient[app.clientId] ?? 0) - (before.tokenRequestsByClient[app.clientId] ?? 0),
      1,
    );
    assert.equal(
      (after.tokenRequestsByOutcome.success ?? 0) - (before.tokenRequestsByOutcome.success ?? 0),
      1,
    );
    assert.equal(
      (after.tokenRequestsByOutcome.invalid_client ?? 0) -
        (before.tokenRequestsByOutcome.invalid_client ?? 0),
      1,
    );
    assert.equal(after.tokensIssued - before.tokensIssued, 1);
  });

  void test("stats count token requests and issued tokens by the client assertion's kid", async () => {
    const diff = (a: Record<string, number>, b: Record<string, number>, k: string): number =>
      (a[k] ?? 0) - (b[k] ?? 0);
    const before = structuredClone(h.emu.stats());
    assert.equal((await h.token(tokenForm(await assertion(h, app)))).statusCode, 200);
    const unknown = await h.token(tokenForm(await assertion(h, app, {}, { kid: 'retired-kid' })));
    assert.equal(unknown.statusCode, 401);
    await h.token(tokenForm('garbage'));
    const after = h.emu.stats();
    assert.equal(diff(after.tokenRequestsByKid, before.tokenRequestsByKid, app.keyId), 1);
    assert.equal(diff(after.tokensIssuedByKid, before.tokensIssuedByKid, app.keyId), 1);
    assert.equal(diff(after.tokenRequestsByKid, before.tokenRequestsByKid, 'retired-kid'), 1);
    assert.equal(diff(after.tokensIssuedByKid, before.tokensIssuedByKid, 'retired-kid'), 0);
    assert.equal(diff(after.tokenRequestsByKid, before.tokenRequestsByKid, '(none)'), 1, 'unparsable');
  });
});
