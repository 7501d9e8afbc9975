import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, injectRequest, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOOKMARK = {
  name: 'bookmark',
  label: 'Assignments',
  signOnMode: 'BOOKMARK',
  settings: { app: { url: 'https://example.com/' } },
};

void describe('Apps API: user and group assignments', () => {
  let h: Harness;
  let admin: Record<string, string>;
  let appId: string;
  let userId: string;
  let groupId: string;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
    appId = ((await inject('POST', '/api/v1/apps', BOOKMARK)).json() as Json).id;
    userId = (
      (
        await inject('POST', '/api/v1/users?activate=true', {
          profile: {
            firstName: 'Ada',
            lastName: 'Lovelace',
            email: 'ada@example.com',
            login: 'ada@example.com',
          },
        })
      ).json() as Json
    ).id;
    groupId = ((await inject('POST', '/api/v1/groups', { profile: { name: 'Engineers' } })).json() as Json)
      .id;
  });
  after(() => h.close());
  const inject = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers = admin,
  ) => injectRequest(h, method, url, headers, payload);

  void test('assign a user: AppUser with links, then get, list, update, unassign → 404', async () => {
    const res = await inject('POST', `/api/v1/apps/${appId}/users`, { id: userId, scope: 'USER' });
    assert.equal(res.statusCode, 200);
    const appUser = res.json() as Json;
    assert.equal(appUser.id, userId);
    assert.equal(appUser.scope, 'USER');
    assert.equal(appUser.status, 'ACTIVE');
    assert.equal(appUser.credentials.userName, 'ada@example.com', 'the ${source.login} template');
    assert.ok(String(appUser._links.user.href).endsWith(`/api/v1/users/${userId}`));
    assert.equal(((await inject('GET', `/api/v1/apps/${appId}/users/${userId}`)).json() as Json).id, userId);
    const list = (await inject('GET', `/api/v1/apps/${appId}/users`)).json() as Json[];
    assert.deepEqual(
      list.map((u) => u.id),
      [userId],
    );
    const updated = await inject('POST', `/api/v1/apps/${appId}/users/${userId}`, {
      credentials: { userName: 'ada' },
      profile: { role: 'Engineer' },
    });
    assert.equal((updated.json() as Json).credentials.userName, 'ada');
    assert.equal((updated.json() as Json).profile.role, 'Engineer');
    assert.equal((await inject('DELETE', `/api/v1/apps/${appId}/users/${userId}`)).statusCode, 204);
    const gone = await inject('GET', `/api/v1/apps/${appId}/users/${userId}`);
    assert.equal(gone.statusCode, 404);
    assert.equal((gone.json() as Json).errorCode, 'E0000007');
  });

  void test('assigning an unknown user is 404; a body without id is E0000001', async () => {
    const unknown = await inject('POST', `/api/v1/apps/${appId}/users`, { id: '00uNOSUCHUSER0000000' });
    assert.equal(unknown.statusCode, 404);
    const blank = await inject('POST', `/api/v1/apps/${appId}/users`, { scope: 'USER' });
    assert.equal(blank.statusCode, 400);
    assert.equal((blank.json() as Json).errorSummary, 'Api validation failed: id');
  });

  void test('assign a group (body optional): the assignment id is the group id; list, get, unassign', async () => {
    const res = await inject('PUT', `/api/v1/apps/${appId}/groups/${groupId}`);
    assert.equal(res.statusCode, 200);
    const assignment = res.json() as Json;
    assert.equal(assignment.id, groupId);
    assert.equal(assignment.priority, 0);
    assert.ok(String(assignment._links.group.href).endsWith(`/api/v1/groups/${groupId}`));
    // An empty body announced as JSON (what SDKs send) is an assignment without options.
    const empty = await h.emu.app.inject({
      method: 'PUT',
      url: `/api/v1/apps/${appId}/groups/${groupId}`,
      headers: { ...admin, 'content-type': 'application/json', 'content-length': '0' },
    });
    assert.equal(empty.statusCode, 200, empty.body);
    const malformed = await h.emu.app.inject({
      method: 'PUT',
      url: `/api/v1/apps/${appId}/groups/${groupId}`,
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"priority": ',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal((malformed.json() as Json).errorCode, 'E0000003');
    const withPriority = await inject('PUT', `/api/v1/apps/${appId}/groups/${groupId}`, { priority: 3 });
    assert.equal((withPriority.json() as Json).priority, 3);
    const list = (await inject('GET', `/api/v1/apps/${appId}/groups`)).json() as Json[];
    assert.deepEqual(
      list.map((g) => g.id),
      [groupId],
    );
    assert.equal(
      ((await inject('GET', `/api/v1/apps/${appId}/groups/${groupId}`)).json() as Json).id,
      groupId,
    );
    assert.equal((await inject('DELETE', `/api/v1/apps/${appId}/groups/${groupId}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/apps/${appId}/groups/${groupId}`)).statusCode, 404);
  });

  void test('a bad priority is E0000001; an unknown group is 404', async () => {
    const bad = await inject('PUT', `/api/v1/apps/${appId}/groups/${groupId}`, { priority: -1 });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as Json).errorSummary, 'Api validation failed: priority');
    assert.equal((await inject('PUT', `/api/v1/apps/${appId}/groups/00gNOSUCHGROUP000000`)).statusCode, 404);
  });
});
