import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, injectRequest, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

void describe('Groups API: replace, delete, member removal, search', () => {
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
  const group = async (name: string, description?: string) =>
    (
      await inject('POST', '/api/v1/groups', { profile: { name, ...(description ? { description } : {}) } })
    ).json() as Json;

  void test('PUT replaces the profile; a duplicate name is E0000001; an unknown group 404', async () => {
    const g = await group('Replace me');
    await group('Taken');
    const res = await inject('PUT', `/api/v1/groups/${g.id}`, {
      profile: { name: 'Replaced', description: 'now' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as Json).profile.name, 'Replaced');
    assert.equal((res.json() as Json).profile.description, 'now');
    const dup = await inject('PUT', `/api/v1/groups/${g.id}`, { profile: { name: 'taken' } });
    assert.equal(dup.statusCode, 400);
    assert.equal((dup.json() as Json).errorCode, 'E0000001');
    assert.equal(
      (await inject('PUT', '/api/v1/groups/00gNOSUCHGROUP000000', { profile: { name: 'x' } })).statusCode,
      404,
    );
  });

  void test('DELETE removes the group (204, then 404) and its memberships', async () => {
    const g = await group('Delete me');
    const user = (
      (
        await inject('POST', '/api/v1/users', {
          profile: { firstName: 'G', lastName: 'M', email: 'gm@example.com', login: 'gm@example.com' },
        })
      ).json() as Json
    ).id as string;
    assert.equal((await inject('PUT', `/api/v1/groups/${g.id}/users/${user}`)).statusCode, 204);
    assert.equal((await inject('DELETE', `/api/v1/groups/${g.id}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/groups/${g.id}`)).statusCode, 404);
    assert.equal((await inject('DELETE', `/api/v1/groups/${g.id}`)).statusCode, 404);
  });

  void test('DELETE /groups/{id}/users/{userId} removes a member', async () => {
    const g = await group('Members');
    const user = (
      (
        await inject('POST', '/api/v1/users', {
          profile: {
            firstName: 'Mem',
            lastName: 'Ber',
            email: 'member@example.com',
            login: 'member@example.com',
          },
        })
      ).json() as Json
    ).id as string;
    await inject('PUT', `/api/v1/groups/${g.id}/users/${user}`);
    assert.deepEqual(
      ((await inject('GET', `/api/v1/groups/${g.id}/users`)).json() as Json[]).map((u) => u.id),
      [user],
    );
    assert.equal((await inject('DELETE', `/api/v1/groups/${g.id}/users/${user}`)).statusCode, 204);
    assert.deepEqual((await inject('GET', `/api/v1/groups/${g.id}/users`)).json(), []);
  });

  void test('search is honoured: sw, eq, co on profile.name; bad expressions are E0000031', async () => {
    await group('Search GROUP_AB 1');
    await group('Search GROUP_AB 2');
    await group('Search GROUP_XY 1', 'the xy group');
    const names = async (search: string) =>
      ((await inject('GET', `/api/v1/groups?search=${encodeURIComponent(search)}`)).json() as Json[])
        .map((g) => g.profile.name)
        .sort();
    assert.deepEqual(
      await names('profile.name sw "search group_ab"'),
      ['Search GROUP_AB 1', 'Search GROUP_AB 2'].sort(),
    );
    assert.deepEqual(await names('profile.description co "xy"'), ['Search GROUP_XY 1']);
    assert.deepEqual(await names('type eq "OKTA_GROUP" and profile.name eq "Search GROUP_XY 1"'), [
      'Search GROUP_XY 1',
    ]);
    const bad = await inject('GET', `/api/v1/groups?search=${encodeURIComponent('profile.name zz "x"')}`);
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as Json).errorCode, 'E0000031');
  });

  void test('a list parameter the emulator does not implement is refused (501 E0000052), not ignored', async () => {
    const res = await inject('GET', '/api/v1/groups?expand=stats');
    assert.equal(res.statusCode, 501);
    assert.equal((res.json() as Json).errorCode, 'E0000052');
  });
});
