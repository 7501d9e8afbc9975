import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertOktaError,
  body,
  buildManagementApp,
  grantCustomRole,
  oauth,
  ORG,
  SSWS,
  type TestApp,
} from '../helpers/management-app.js';

const CLIENT = '0oaservice00000000001';

void describe('minimal Groups API (for resource sets over group members)', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 6, clients: [CLIENT] });
    a = t.state.groups.create('alpha', 'first').id;
    b = t.state.groups.create('beta', null).id;
    grantCustomRole(t.state, CLIENT, {
      label: 'group-reader',
      permissions: ['okta.groups.read'],
      resources: [`${ORG}/api/v1/groups/${a}`],
    });
  });
  after(async () => {
    await t.app.close();
  });

  void test('create, list, get, add a member (204) and list members', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { ...SSWS, 'content-type': 'application/json' },
      payload: { profile: { name: 'gamma', description: 'third' } },
    });
    assert.equal(created.statusCode, 200);
    const g = body<{ id: string; type: string; profile: { name: string } }>(created);
    assert.match(g.id, /^00g[0-9A-Za-z]{17}$/);
    assert.equal(g.type, 'OKTA_GROUP');
    const user = [...t.state.users.all()][0]!;
    assert.equal(
      (await t.app.inject({ method: 'PUT', url: `/api/v1/groups/${g.id}/users/${user.id}`, headers: SSWS }))
        .statusCode,
      204,
    );
    const members = body<{ id: string }[]>(
      await t.app.inject({ method: 'GET', url: `/api/v1/groups/${g.id}/users`, headers: SSWS }),
    );
    assert.deepEqual(
      members.map((m) => m.id),
      [user.id],
    );
    const names = body<{ profile: { name: string } }[]>(
      await t.app.inject({ method: 'GET', url: '/api/v1/groups', headers: SSWS }),
    ).map((x) => x.profile.name);
    assert.deepEqual(names.sort(), ['alpha', 'beta', 'gamma']);
    assertOktaError(
      await t.app.inject({ method: 'GET', url: '/api/v1/groups/00gNope', headers: SSWS }),
      404,
      'E0000007',
      'Not found: Resource not found: 00gNope (UserGroup)',
    );
  });

  void test('§4.1 groups routes challenge with okta.groups.read', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/groups',
      headers: oauth(CLIENT, ['okta.users.read']),
    });
    assert.equal(res.statusCode, 403);
    assert.match(
      String(res.headers['www-authenticate']),
      /scope="okta\.groups\.read", error="insufficient_scope"/,
    );
  });

  void test('§6.3 a resource set with one group object shows that group only', async () => {
    const h = oauth(CLIENT, ['okta.groups.read']);
    const list = body<{ id: string }[]>(
      await t.app.inject({ method: 'GET', url: '/api/v1/groups', headers: h }),
    );
    assert.deepEqual(
      list.map((g) => g.id),
      [a],
    );
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/v1/groups/${a}`, headers: h })).statusCode,
      200,
    );
    assertOktaError(
      await t.app.inject({ method: 'GET', url: `/api/v1/groups/${b}`, headers: h }),
      403,
      'E0000006',
    );
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/groups/${a}/users/${[...t.state.users.all()][1]!.id}`,
      headers: oauth(CLIENT, ['okta.groups.manage']),
    });
    assertOktaError(put, 403, 'E0000006');
  });
});
