import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { loadSpecValidators, type SpecValidators } from '../helpers/openapi-schema.js';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function check(v: ValidateFunction, value: unknown, what: string): void {
  assert.ok(
    v(value),
    `${what} does not match management.yaml: ${JSON.stringify(v.errors, null, 1)?.slice(0, 1500)}`,
  );
}

/** Top-level keys must be declared (the spec leaves objects open, so ajv alone would not notice extras). */
function onlyDeclared(declared: readonly string[], value: Record<string, unknown>, what: string): void {
  for (const key of Object.keys(value))
    assert.ok(declared.includes(key), `${what} does not declare "${key}"`);
}

const BODIES: Record<string, Json> = {
  BookmarkApplication: {
    name: 'bookmark',
    label: 'b',
    signOnMode: 'BOOKMARK',
    settings: { app: { url: 'https://example.com/' } },
  },
  BasicAuthApplication: {
    name: 'template_basic_auth',
    label: 'basic',
    signOnMode: 'BASIC_AUTH',
    settings: { app: { authURL: 'https://example.com/auth', url: 'https://example.com/' } },
  },
  BrowserPluginApplication: {
    name: 'template_swa',
    label: 'swa',
    signOnMode: 'BROWSER_PLUGIN',
    settings: {
      app: { buttonField: 'b', passwordField: 'p', usernameField: 'u', url: 'https://example.com/login' },
    },
  },
  SecurePasswordStoreApplication: {
    name: 'template_sps',
    label: 'sps',
    signOnMode: 'SECURE_PASSWORD_STORE',
    settings: { app: { passwordField: 'p', usernameField: 'u', url: 'https://example.com/login' } },
  },
  AutoLoginApplication: {
    label: 'Custom SWA',
    signOnMode: 'AUTO_LOGIN',
    settings: { signOn: { loginUrl: 'https://example.com/login', redirectUrl: 'https://example.com/' } },
  },
  OpenIdConnectApplication: {
    name: 'oidc_client',
    label: 'oidc',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
    settings: {
      oauthClient: {
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['https://example.com/cb'],
      },
    },
  },
};

void describe('new responses conform to management.yaml management.yaml (ajv)', () => {
  let spec: SpecValidators;
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    spec = loadSpecValidators();
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      headers: payload === undefined && method !== 'GET' ? { ...admin, 'content-length': '0' } : admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  void test('each sign-on mode: create and GET match the mode schema; top-level keys are Application ones', async () => {
    const appKeys = [...spec.propertyNames('Application'), 'name', 'settings', 'credentials'];
    for (const [component, body] of Object.entries(BODIES)) {
      const created = await inject('POST', '/api/v1/apps', body);
      assert.equal(created.statusCode, 200, `${component}: ${created.body}`);
      const app = created.json() as Json;
      check(spec.validator(component), app, component);
      onlyDeclared(appKeys, app, component);
      check(
        spec.validator(component),
        (await inject('GET', `/api/v1/apps/${app.id}`)).json(),
        `GET ${component}`,
      );
    }
  });

  void test('AppUser, ApplicationGroupAssignment, JsonWebKey (X.509), OrgSetting, UserSchema', async () => {
    const app = (await inject('POST', '/api/v1/apps', BODIES.BookmarkApplication)).json() as Json;
    const user = (
      await inject('POST', '/api/v1/users', {
        profile: { firstName: 'S', lastName: 'C', email: 'sc@example.com', login: 'sc@example.com' },
      })
    ).json() as Json;
    const group = (
      await inject('POST', '/api/v1/groups', { profile: { name: 'schema-group' } })
    ).json() as Json;
    const appUser = (await inject('POST', `/api/v1/apps/${app.id}/users`, { id: user.id })).json() as Json;
    check(spec.validator('AppUser'), appUser, 'AppUser');
    onlyDeclared(spec.propertyNames('AppUser'), appUser, 'AppUser');
    const assignment = (await inject('PUT', `/api/v1/apps/${app.id}/groups/${group.id}`)).json() as Json;
    check(spec.validator('ApplicationGroupAssignment'), assignment, 'ApplicationGroupAssignment');
    onlyDeclared(spec.propertyNames('ApplicationGroupAssignment'), assignment, 'ApplicationGroupAssignment');
    const keys = (await inject('GET', `/api/v1/apps/${app.id}/credentials/keys`)).json() as Json[];
    for (const key of keys) {
      check(spec.validator('JsonWebKey'), key, 'JsonWebKey');
      onlyDeclared(spec.propertyNames('JsonWebKey'), key, 'JsonWebKey');
    }
    const org = (await inject('GET', '/api/v1/org')).json() as Json;
    check(spec.validator('OrgSetting'), org, 'OrgSetting');
    onlyDeclared(spec.propertyNames('OrgSetting'), org, 'OrgSetting');
    await inject('POST', '/api/v1/meta/schemas/user/default', {
      definitions: { custom: { properties: { age: { title: 'Age', type: 'number' } } } },
    });
    const schema = (await inject('GET', '/api/v1/meta/schemas/user/default')).json() as Json;
    check(spec.validator('UserSchema'), schema, 'UserSchema');
    onlyDeclared(spec.propertyNames('UserSchema'), schema, 'UserSchema');
  });
});
