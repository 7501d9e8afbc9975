import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ORG, bearerToken, harness, injectRequest, type Harness } from '../helpers/platform-fixtures.js';

/** Loose view of response bodies (apps, grants, errors) for the fields these tests read. */
interface AppJson {
  id: string;
  name: string;
  label: string;
  signOnMode: string;
  status: string;
  created: string;
  credentials: { oauthClient: { client_id: string; token_endpoint_auth_method: string } };
  settings: {
    oauthClient: {
      application_type: string;
      grant_types: string[];
      dpop_bound_access_tokens: boolean;
      jwks: { keys: { id: string; kid: string }[] };
    };
  };
  _links: { self: { href: string } };
  // grants
  scopeId: string;
  issuer: string;
  clientId: string;
  source: string;
  // errors
  errorCode: string;
  errorSummary: string;
  errorCauses: { errorSummary: string }[];
}

function rsaJwk(bits = 2048, kid?: string): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...publicKey.export({ format: 'jwk' }), ...(kid ? { kid } : {}), alg: 'RS256', use: 'sig' };
}

function serviceAppBody(extra: Record<string, unknown> = {}, keys?: unknown[]): Record<string, unknown> {
  return {
    name: 'oidc_client',
    label: 'svc',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        ...(keys ? { jwks: { keys } } : {}),
        ...extra,
      },
    },
  };
}

