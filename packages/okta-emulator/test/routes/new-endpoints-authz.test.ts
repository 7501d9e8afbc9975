import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, harness, injectRequest, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Authorization of the endpoints added for the SDK's integration surface: the scope first (403, empty body,
 * `WWW-Authenticate: ... error="insufficient_scope"`), then the admin role (403 E0000006).
 */
void describe('authorization of app assignments, keys, lifecycle, groups, IAM, org and schema endpoints', () => {
  let h: Harness;
  let admin: Record<string, string>;
  let appId: string;
  let userId: string;
  let groupId: string;
  let roleId: string;
  let readOnly: Record<string, string>;
  let noRole: Record<string, string>;
  let usersOnly: Record<string, string>;
  let customUsers: Record<string, string>;
  const ALL = [
    'okta.apps.read',
    'okta.apps.manage',
    'okta.users.manage',
    'okta.groups.manage',
    'okta.roles.manage',
    'okta.orgs.read',
    'okta.schemas.manage',
  ];

  const inject = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ) => injectRequest(h, method, url, headers, payload);
  const bearer = async (role: 'READ_ONLY_ADMIN' | 'none' | 'custom-users', scopes: string[]) => {
    const app = await h.app({ dpop: false, role, scopes });
    return { authorization: `Bearer ${await bearerToken(h, app, scopes.join(' '))}` };
  };

  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
    appId = (
      (
        await inject('POST', '/api/v1/apps', admin, {
          name: 'bookmark',
          label: 'authz',
          signOnMode: 'BOOKMARK',
          settings: { app: { url: 'https://example.com/' } },
        })
      ).json() as Json
    ).id;
    userId = (
      (
        await inject('POST', '/api/v1/users', admin, {
          profile: {
            firstName: 'Au',
            lastName: 'Thz',
            email: 'authz@example.com',
            login: 'authz@example.com',
          },
          credentials: { password: { value: 'Abcd1234#@' } },
        })
      ).json() as Json
    ).id;
    groupId = (
      (await inject('POST', '/api/v1/groups', admin, { profile: { name: 'authz-group' } })).json() as Json
    ).id;
    roleId = (
      (
        await inject('POST', '/api/v1/iam/roles', admin, {
          label: 'authz-role',
          description: 'authz',
          permissions: ['okta.users.read'],
        })
      ).json() as Json
    ).id;
    readOnly = await bearer('READ_ONLY_ADMIN', ALL);
    noRole = await bearer('none', ALL);
    usersOnly = await bearer('READ_ONLY_ADMIN', ['okta.users.read']);
    customUsers = await bearer('custom-users', ['okta.users.read', 'okta.users.manage']);
  });
  after(() => h.close());

  const scopeDenied = (
    res: { statusCode: number; body: string; headers: Record<string, unknown> },
    scope: string,
  ) => {
    assert.equal(res.statusCode, 403);
    assert.equal(res.body, '');
    const challenge = String(res.headers['www-authenticate']);
    assert.match(challenge, /error="insufficient_scope"/);
    assert.ok(challenge.includes(`scope="${scope}"`), challenge);
  };
  const roleDenied = (res: { statusCode: number; json(): unknown }) => {
    assert.equal(res.statusCode, 403);
    assert.equal((res.json() as Json).errorCode, 'E0000006');
  };

  void test('app users, groups and keys: the apps scope, then the apps permission', async () => {
    scopeDenied(await inject('GET', `/api/v1/apps/${appId}/users`, usersOnly), 'okta.apps.read');
    scopeDenied(await inject('GET', `/api/v1/apps/${appId}/credentials/keys`, usersOnly), 'okta.apps.read');
    assert.equal((await inject('GET', `/api/v1/apps/${appId}/users`, readOnly)).statusCode, 200);
    assert.equal((await inject('GET', `/api/v1/apps/${appId}/groups`, readOnly)).statusCode, 200);
    assert.equal((await inject('GET', `/api/v1/apps/${appId}/credentials/keys`, readOnly)).statusCode, 200);
    roleDenied(await inject('POST', `/api/v1/apps/${appId}/users`, readOnly, { id: userId }));
    roleDenied(await inject('PUT', `/api/v1/apps/${appId}/groups/${groupId}`, readOnly));
    roleDenied(
      await inject('POST', `/api/v1/apps/${appId}/credentials/keys/generate?validityYears=2`, readOnly),
    );
    roleDenied(await inject('GET', `/api/v1/apps/${appId}/users`, noRole));
  });

  void test('user lifecycle: okta.users.manage, then a lifecycle permission over the user', async () => {
    scopeDenied(
      await inject('POST', `/api/v1/users/${userId}/lifecycle/suspend`, usersOnly),
      'okta.users.manage',
    );
    roleDenied(await inject('POST', `/api/v1/users/${userId}/lifecycle/suspend`, readOnly));
    // The guide's role reads users and edits profiles: no lifecycle actions.
    roleDenied(await inject('POST', `/api/v1/users/${userId}/lifecycle/suspend`, customUsers));
    roleDenied(await inject('DELETE', `/api/v1/users/${userId}/sessions`, customUsers));
    assert.equal(((await inject('GET', `/api/v1/users/${userId}`, admin)).json() as Json).status, 'ACTIVE');
  });

  void test('group replace, delete and member removal need okta.groups.manage and a groups permission', async () => {
    scopeDenied(await inject('DELETE', `/api/v1/groups/${groupId}`, usersOnly), 'okta.groups.manage');
    roleDenied(await inject('PUT', `/api/v1/groups/${groupId}`, readOnly, { profile: { name: 'x' } }));
    roleDenied(await inject('DELETE', `/api/v1/groups/${groupId}`, readOnly));
    roleDenied(await inject('DELETE', `/api/v1/groups/${groupId}/users/${userId}`, readOnly));
    assert.equal((await inject('GET', `/api/v1/groups/${groupId}`, admin)).statusCode, 200);
  });

  void test('custom roles, permissions and resource sets: Super Admin only', async () => {
    roleDenied(
      await inject('PUT', `/api/v1/iam/roles/${roleId}`, readOnly, { label: 'x', description: 'y' }),
    );
    roleDenied(await inject('POST', `/api/v1/iam/roles/${roleId}/permissions/okta.groups.read`, readOnly));
    roleDenied(await inject('DELETE', `/api/v1/iam/roles/${roleId}`, readOnly));
    assert.equal((await inject('GET', `/api/v1/iam/roles/${roleId}`, admin)).statusCode, 200);
  });

  void test('org settings: okta.orgs.read and an admin role; the user schema: Super Admin', async () => {
    scopeDenied(await inject('GET', '/api/v1/org', usersOnly), 'okta.orgs.read');
    roleDenied(await inject('GET', '/api/v1/org', noRole));
    assert.equal((await inject('GET', '/api/v1/org', readOnly)).statusCode, 200);
    roleDenied(await inject('POST', '/api/v1/meta/schemas/user/default', readOnly, { definitions: {} }));
    scopeDenied(await inject('GET', '/api/v1/meta/schemas/user/default', usersOnly), 'okta.schemas.read');
  });
});
