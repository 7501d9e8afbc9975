import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

void describe('user schema: custom attributes, once defined, are accepted in profiles with their type', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      headers: admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const profile = (extra: Json, n: number) => ({
    profile: {
      firstName: 'Sch',
      lastName: 'Ema',
      email: `schema${n}@example.com`,
      login: `schema${n}@example.com`,
      ...extra,
    },
  });

  void test('before the attribute exists a profile with it is E0000001 "Property name ... is not defined"', async () => {
    const res = await inject('POST', '/api/v1/users', profile({ age: 33 }, 1));
    assert.equal(res.statusCode, 400);
    assert.deepEqual((res.json() as Json).errorCauses, [
      { errorSummary: "Property name 'age' is not defined in profile" },
    ]);
  });

  void test('define age (number): the schema lists it; a user keeps 33 as a number and GET returns it', async () => {
    const res = await inject('POST', '/api/v1/meta/schemas/user/default', {
      definitions: {
        custom: { id: '#custom', type: 'object', properties: { age: { title: 'Age', type: 'number' } } },
      },
    });
    assert.equal(res.statusCode, 200);
    const schema = res.json() as Json;
    assert.deepEqual(schema.definitions.custom.properties.age, { title: 'Age', type: 'number' });
    assert.equal(schema.definitions.base.properties.login.required, true);
    const created = await inject('POST', '/api/v1/users', profile({ age: 33 }, 2));
    assert.equal(created.statusCode, 200, created.body);
    const user = created.json() as Json;
    assert.equal(user.profile.age, 33);
    assert.equal(((await inject('GET', `/api/v1/users/${user.id}`)).json() as Json).profile.age, 33);
  });

  void test('a value of the wrong type is E0000001; a base attribute cannot be redefined; null removes', async () => {
    const wrong = await inject('POST', '/api/v1/users', profile({ age: 'old' }, 3));
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual((wrong.json() as Json).errorCauses, [
      { errorSummary: 'age: Property value does not match the type number' },
    ]);
    const base = await inject('POST', '/api/v1/meta/schemas/user/default', {
      definitions: { custom: { properties: { login: { title: 'Login', type: 'string' } } } },
    });
    assert.equal(base.statusCode, 400);
    const removed = await inject('POST', '/api/v1/meta/schemas/user/default', {
      definitions: { custom: { properties: { age: null } } },
    });
    assert.deepEqual((removed.json() as Json).definitions.custom.properties, {});
    assert.equal((await inject('POST', '/api/v1/users', profile({ age: 40 }, 4))).statusCode, 400);
  });

  void test('an unknown schema id is 404', async () => {
    assert.equal((await inject('GET', '/api/v1/meta/schemas/user/oscNOSUCHSCHEMA00000')).statusCode, 404);
  });
  void test('a custom string attribute with a control character is E0000001, as a base attribute is', async () => {
    const defined = await inject('POST', '/api/v1/meta/schemas/user/default', {
      definitions: {
        custom: {
          id: '#custom',
          type: 'object',
          properties: { nickname: { title: 'Nickname', type: 'string' } },
        },
      },
    });
    assert.equal(defined.statusCode, 200, defined.body);
    const res = await inject('POST', '/api/v1/users', profile({ nickname: 'Ada\u0000' }, 40));
    assert.equal(res.statusCode, 400);
    assert.deepEqual((res.json() as Json).errorCauses, [
      { errorSummary: 'nickname: The field contains control characters' },
    ]);
    const ok = await inject('POST', '/api/v1/users', profile({ nickname: 'Ada' }, 41));
    assert.equal(ok.statusCode, 200, ok.body);
  });
});
