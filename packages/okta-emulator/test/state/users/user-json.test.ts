import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toUserJson, UserJsonCache, userEtag } from '../../../src/state/users/user-json.js';
import { makeUser } from '../../helpers/users.js';

const ctx = { orgUrl: 'https://dev-1.okta.com', schemaId: 'osc1abcdefghijklmnop' };

void describe('user object factory (facts §3.5)', () => {
  void test('§3.5 key order and shape: nullable timestamps present as null, type.id, password {} and provider', () => {
    const json = toUserJson(makeUser({ lastLogin: null }), ctx, false);
    assert.deepEqual(Object.keys(json), [
      'id',
      'status',
      'created',
      'activated',
      'statusChanged',
      'lastLogin',
      'lastUpdated',
      'passwordChanged',
      'type',
      'profile',
      'credentials',
      '_links',
    ]);
    assert.equal(json.lastLogin, null);
    assert.deepEqual(json.type, { id: 'oty1abcdefghijklmnop' });
    assert.deepEqual(json.credentials, { password: {}, provider: { type: 'OKTA', name: 'OKTA' } });
    assert.deepEqual(json._links, {
      self: { href: 'https://dev-1.okta.com/api/v1/users/00u1abcdefghijklmnop' },
    });
  });

  void test('users without a password have no credentials.password (SPEC-M create examples); recovery question shown without answer', () => {
    const json = toUserJson(
      makeUser({ hasPassword: false, recoveryQuestion: 'Favourite colour?' }),
      ctx,
      false,
    );
    assert.deepEqual(json.credentials, {
      recovery_question: { question: 'Favourite colour?' },
      provider: { type: 'OKTA', name: 'OKTA' },
    });
  });

  void test('§3.5 single GET links depend on status and always include self, schema and type', () => {
    const active = toUserJson(makeUser(), ctx, true)._links;
    assert.ok(active.suspend && active.deactivate && active.resetPassword && active.changePassword);
    assert.equal(active.activate, undefined);
    assert.equal(active.deactivate!.method, 'POST');
    assert.equal(active.schema!.href, 'https://dev-1.okta.com/api/v1/meta/schemas/user/osc1abcdefghijklmnop');
    assert.equal(active.type!.href, 'https://dev-1.okta.com/api/v1/meta/types/user/oty1abcdefghijklmnop');
    const staged = toUserJson(makeUser({ status: 'STAGED' }), ctx, true)._links;
    assert.deepEqual(Object.keys(staged).sort(), ['activate', 'deactivate', 'schema', 'self', 'type']);
    assert.ok(toUserJson(makeUser({ status: 'SUSPENDED' }), ctx, true)._links.unsuspend);
    assert.ok(toUserJson(makeUser({ status: 'LOCKED_OUT' }), ctx, true)._links.unlock);
  });

  void test('the cache serves the same text for the same record and new text for a replaced record or another org URL', () => {
    const cache = new UserJsonCache(ctx.schemaId);
    const user = makeUser();
    const a = cache.single(user, ctx.orgUrl);
    assert.equal(cache.single(user, ctx.orgUrl), a);
    assert.deepEqual(JSON.parse(a), toUserJson(user, ctx, true));
    const changed = { ...user, profile: { ...user.profile, firstName: 'Ada' } };
    assert.match(cache.single(changed, ctx.orgUrl), /"firstName":"Ada"/);
    assert.match(cache.item(user, 'http://127.0.0.1:1'), /http:\/\/127\.0\.0\.1:1\/api\/v1\/users/);
  });

  void test('ETag is weak, 16 hex digits, and changes with the revision', () => {
    const user = makeUser();
    assert.match(userEtag(user), /^W\/"[0-9a-f]{16}"$/);
    assert.equal(userEtag(user), userEtag({ ...user }));
    assert.notEqual(userEtag(user), userEtag({ ...user, revision: 2 }));
  });
});
