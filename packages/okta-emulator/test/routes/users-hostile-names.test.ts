import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertOktaError, buildManagementApp, ORG, SSWS, type TestApp } from '../helpers/management-app.js';

const JSON_HEADERS = { ...SSWS, 'content-type': 'application/json' };

void describe('names taken from a request never reach inherited members or pass unchecked', () => {
  let t: TestApp;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 8, seed: 3 });
  });
  after(async () => {
    await t.app.close();
  });

  const search = (expression: string) =>
    t.app.inject({
      method: 'GET',
      url: `/api/v1/users?search=${encodeURIComponent(expression)}`,
      headers: SSWS,
    });
  const create = (profile: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/users?activate=false',
      headers: JSON_HEADERS,
      payload: {
        profile: {
          login: 'n.n@example.com',
          email: 'n.n@example.com',
          firstName: 'N',
          lastName: 'N',
          ...profile,
        },
      },
    });

  void test('search on profile.constructor / __proto__ / toString / valueOf: no 500, no match', async () => {
    for (const expression of [
      'profile.constructor sw "f"',
      'profile.__proto__ eq "x"',
      'profile.toString eq "x"',
      'profile.valueOf gt "a"',
      'profile.constructor pr',
      'profile.hasOwnProperty pr',
    ]) {
      const res = await search(expression);
      assert.equal(res.statusCode, 200, `${expression}: ${res.body}`);
      assert.deepEqual(res.json(), [], expression);
    }
  });

  void test('profile fields named toString, constructor or __proto__ are refused like any unknown attribute', async () => {
    for (const name of ['toString', 'constructor', 'valueOf']) {
      const res = await create({ [name]: 'x' });
      const err = assertOktaError(res, 400, 'E0000001');
      assert.deepEqual(err.errorCauses, [
        { errorSummary: `Property name '${name}' is not defined in profile` },
      ]);
    }
    const proto = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users?activate=false',
      headers: JSON_HEADERS,
      payload:
        '{"profile":{"login":"p.p@example.com","email":"p.p@example.com","firstName":"P","lastName":"P","__proto__":{"x":"y"}}}',
    });
    assertOktaError(proto, 400, 'E0000001');
  });

  void test('a non-string firstName or lastName is refused, not converted', async () => {
    for (const value of [123, true, 0]) {
      const res = await create({ firstName: value });
      const err = assertOktaError(res, 400, 'E0000001');
      assert.deepEqual(err.errorCauses, [{ errorSummary: 'firstName: Does not match required type' }]);
    }
    assertOktaError(await create({ lastName: false }), 400, 'E0000001');
  });

  void test('control characters in a name are refused with a cause (NUL, line feed, escape, DEL)', async () => {
    for (const bad of ['Ada\u0000', 'Ada\nLovelace', '\u001b[31mAda', 'Ada\u007f']) {
      const res = await create({ firstName: bad });
      const err = assertOktaError(res, 400, 'E0000001', 'Api validation failed: firstName');
      assert.deepEqual(err.errorCauses, [
        { errorSummary: 'firstName: The field contains control characters' },
      ]);
    }
    const group = await t.app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: JSON_HEADERS,
      payload: { profile: { name: 'team\u0000', description: null } },
    });
    assertOktaError(group, 400, 'E0000001');
  });

  void test('resource-set resources must be URLs of this org (host checked, no dot segments) or its ORNs', async () => {
    for (const resource of [
      'http://evil.example/api/v1/users',
      `${ORG}/api/v1/users/../apps`,
      `${ORG}/api/v1/users/%2E%2E/apps`,
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/iam/resource-sets',
        headers: JSON_HEADERS,
        payload: { label: `s-${resource.length}`, description: 'd', resources: [resource] },
      });
      assertOktaError(res, 400, 'E0000001');
    }
  });
});