void describe('Apps API: /api/v1/apps', () => {
  let h: Harness;
  let admin: Record<string, string>;

  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());

  const inject = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers = admin,
  ) => injectRequest(h, method, url, headers, payload);

  void test('POST creates an API Services app shaped like OpenIdConnectApplication (client_id = app id)', async () => {
    const res = await inject('POST', '/api/v1/apps', serviceAppBody({}, [rsaJwk(2048, 'k1')]));
    assert.equal(res.statusCode, 200);
    const app = res.json() as AppJson;
    assert.match(app.id, /^0oa[A-Za-z0-9]{17}$/);
    assert.equal(app.name, 'oidc_client');
    assert.equal(app.signOnMode, 'OPENID_CONNECT');
    assert.equal(app.status, 'ACTIVE');
    assert.equal(app.credentials.oauthClient.client_id, app.id);
    assert.equal(app.credentials.oauthClient.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal(app.settings.oauthClient.application_type, 'service');
    assert.deepEqual(app.settings.oauthClient.grant_types, ['client_credentials']);
    assert.equal(
      app.settings.oauthClient.dpop_bound_access_tokens,
      true,
      '§2.1 DPoP on by default for new service apps',
    );
    assert.equal(app.settings.oauthClient.jwks.keys[0]?.kid, 'k1');
    assert.match(app.settings.oauthClient.jwks.keys[0]?.id ?? '', /^pks/);
    assert.match(app.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(app._links.self.href, `${ORG}/api/v1/apps/${app.id}`);
  });

  void test('dpop_bound_access_tokens: false is kept', async () => {
    const res = await inject('POST', '/api/v1/apps', serviceAppBody({ dpop_bound_access_tokens: false }));
    assert.equal((res.json() as AppJson).settings.oauthClient.dpop_bound_access_tokens, false);
  });

  void test('validation failures → 400 E0000001 "Api validation failed: <field>" with errorCauses', async () => {
    const res = await inject('POST', '/api/v1/apps', { ...serviceAppBody(), label: '' });
    assert.equal(res.statusCode, 400);
    const body = res.json() as AppJson;
    assert.equal(body.errorCode, 'E0000001');
    assert.equal(body.errorSummary, 'Api validation failed: label');
    assert.deepEqual(body.errorCauses, [{ errorSummary: 'label: The field cannot be left blank' }]);
    const bad = await inject('POST', '/api/v1/apps', { ...serviceAppBody(), signOnMode: 'TELEPATHY' });
    assert.equal((bad.json() as AppJson).errorSummary, 'Api validation failed: signOnMode');
  });

  void test('malformed JSON → 400 E0000003', async () => {
    const res = await h.emu.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"label": ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as AppJson).errorCode, 'E0000003');
  });

  void test('§7 jwks in the create body: RSA < 2048 bits and duplicate kids are refused', async () => {
    const short = await inject('POST', '/api/v1/apps', serviceAppBody({}, [rsaJwk(1024, 'a')]));
    assert.equal(short.statusCode, 400);
    assert.deepEqual((short.json() as AppJson).errorCauses, [
      { errorSummary: "RSA key length in the 'jwks' is less than '2,048' bits for the given key." },
    ]);
    const dup = await inject(
      'POST',
      '/api/v1/apps',
      serviceAppBody({}, [rsaJwk(2048, 'a'), rsaJwk(2048, 'a')]),
    );
    assert.deepEqual((dup.json() as AppJson).errorCauses, [
      { errorSummary: "All keys in the 'jwks' must have a unique `kid`." },
    ]);
  });

  void test('jwks in the create body are validated like added keys: exponent, use, members of the key type', async () => {
    const key = rsaJwk(2048, 'a');
    for (const [bad, cause] of [
      [{ e: 'AQ' }, "RSA keys in the 'jwks' must use the public exponent 65537 ('AQAB')."],
      [{ use: 'enc' }, "Invalid value specified for key 'use' parameter"],
      [{ crv: 'P-256' }, "A key in the 'jwks' has members that do not belong to its 'kty'."],
    ] as const) {
      const res = await inject('POST', '/api/v1/apps', serviceAppBody({}, [{ ...key, ...bad }]));
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.deepEqual((res.json() as AppJson).errorCauses, [{ errorSummary: cause }]);
    }
  });

  void test('GET /api/v1/apps/{id} returns the app; an unknown id → 404 E0000007 (AppInstance)', async () => {
    const created = (await inject('POST', '/api/v1/apps', serviceAppBody())).json() as { id: string };
    const got = await inject('GET', `/api/v1/apps/${created.id}`);
    assert.equal(got.statusCode, 200);
    assert.equal((got.json() as { id: string }).id, created.id);
    const missing = await inject('GET', '/api/v1/apps/0oaDoesNotExist12345');
    assert.equal(missing.statusCode, 404);
    assert.equal(
      (missing.json() as AppJson).errorSummary,
      'Not found: Resource not found: 0oaDoesNotExist12345 (AppInstance)',
    );
  });

  void test('GET /api/v1/apps lists apps with link rel="self" and rel="next"', async () => {
    const first = await inject('GET', '/api/v1/apps?limit=1');
    assert.equal(first.statusCode, 200);
    assert.equal((first.json() as unknown[]).length, 1);
    const links = ([] as string[]).concat(first.headers.link as string | string[]);
    assert.ok(links.some((l) => l.endsWith('rel="self"')));
    const next = links.find((l) => l.endsWith('rel="next"'));
    assert.ok(next);
    const url = new URL(/<([^>]+)>/.exec(next)?.[1] ?? '');
    const second = await inject('GET', url.pathname + url.search);
    assert.notEqual((second.json() as { id: string }[])[0]?.id, (first.json() as { id: string }[])[0]?.id);
  });

  void test('§3.3 the next link of a q search keeps q; a repeated q/limit/after is a 400, never a 500', async () => {
    for (const label of ['qkeep-a', 'other-b', 'qkeep-c']) {
      assert.equal((await inject('POST', '/api/v1/apps', { ...serviceAppBody(), label })).statusCode, 200);
    }
    const first = await inject('GET', '/api/v1/apps?q=qkeep&limit=1');
    assert.deepEqual(
      (first.json() as AppJson[]).map((a) => a.label),
      ['qkeep-a'],
    );
    const links = ([] as string[]).concat(first.headers.link as string | string[]);
    const next = links.find((l) => l.endsWith('rel="next"'));
    assert.ok(next);
    const url = new URL(/<([^>]+)>/.exec(next)?.[1] ?? '');
    const second = await inject('GET', url.pathname + url.search);
    assert.deepEqual(
      (second.json() as AppJson[]).map((a) => a.label),
      ['qkeep-c'],
    );
    for (const [query, code] of [
      ['q=a&q=b', 'E0000031'],
      ['limit=1&limit=2', 'E0000029'],
      ['after=x&after=y', 'E0000029'],
    ] as const) {
      const res = await inject('GET', `/api/v1/apps?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.equal((res.json() as AppJson).errorCode, code, query);
    }
  });

  void test('PUT replaces settings, e.g. turns DPoP off', async () => {
    const created = (
      await inject('POST', '/api/v1/apps', serviceAppBody({}, [rsaJwk(2048, 'p1')]))
    ).json() as { id: string };
    const res = await inject(
      'PUT',
      `/api/v1/apps/${created.id}`,
      serviceAppBody({ dpop_bound_access_tokens: false }),
    );
    assert.equal(res.statusCode, 200);
    const app = res.json() as AppJson;
    assert.equal(app.settings.oauthClient.dpop_bound_access_tokens, false);
    assert.equal(app.settings.oauthClient.jwks.keys.length, 1, 'keys stay when the body has no jwks');
  });

  void test('an app must be deactivated before it can be deleted', async () => {
    const created = (await inject('POST', '/api/v1/apps', serviceAppBody())).json() as { id: string };
    const refused = await inject('DELETE', `/api/v1/apps/${created.id}`);
    assert.equal(refused.statusCode, 403);
    assert.equal((refused.json() as AppJson).errorCode, 'E0000056');
    assert.equal((await inject('POST', `/api/v1/apps/${created.id}/lifecycle/deactivate`)).statusCode, 200);
    assert.equal((await inject('DELETE', `/api/v1/apps/${created.id}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/apps/${created.id}`)).statusCode, 404);
  });

  void test('a deactivated app gets no tokens; reactivated, it does again', async () => {
    const app = await h.app({ dpop: false });
    assert.equal((await inject('POST', `/api/v1/apps/${app.appId}/lifecycle/deactivate`)).statusCode, 200);
    await assert.rejects(bearerToken(h, app), /invalid_client/);
    assert.equal((await inject('POST', `/api/v1/apps/${app.appId}/lifecycle/activate`)).statusCode, 200);
    assert.ok((await bearerToken(h, app)).length > 0);
  });

  void test('§1.1 grants: POST {scopeId, issuer} → 201 grant object; GET lists them', async () => {
    const created = (await inject('POST', '/api/v1/apps', serviceAppBody())).json() as { id: string };
    const res = await inject('POST', `/api/v1/apps/${created.id}/grants`, {
      scopeId: 'okta.users.read',
      issuer: ORG,
    });
    assert.equal(res.statusCode, 201);
    const grant = res.json() as AppJson;
    assert.match(grant.id, /^oag/);
    assert.equal(grant.scopeId, 'okta.users.read');
    assert.equal(grant.issuer, ORG);
    assert.equal(grant.clientId, created.id);
    assert.equal(grant.status, 'ACTIVE');
    assert.equal(grant.source, 'ADMIN');
    const list = await inject('GET', `/api/v1/apps/${created.id}/grants`);
    assert.deepEqual(
      (list.json() as { scopeId: string }[]).map((g) => g.scopeId),
      ['okta.users.read'],
    );
    const one = await inject('GET', `/api/v1/apps/${created.id}/grants/${grant.id}`);
    assert.equal((one.json() as { id: string }).id, grant.id);
  });

  void test('grants: unknown scope or foreign issuer → 400 E0000001', async () => {
    const created = (await inject('POST', '/api/v1/apps', serviceAppBody())).json() as { id: string };
    const bad = await inject('POST', `/api/v1/apps/${created.id}/grants`, {
      scopeId: 'okta.nothing.read',
      issuer: ORG,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as AppJson).errorSummary, 'Api validation failed: scopeId');
    const iss = await inject('POST', `/api/v1/apps/${created.id}/grants`, {
      scopeId: 'okta.users.read',
      issuer: 'https://evil.example',
    });
    assert.equal((iss.json() as AppJson).errorSummary, 'Api validation failed: issuer');
  });

  void test('a revoked grant is no longer issued', async () => {
    const app = await h.app({ dpop: false, scopes: ['okta.users.read'] });
    const grants = (await inject('GET', `/api/v1/apps/${app.appId}/grants`)).json() as { id: string }[];
    assert.equal(
      (await inject('DELETE', `/api/v1/apps/${app.appId}/grants/${grants[0]?.id}`)).statusCode,
      204,
    );
    await assert.rejects(bearerToken(h, app), /consent_required/);
  });

  void test('apps routes need okta.apps.read / okta.apps.manage from OAuth callers', async () => {
    const reader = await h.app({ dpop: false, scopes: ['okta.apps.read'] });
    const at = await bearerToken(h, reader, 'okta.apps.read');
    const bearer = { authorization: `Bearer ${at}` };
    assert.equal((await inject('GET', '/api/v1/apps', undefined, bearer)).statusCode, 200);
    const write = await inject('POST', '/api/v1/apps', serviceAppBody(), bearer);
    assert.equal(write.statusCode, 403);
    assert.match(
      String(write.headers['www-authenticate']),
      /scope="okta\.apps\.manage", error="insufficient_scope"/,
    );
  });
});
