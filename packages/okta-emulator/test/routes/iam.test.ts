import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertOktaError,
  body,
  buildManagementApp,
  oauth,
  ORG,
  SSWS,
  type TestApp,
} from '../helpers/management-app.js';

const CLIENT = '0oaservice00000000001';
const ADMIN_CLIENT = '0oaservice00000000002';
const ORGADMIN_CLIENT = '0oaorgadmin000000001';
const JSON_SSWS = { ...SSWS, 'content-type': 'application/json' };

void describe('IAM: custom roles, resource sets, client role assignments (facts §6.1–§6.3)', () => {
  let t: TestApp;
  let groupId: string;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 5, clients: [CLIENT, ADMIN_CLIENT, ORGADMIN_CLIENT] });
    groupId = t.state.groups.create('engineering', 'Engineers').id;
  });
  after(async () => {
    await t.app.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = JSON_SSWS) =>
    t.app.inject({ method: 'POST', url, headers, payload: payload as object });

  void test('§6.2 POST /iam/roles creates a cr0… role; GET by id and by label; /permissions lists them', async () => {
    const res = await post('/api/v1/iam/roles', {
      label: 'UserCreator',
      description: 'Create users',
      permissions: ['okta.users.create', 'okta.users.read'],
    });
    assert.equal(res.statusCode, 200);
    const role = body<{
      id: string;
      label: string;
      description: string;
      created: string;
      _links: Record<string, { href: string }>;
    }>(res);
    assert.match(role.id, /^cr0[0-9A-Za-z]{17}$/);
    assert.equal(role.label, 'UserCreator');
    assert.equal(role._links.self!.href, `${ORG}/api/v1/iam/roles/${role.id}`);
    assert.equal(role._links.permissions!.href, `${ORG}/api/v1/iam/roles/${role.id}/permissions`);
    const byLabel = await t.app.inject({
      method: 'GET',
      url: '/api/v1/iam/roles/UserCreator',
      headers: SSWS,
    });
    assert.equal(body<{ id: string }>(byLabel).id, role.id);
    const perms = body<{ permissions: { label: string; _links: { role: { href: string } } }[] }>(
      await t.app.inject({ method: 'GET', url: `/api/v1/iam/roles/${role.id}/permissions`, headers: SSWS }),
    );
    assert.deepEqual(
      perms.permissions.map((p) => p.label),
      ['okta.users.create', 'okta.users.read'],
    );
    assert.equal(perms.permissions[0]!._links.role.href, role._links.self!.href);
    const list = body<{ roles: { id: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/api/v1/iam/roles', headers: SSWS }),
    );
    assert.ok(list.roles.some((r) => r.id === role.id));
  });

  void test('§6.2 label, description and permissions are required; unknown permissions are rejected', async () => {
    const res = await post('/api/v1/iam/roles', { label: 'x' });
    const err = assertOktaError(res, 400, 'E0000001', 'Api validation failed: description');
    assert.deepEqual(
      err.errorCauses.map((c) => c.errorSummary),
      ['description: The field cannot be left blank', 'permissions: The field cannot be left blank'],
    );
    assertOktaError(
      await post('/api/v1/iam/roles', { label: 'y', description: 'd', permissions: ['okta.users.fly'] }),
      400,
      'E0000001',
    );
    assertOktaError(
      await t.app.inject({ method: 'GET', url: '/api/v1/iam/roles/cr0Missing00000000000', headers: SSWS }),
      404,
      'E0000007',
    );
  });

  void test('§6.3 resource sets accept REST URLs and ORNs and report both forms', async () => {
    const orgId = t.state.orgId;
    const res = await post('/api/v1/iam/resource-sets', {
      label: 'mixed',
      description: 'All forms',
      resources: [
        `${ORG}/api/v1/users`,
        `${ORG}/api/v1/groups/${groupId}`,
        `orn:okta:directory:${orgId}:groups:${groupId}:contained_resources`,
        `orn:okta:directory:${orgId}:groups`,
      ],
    });
    assert.equal(res.statusCode, 200);
    const set = body<{ id: string; _links: Record<string, { href: string }> }>(res);
    assert.match(set.id, /^iam[0-9A-Za-z]{17}$/);
    assert.equal(set._links.resources!.href, `${ORG}/api/v1/iam/resource-sets/${set.id}/resources`);
    const resources = body<{ resources: { id: string; orn: string; _links: { self: { href: string } } }[] }>(
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/iam/resource-sets/${set.id}/resources`,
        headers: SSWS,
      }),
    );
    assert.deepEqual(
      resources.resources.map((r) => [r.orn, r._links.self.href]),
      [
        [`orn:okta:directory:${orgId}:users`, `${ORG}/api/v1/users`],
        [`orn:okta:directory:${orgId}:groups:${groupId}`, `${ORG}/api/v1/groups/${groupId}`],
        [
          `orn:okta:directory:${orgId}:groups:${groupId}:contained_resources`,
          `${ORG}/api/v1/groups/${groupId}/users`,
        ],
        [`orn:okta:directory:${orgId}:groups`, `${ORG}/api/v1/groups`],
      ],
    );
    for (const r of resources.resources) assert.match(r.id, /^ire[0-9A-Za-z]{17}$/);
  });

  void test('§6.3 PATCH /resources {additions} adds (and de-duplicates) resources', async () => {
    const set = body<{ id: string }>(
      await post('/api/v1/iam/resource-sets', {
        label: 'grow',
        description: 'd',
        resources: [`${ORG}/api/v1/groups/${groupId}`],
      }),
    );
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/iam/resource-sets/${set.id}/resources`,
      headers: JSON_SSWS,
      payload: { additions: [`${ORG}/api/v1/groups/${groupId}/users`, `${ORG}/api/v1/groups/${groupId}`] },
    });
    assert.equal(patched.statusCode, 200);
    assert.equal(body<{ id: string }>(patched).id, set.id);
    const after = body<{ resources: unknown[] }>(
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/iam/resource-sets/${set.id}/resources`,
        headers: SSWS,
      }),
    );
    assert.equal(after.resources.length, 2);
  });

  void test('§6.3 unsupported or foreign resources are E0000001; unknown groups too', async () => {
    assertOktaError(
      await post('/api/v1/iam/resource-sets', {
        label: 'bad',
        description: 'd',
        resources: ['https://x/api/v1/teapots'],
      }),
      400,
      'E0000001',
      'Api validation failed: resources',
    );
    assertOktaError(
      await post('/api/v1/iam/resource-sets', {
        label: 'bad2',
        description: 'd',
        resources: ['orn:okta:directory:00oOtherOrg0000000000:users'],
      }),
      400,
      'E0000001',
    );
    assertOktaError(
      await post('/api/v1/iam/resource-sets', {
        label: 'bad3',
        description: 'd',
        resources: [`${ORG}/api/v1/groups/00gNope/users`],
      }),
      400,
      'E0000001',
    );
  });

  void test('§6.1 POST /oauth2/v1/clients/{id}/roles: standard role shape; 409 on duplicate; 404 for an unknown client', async () => {
    const res = await post(`/oauth2/v1/clients/${ORGADMIN_CLIENT}/roles`, { type: 'HELP_DESK_ADMIN' });
    assert.equal(res.statusCode, 200);
    const a = body<Record<string, unknown>>(res);
    assert.equal(a.type, 'HELP_DESK_ADMIN');
    assert.equal(a.label, 'Help Desk Administrator');
    assert.equal(a.status, 'ACTIVE');
    assert.equal(a.assignmentType, 'CLIENT');
    assert.match(String(a.id), /^[A-Z2-7]{24}$/);
    assert.deepEqual(a._links, { assignee: { href: `${ORG}/oauth2/v1/clients/${ORGADMIN_CLIENT}/roles` } });
    assertOktaError(
      await post(`/oauth2/v1/clients/${ORGADMIN_CLIENT}/roles`, { type: 'HELP_DESK_ADMIN' }),
      409,
      'E0000090',
    );
    assertOktaError(
      await post('/oauth2/v1/clients/0oaUnknown00000000000/roles', { type: 'READ_ONLY_ADMIN' }),
      404,
      'E0000007',
      'Not found: Resource not found: 0oaUnknown00000000000 (Client)',
    );
    assertOktaError(
      await post(`/oauth2/v1/clients/${ORGADMIN_CLIENT}/roles`, { type: 'KING' }),
      400,
      'E0000001',
    );
    const list = body<{ type: string }[]>(
      await t.app.inject({
        method: 'GET',
        url: `/oauth2/v1/clients/${ORGADMIN_CLIENT}/roles`,
        headers: SSWS,
      }),
    );
    assert.deepEqual(
      list.map((r) => r.type),
      ['HELP_DESK_ADMIN'],
    );
  });

  void test('§6.1 custom role assignment echoes role and resource-set with the custom links', async () => {
    const role = body<{ id: string }>(
      await post('/api/v1/iam/roles', { label: 'svc', description: 'svc', permissions: ['okta.users.read'] }),
    );
    const set = body<{ id: string }>(
      await post('/api/v1/iam/resource-sets', {
        label: 'svc-set',
        description: 'd',
        resources: [`${ORG}/api/v1/users`],
      }),
    );
    const res = await post(`/oauth2/v1/clients/${CLIENT}/roles`, {
      type: 'CUSTOM',
      role: role.id,
      'resource-set': set.id,
    });
    assert.equal(res.statusCode, 200);
    const a = body<Record<string, unknown> & { _links: Record<string, { href: string }> }>(res);
    assert.equal(a.type, 'CUSTOM');
    assert.equal(a.label, 'svc');
    assert.equal(a.role, role.id);
    assert.equal(a['resource-set'], set.id);
    assert.match(String(a.id), /^irb[0-9A-Za-z]{17}$/);
    assert.equal(
      a._links.member!.href,
      `${ORG}/api/v1/iam/resource-sets/${set.id}/bindings/${role.id}/members/${String(a.id)}`,
    );
    assert.equal(a._links.assignee!.href, `${ORG}/oauth2/v1/clients/${CLIENT}`);
    assertOktaError(
      await post(`/oauth2/v1/clients/${CLIENT}/roles`, { type: 'CUSTOM', role: role.id }),
      400,
      'E0000001',
    );
    // The assignment takes effect: the client may now read users.
    const users = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: oauth(CLIENT, ['okta.users.read']),
    });
    assert.equal(users.statusCode, 200);
    assert.equal(body<unknown[]>(users).length, 5);
  });

  void test('§6.3 POST /bindings with a client member assigns the custom role to that client', async () => {
    const role = body<{ id: string }>(
      await post('/api/v1/iam/roles', {
        label: 'binder',
        description: 'd',
        permissions: ['okta.users.read'],
      }),
    );
    const set = body<{ id: string }>(
      await post('/api/v1/iam/resource-sets', {
        label: 'bound',
        description: 'd',
        resources: [`${ORG}/api/v1/users`],
      }),
    );
    const res = await post(`/api/v1/iam/resource-sets/${set.id}/bindings`, {
      role: role.id,
      members: [`${ORG}/oauth2/v1/clients/${ORGADMIN_CLIENT}`, `${ORG}/api/v1/groups/${groupId}`],
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body(res), {
      _links: {
        self: { href: `${ORG}/api/v1/iam/resource-sets/${set.id}/bindings/${role.id}` },
        bindings: { href: `${ORG}/api/v1/iam/resource-sets/${set.id}/bindings` },
        'resource-set': { href: `${ORG}/api/v1/iam/resource-sets/${set.id}` },
      },
    });
    const roles = body<{ type: string; role?: string }[]>(
      await t.app.inject({
        method: 'GET',
        url: `/oauth2/v1/clients/${ORGADMIN_CLIENT}/roles`,
        headers: SSWS,
      }),
    );
    assert.ok(roles.some((r) => r.type === 'CUSTOM' && r.role === role.id));
  });

  void test('§6 field report: only a Super Admin may use the IAM APIs, even with okta.roles.* scopes', async () => {
    await post(`/oauth2/v1/clients/${ADMIN_CLIENT}/roles`, { type: 'ORG_ADMIN' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/iam/roles',
      headers: oauth(ADMIN_CLIENT, ['okta.roles.read', 'okta.roles.manage']),
    });
    assertOktaError(res, 403, 'E0000006');
    const scopeless = await t.app.inject({
      method: 'GET',
      url: '/api/v1/iam/roles',
      headers: oauth(ADMIN_CLIENT, ['okta.users.read']),
    });
    assert.equal(scopeless.statusCode, 403);
    assert.equal(scopeless.body, '');
    assert.match(String(scopeless.headers['www-authenticate']), /scope="okta\.roles\.read"/);
  });
});
