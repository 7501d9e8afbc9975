import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  ath,
  bearerToken,
  dpopKey,
  dpopToken,
  harness,
  ORG,
  proof,
  type Harness,
} from '../helpers/platform-fixtures.js';
import { assertOktaError } from '../helpers/management-app.js';

/** End to end through buildEmulator: real service apps, real tokens, the platform's API-auth hook. */
void describe('management APIs end to end with real tokens (facts §3, §4.1, §6)', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ seedUsers: 25, seed: 21, quotas: { '/oauth2/v1/token': 50 } });
  });
  after(async () => {
    await h.close();
  });

  const api = (
    method: 'GET' | 'POST',
    url: string,
    token: string,
    payload?: unknown,
    extra: Record<string, string> = {},
  ) =>
    h.emu.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...extra,
      },
      ...(payload ? { payload: payload as object } : {}),
    });

  void test('guide setup (custom role: read + userprofile.manage over all users): list, get, update names; credentials 403', async () => {
    const app = await h.app({ dpop: false });
    const token = await bearerToken(h, app, 'okta.users.read okta.users.manage');
    const list = await api('GET', '/api/v1/users?limit=10', token);
    assert.equal(list.statusCode, 200);
    const users = list.json() as { id: string }[];
    assert.equal(users.length, 10);
    const linkLines = list.headers.link as string[];
    assert.equal(linkLines[0], `<${ORG}/api/v1/users?limit=10>; rel="self"`);
    assert.match(linkLines[1]!, /; rel="next"$/);
    const id = users[0]!.id;
    assert.equal((await api('GET', `/api/v1/users/${id}`, token)).statusCode, 200);
    const updated = await api('POST', `/api/v1/users/${id}`, token, {
      profile: { firstName: 'Ada', lastName: 'Lovelace' },
    });
    assert.equal(updated.statusCode, 200);
    assert.deepEqual(
      [
        (updated.json() as { profile: { firstName: string; lastName: string } }).profile.firstName,
        (updated.json() as { profile: { lastName: string } }).profile.lastName,
      ],
      ['Ada', 'Lovelace'],
    );
    const creds = await api('POST', `/api/v1/users/${id}`, token, {
      credentials: { password: { value: 'a-new-password-1' } },
    });
    assertOktaError(creds, 403, 'E0000006');
    assert.match(String(creds.headers['x-okta-request-id']), /^req/);
  });

  void test('§4.1 token without okta.users.manage: POST /users/{id} is 403, empty body, Bearer insufficient_scope naming okta.users.manage', async () => {
    const app = await h.app({ dpop: false, scopes: ['okta.users.read'] });
    const token = await bearerToken(h, app, 'okta.users.read');
    const users = (await api('GET', '/api/v1/users?limit=1', token)).json() as { id: string }[];
    const res = await api('POST', `/api/v1/users/${users[0]!.id}`, token, { profile: { firstName: 'X' } });
    assert.equal(res.statusCode, 403);
    assert.equal(res.body, '');
    assert.equal(
      res.headers['www-authenticate'],
      `Bearer authorization_uri="http://127.0.0.1:8080/oauth2/v1/authorize", realm="http://127.0.0.1:8080", scope="okta.users.manage", ` +
        `error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/users/${users[0]!.id}"`,
    );
  });

  void test('§2.4 DPoP-bound token: users GET works with a proof; a missing scope gets the DPoP algs challenge', async () => {
    const app = await h.app({ dpop: true, scopes: ['okta.users.read'] });
    const key = await dpopKey();
    const token = await dpopToken(h, app, key, 'okta.users.read');
    const url = `${ORG}/api/v1/users`;
    const list = await h.emu.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=2',
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await proof(h, key, { htm: 'GET', htu: url, ath: ath(token), jti: randomUUID() }),
      },
    });
    assert.equal(list.statusCode, 200);
    const roles = await h.emu.app.inject({
      method: 'GET',
      url: '/api/v1/iam/roles',
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await proof(h, key, { htm: 'GET', htu: `${ORG}/api/v1/iam/roles`, ath: ath(token) }),
      },
    });
    assert.equal(roles.statusCode, 403);
    assert.equal(roles.body, '');
    assert.match(
      String(roles.headers['www-authenticate']),
      /^DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri=.*scope="okta\.roles\.read", error="insufficient_scope"/,
    );
  });

  void test('§6 resource set over a group: the list shows only its members; others are 403 E0000006', async () => {
    const admin = { authorization: `SSWS ${h.emu.adminToken}` };
    const group = (
      await h.emu.app.inject({
        method: 'POST',
        url: '/api/v1/groups',
        headers: admin,
        payload: { profile: { name: 'svc-scope' } },
      })
    ).json() as { id: string };
    const all = (
      await h.emu.app.inject({ method: 'GET', url: '/api/v1/users?limit=5', headers: admin })
    ).json() as { id: string }[];
    for (const u of all.slice(0, 2)) {
      const put = await h.emu.app.inject({
        method: 'PUT',
        url: `/api/v1/groups/${group.id}/users/${u.id}`,
        headers: { ...admin, 'content-length': '0' },
      });
      assert.equal(put.statusCode, 204);
    }
    const app = await h.app({ dpop: false, resourceSet: { groupId: group.id } });
    const token = await bearerToken(h, app, 'okta.users.read');
    const list = await api('GET', '/api/v1/users', token);
    assert.deepEqual(
      (list.json() as { id: string }[]).map((u) => u.id).sort(),
      all
        .slice(0, 2)
        .map((u) => u.id)
        .sort(),
    );
    assertOktaError(await api('GET', `/api/v1/users/${all[4]!.id}`, token), 403, 'E0000006');
  });

  void test('§6 scopes granted but no admin role: 403 E0000006', async () => {
    const app = await h.app({ dpop: false, role: 'none' });
    const token = await bearerToken(h, app, 'okta.users.read');
    assertOktaError(await api('GET', '/api/v1/users', token), 403, 'E0000006');
  });

  void test('§5 token responses carry X-Rate-Limit-* (bucket /oauth2/v1/token); /oauth2/v1/keys does not', async () => {
    const res = await h.token({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'not-a-jwt',
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['x-rate-limit-limit'], '50');
    assert.ok(Number(res.headers['x-rate-limit-remaining']) < 50);
    const keys = await h.emu.app.inject({ method: 'GET', url: '/oauth2/v1/keys' });
    assert.equal(keys.headers['x-rate-limit-limit'], undefined);
  });

  void test('faults can target the token endpoint (control API POST /__emulator/faults)', async () => {
    const add = await h.emu.app.inject({
      method: 'POST',
      url: '/__emulator/faults',
      payload: { method: 'POST', path: '/oauth2/v1/token', sequence: [503] },
    });
    assert.equal(add.statusCode, 201, add.body);
    const res = await h.token({ grant_type: 'client_credentials' });
    assert.equal(res.statusCode, 503);
    assert.equal((res.json() as { error: string }).error, 'server_error');
    assert.notEqual((await h.token({ grant_type: 'client_credentials' })).statusCode, 503);
  });
});
