import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const nativeApp = (method = 'client_secret_post') => ({
  name: 'oidc_client',
  label: 'Native client',
  signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { autoKeyRotation: true, token_endpoint_auth_method: method } },
  settings: {
    oauthClient: {
      application_type: 'native',
      client_uri: 'https://example.com/client',
      logo_uri: 'https://example.com/logo.png',
      grant_types: ['implicit', 'authorization_code'],
      redirect_uris: ['https://example.com/oauth2/callback', 'myapp://callback'],
      post_logout_redirect_uris: ['https://example.com/logout'],
      response_types: ['token', 'id_token', 'code'],
      consent_method: 'REQUIRED',
    },
  },
});

void describe('Apps API: OIDC client settings are kept as sent (management.yaml OpenIdConnectApplication)', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      headers: admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  void test('a secret-based client gets a generated client_secret on create (not on GET)', async () => {
    const created = (await inject('POST', '/api/v1/apps', nativeApp())).json() as Json;
    const secret = created.credentials.oauthClient.client_secret as string;
    assert.equal(typeof secret, 'string');
    assert.ok(secret.length >= 14 && secret.length <= 100, 'management.yaml: 14 to 100 characters');
    const got = (await inject('GET', `/api/v1/apps/${created.id}`)).json() as Json;
    assert.equal(got.credentials.oauthClient.client_secret, undefined, 'shown only on create and update');
    const other = (await inject('POST', '/api/v1/apps', nativeApp())).json() as Json;
    assert.notEqual(other.credentials.oauthClient.client_secret, secret);
  });

  void test('private_key_jwt and none get no client secret', async () => {
    for (const method of ['private_key_jwt', 'none']) {
      const body = nativeApp(method) as Json;
      if (method === 'private_key_jwt') body.settings.oauthClient.application_type = 'web';
      const created = await inject('POST', '/api/v1/apps', body);
      assert.equal(created.statusCode, 200, created.body);
      assert.equal((created.json() as Json).credentials.oauthClient.client_secret, undefined);
    }
  });

  void test('client_uri, logo_uri, redirect_uris, post_logout_redirect_uris, consent_method come back', async () => {
    const app = (await inject('POST', '/api/v1/apps', nativeApp())).json() as Json;
    const o = app.settings.oauthClient;
    assert.equal(o.client_uri, 'https://example.com/client');
    assert.equal(o.logo_uri, 'https://example.com/logo.png');
    assert.deepEqual(o.redirect_uris, ['https://example.com/oauth2/callback', 'myapp://callback']);
    assert.deepEqual(o.post_logout_redirect_uris, ['https://example.com/logout']);
    assert.equal(o.consent_method, 'REQUIRED');
    assert.deepEqual(o.grant_types, ['implicit', 'authorization_code']);
    assert.deepEqual(o.response_types, ['token', 'id_token', 'code']);
  });

  void test('pkce_required defaults to true for native and browser apps, false for web; none requires it', async () => {
    const native = (await inject('POST', '/api/v1/apps', nativeApp())).json() as Json;
    assert.equal(native.credentials.oauthClient.pkce_required, true);
    const web = nativeApp() as Json;
    web.settings.oauthClient.application_type = 'web';
    assert.equal(
      ((await inject('POST', '/api/v1/apps', web)).json() as Json).credentials.oauthClient.pkce_required,
      false,
    );
    const none = nativeApp('none') as Json;
    none.credentials.oauthClient.pkce_required = false;
    const refused = await inject('POST', '/api/v1/apps', none);
    assert.equal(refused.statusCode, 400);
    assert.equal((refused.json() as Json).errorSummary, 'Api validation failed: pkce_required');
  });

  void test('a redirect URI that is not an absolute URI is E0000001 naming redirect_uris', async () => {
    const body = nativeApp() as Json;
    body.settings.oauthClient.redirect_uris = ['not a uri'];
    const res = await inject('POST', '/api/v1/apps', body);
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as Json).errorSummary, 'Api validation failed: redirect_uris');
  });

  void test('PUT keeps the secret unless a new one is given, and shows it', async () => {
    const created = (await inject('POST', '/api/v1/apps', nativeApp())).json() as Json;
    const secret = created.credentials.oauthClient.client_secret as string;
    const body = nativeApp() as Json;
    body.label = 'Renamed native client';
    const updated = (await inject('PUT', `/api/v1/apps/${created.id}`, body)).json() as Json;
    assert.equal(updated.label, 'Renamed native client');
    assert.equal(updated.credentials.oauthClient.client_secret, secret);
  });

  void test('GET /api/v1/apps refuses a parameter it does not implement (501 E0000052), not ignore it', async () => {
    const res = await inject('GET', '/api/v1/apps?filter=status%20eq%20%22ACTIVE%22');
    assert.equal(res.statusCode, 501);
    assert.equal((res.json() as Json).errorCode, 'E0000052');
  });
});
