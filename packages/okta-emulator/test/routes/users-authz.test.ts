import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertOktaError,
  body,
  buildManagementApp,
  oauth,
  ORG,
  type TestApp,
} from '../helpers/management-app.js';

const GUIDE_CLIENT = '0oaservice00000000001';
const OTHER_CLIENT = '0oaservice00000000002';
const RO_CLIENT = '0oareadonly000000001';
const NOROLE_CLIENT = '0oanorole00000000001';
const GROUPOBJ_CLIENT = '0oagroupobj000000001';
const BOTH = ['okta.users.read', 'okta.users.manage'];

void describe('users authorization: scope AND admin role AND resource set (facts §4.1, §6)', () => {
  let t: TestApp;
  let member: string;
  let outsider: string;
  let groupId: string;

  before(async () => {
    t = await buildManagementApp({
      seedUsers: 30,
      seed: 5,
      clients: [GUIDE_CLIENT, OTHER_CLIENT, RO_CLIENT, NOROLE_CLIENT, GROUPOBJ_CLIENT],
    });
    const users = [...t.state.users.all()].filter((u) => u.status === 'ACTIVE');
    member = users[0]!.id;
    outsider = users[1]!.id;
    const group = t.state.groups.create('svc-managed', null);
    groupId = group.id;
    t.state.groups.addMember(group.id, member);
    t.state.groups.addMember(group.id, users[2]!.id);
    // The guide's step 3: a custom role with "View users" + "Edit users' profile attributes" over a resource set.
    const role = t.state.roles.create({
      label: 'users-svc',
      description: 'Read users and edit their names',
      permissions: ['okta.users.read', 'okta.users.userprofile.manage'],
    });
    const set = t.state.resourceSets.create({
      label: 'svc-users',
      description: 'Members of svc-managed',
      resources: [`${ORG}/api/v1/groups/${group.id}/users`],
    });
    t.state.assignClientRole(GUIDE_CLIENT, { type: 'CUSTOM', role: role.id, resourceSet: set.id });
    t.state.assignClientRole(OTHER_CLIENT, { type: 'SUPER_ADMIN' });
    t.state.assignClientRole(RO_CLIENT, { type: 'READ_ONLY_ADMIN' });
    const objOnly = t.state.resourceSets.create({
      label: 'group-object-only',
      description: 'The group object, not its members',
      resources: [`${ORG}/api/v1/groups/${group.id}`],
    });
    t.state.assignClientRole(GROUPOBJ_CLIENT, { type: 'CUSTOM', role: role.id, resourceSet: objOnly.id });
  });
  after(async () => {
    await t.app.close();
  });

  void test('§4.1 missing scope: 403 with an EMPTY body and the exact Bearer insufficient_scope challenge', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?limit=5',
      headers: oauth(OTHER_CLIENT, ['okta.groups.read']),
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.body, '');
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer authorization_uri="http://dev-123456.okta.com/oauth2/v1/authorize", realm="http://dev-123456.okta.com", ' +
        'scope="okta.users.read", error="insufficient_scope", ' +
        'error_description="The access token provided does not contain the required scopes.", resource="/api/v1/users"',
    );
  });

  void test('§2.4 missing scope with a DPoP token: the challenge starts with DPoP algs="..."', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${member}`,
      headers: { ...oauth(OTHER_CLIENT, ['okta.users.read'], 'DPoP'), 'content-type': 'application/json' },
      payload: { profile: { firstName: 'X' } },
    });
    assert.equal(res.statusCode, 403);
    assert.equal(res.body, '');
    assert.equal(
      res.headers['www-authenticate'],
      'DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", authorization_uri="http://dev-123456.okta.com/oauth2/v1/authorize", ' +
        'realm="http://dev-123456.okta.com", scope="okta.users.manage", error="insufficient_scope", ' +
        `error_description="The access token provided does not contain the required scopes.", resource="/api/v1/users/${member}"`,
    );
  });

  void test('§3.1 okta.users.manage alone is enough to read (manage ⊇ read)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users/${member}`,
      headers: oauth(OTHER_CLIENT, ['okta.users.manage']),
    });
    assert.equal(res.statusCode, 200);
  });

  void test('§6 scope present but no admin role: 403 E0000006', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: oauth(NOROLE_CLIENT, BOTH),
    });
    assertOktaError(res, 403, 'E0000006', 'You do not have permission to perform the requested action');
  });

  void test('§6 READ_ONLY_ADMIN with okta.users.manage reads but every write is 403 E0000006', async () => {
    const h = oauth(RO_CLIENT, BOTH);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/v1/users/${outsider}`, headers: h })).statusCode,
      200,
    );
    const write = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${outsider}`,
      headers: { ...h, 'content-type': 'application/json' },
      payload: { profile: { firstName: 'Nope' } },
    });
    assertOktaError(write, 403, 'E0000006');
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...h, 'content-type': 'application/json' },
      payload: {
        profile: { firstName: 'A', lastName: 'B', email: 'ro.x@example.com', login: 'ro.x@example.com' },
      },
    });
    assertOktaError(create, 403, 'E0000006');
  });

  void test('§6 custom role over a resource set: the list is filtered to the set (200)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: oauth(GUIDE_CLIENT, BOTH),
    });
    assert.equal(res.statusCode, 200);
    const ids = body<{ id: string }[]>(res)
      .map((u) => u.id)
      .sort();
    assert.deepEqual(ids, [...t.state.groups.members(groupId)].sort());
  });

  void test('§6 custom role: GET inside the set is 200, outside is 403 E0000006', async () => {
    const h = oauth(GUIDE_CLIENT, BOTH);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/v1/users/${member}`, headers: h })).statusCode,
      200,
    );
    assertOktaError(
      await t.app.inject({ method: 'GET', url: `/api/v1/users/${outsider}`, headers: h }),
      403,
      'E0000006',
    );
  });

  void test('§6.2 okta.users.userprofile.manage allows a profile-only POST inside the set, not outside', async () => {
    const h = { ...oauth(GUIDE_CLIENT, BOTH), 'content-type': 'application/json' };
    const inside = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${member}`,
      headers: h,
      payload: { profile: { firstName: 'Ada', lastName: 'Lovelace' } },
    });
    assert.equal(inside.statusCode, 200);
    assert.equal(body<{ profile: { firstName: string } }>(inside).profile.firstName, 'Ada');
    const outside = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${outsider}`,
      headers: h,
      payload: { profile: { firstName: 'X' } },
    });
    assertOktaError(outside, 403, 'E0000006');
  });

  void test('§6.2 profile permission does not cover credentials or create', async () => {
    const h = { ...oauth(GUIDE_CLIENT, BOTH), 'content-type': 'application/json' };
    const creds = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${member}`,
      headers: h,
      payload: { credentials: { password: { value: 'another-secret-1' } } },
    });
    assertOktaError(creds, 403, 'E0000006');
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h,
      payload: {
        profile: { firstName: 'A', lastName: 'B', email: 'c.d@example.com', login: 'c.d@example.com' },
      },
    });
    assertOktaError(create, 403, 'E0000006');
  });

  void test('§6.3 a resource set holding only the group object grants nothing over its members', async () => {
    const h = oauth(GROUPOBJ_CLIENT, BOTH);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: h });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(body(list), []);
    assertOktaError(
      await t.app.inject({ method: 'GET', url: `/api/v1/users/${member}`, headers: h }),
      403,
      'E0000006',
    );
  });

  void test('§6 a missing user is 404 for a role that may read users, even outside its set', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/00uNoSuchUser00000000',
      headers: oauth(GUIDE_CLIENT, BOTH),
    });
    assertOktaError(res, 404, 'E0000007');
  });

  void test('§6 adding a user to the group extends the set at once (membership is read live)', async () => {
    const h = oauth(GUIDE_CLIENT, BOTH);
    const newcomer = [...t.state.users.all()].filter((u) => u.status === 'ACTIVE')[5]!.id;
    assertOktaError(
      await t.app.inject({ method: 'GET', url: `/api/v1/users/${newcomer}`, headers: h }),
      403,
      'E0000006',
    );
    t.state.groups.addMember(groupId, newcomer);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/v1/users/${newcomer}`, headers: h })).statusCode,
      200,
    );
  });
});
