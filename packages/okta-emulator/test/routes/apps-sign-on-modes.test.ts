import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOOKMARK = {
  name: 'bookmark',
  label: 'Docs bookmark',
  signOnMode: 'BOOKMARK',
  settings: { app: { requestIntegration: false, url: 'https://example.com/bookmark.htm' } },
};
const SAML = {
  label: 'Example Custom SAML 2.0 App',
  signOnMode: 'SAML_2_0',
  visibility: { autoSubmitToolbar: false, hide: { iOS: false, web: false } },
  settings: {
    signOn: {
      assertionSigned: true,
      allowMultipleAcsEndpoints: true,
      audience: 'asdqwe123',
      authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
      defaultRelayState: '',
      destination: 'http://testorgone.okta',
      digestAlgorithm: 'SHA256',
      honorForceAuthn: true,
      idpIssuer: 'http://www.okta.com/${org.externalKey}',
      recipient: 'http://testorgone.okta',
      requestCompressed: false,
      responseSigned: true,
      signatureAlgorithm: 'RSA_SHA256',
      ssoAcsUrl: 'http://testorgone.okta',
      subjectNameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      subjectNameIdTemplate: '${user.userName}',
    },
  },
};

void describe('Apps API: every sign-on mode of management.yaml is stored and served', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      headers:
        payload === undefined && method !== 'GET' && method !== 'DELETE'
          ? { ...admin, 'content-length': '0' }
          : admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  void test('a bookmark app keeps its settings.app and is served back by GET and list', async () => {
    const res = await inject('POST', '/api/v1/apps', BOOKMARK);
    assert.equal(res.statusCode, 200);
    const app = res.json() as Json;
    assert.equal(app.name, 'bookmark');
    assert.equal(app.signOnMode, 'BOOKMARK');
    assert.equal(app.status, 'ACTIVE');
    assert.equal(app.settings.app.url, 'https://example.com/bookmark.htm');
    assert.equal(app.settings.app.requestIntegration, false);
    assert.equal(app.credentials.oauthClient, undefined, 'only OIDC apps have an OAuth client');
    const got = (await inject('GET', `/api/v1/apps/${app.id}`)).json() as Json;
    assert.deepEqual(got.settings.app, app.settings.app);
    const list = (await inject('GET', '/api/v1/apps')).json() as Json[];
    assert.ok(list.some((a) => a.id === app.id && a.signOnMode === 'BOOKMARK'));
  });

  void test('a custom SAML app gets a name derived from its label; an empty defaultRelayState is null', async () => {
    const app = (await inject('POST', '/api/v1/apps', SAML)).json() as Json;
    assert.match(app.name, /examplecustomsaml20app/);
    assert.equal(app.signOnMode, 'SAML_2_0');
    assert.equal(app.settings.signOn.defaultRelayState, null);
    assert.equal(app.settings.signOn.audience, 'asdqwe123');
    assert.equal(app.visibility.hide.iOS, false);
  });

  void test('a missing required setting is E0000001 naming the field', async () => {
    const res = await inject('POST', '/api/v1/apps', {
      ...BOOKMARK,
      settings: { app: { requestIntegration: false } },
    });
    assert.equal(res.statusCode, 400);
    const body = res.json() as Json;
    assert.equal(body.errorCode, 'E0000001');
    assert.equal(body.errorSummary, 'Api validation failed: url');
    assert.deepEqual(body.errorCauses, [{ errorSummary: 'url: The field cannot be left blank' }]);
  });

  void test('a catalog app the emulator has no template for is refused with 501 E0000052, not stored', async () => {
    const before = ((await inject('GET', '/api/v1/apps')).json() as Json[]).length;
    const res = await inject('POST', '/api/v1/apps', {
      name: 'okta_org2org',
      label: 'Org2Org',
      signOnMode: 'SAML_2_0',
      settings: { app: { acsUrl: 'https://example.com/acs' } },
    });
    assert.equal(res.statusCode, 501);
    assert.equal((res.json() as Json).errorCode, 'E0000052');
    assert.equal(((await inject('GET', '/api/v1/apps')).json() as Json[]).length, before);
  });

  void test('an unknown sign-on mode is E0000001 on signOnMode', async () => {
    const res = await inject('POST', '/api/v1/apps', { ...BOOKMARK, signOnMode: 'TELEPATHY' });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as Json).errorSummary, 'Api validation failed: signOnMode');
  });

  void test('lifecycle: deactivate, delete only when inactive (E0000056), then 404', async () => {
    const app = (await inject('POST', '/api/v1/apps', BOOKMARK)).json() as Json;
    assert.equal((await inject('DELETE', `/api/v1/apps/${app.id}`)).statusCode, 403);
    assert.equal((await inject('POST', `/api/v1/apps/${app.id}/lifecycle/deactivate`)).statusCode, 200);
    assert.equal(((await inject('GET', `/api/v1/apps/${app.id}`)).json() as Json).status, 'INACTIVE');
    assert.equal((await inject('DELETE', `/api/v1/apps/${app.id}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/apps/${app.id}`)).statusCode, 404);
  });

  void test('PUT replaces the settings of a bookmark app; changing the sign-on mode is refused', async () => {
    const app = (await inject('POST', '/api/v1/apps', BOOKMARK)).json() as Json;
    const res = await inject('PUT', `/api/v1/apps/${app.id}`, {
      ...BOOKMARK,
      label: 'Renamed',
      settings: { app: { url: 'https://example.com/other' } },
    });
    assert.equal(res.statusCode, 200);
    const updated = res.json() as Json;
    assert.equal(updated.label, 'Renamed');
    assert.equal(updated.settings.app.url, 'https://example.com/other');
    const mode = await inject('PUT', `/api/v1/apps/${app.id}`, SAML);
    assert.equal(mode.statusCode, 400);
    assert.equal((mode.json() as Json).errorSummary, 'Api validation failed: signOnMode');
  });
});
