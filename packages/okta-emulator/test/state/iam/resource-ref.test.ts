import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseResource, resourceOrn, resourcePath } from '../../../src/state/iam/resource-ref.js';

const ORG_ID = '00o1abcdefghijklmnop';
const GID = '00guaxWZ0AOa5NFAj0g3';

void describe('resource-set resources: REST URL and ORN forms (facts §6.3)', () => {
  void test('§6.3 URL forms: all users, one group object, the members of a group, all groups', () => {
    assert.deepEqual(parseResource('https://x.okta.com/api/v1/users', ORG_ID), { kind: 'users' });
    assert.deepEqual(parseResource(`https://x.okta.com/api/v1/groups/${GID}`, ORG_ID), {
      kind: 'group',
      id: GID,
    });
    assert.deepEqual(parseResource(`https://x.okta.com/api/v1/groups/${GID}/users`, ORG_ID), {
      kind: 'group-members',
      id: GID,
    });
    assert.deepEqual(parseResource('http://127.0.0.1:8080/api/v1/groups', ORG_ID), { kind: 'groups' });
  });

  void test('§6.3 ORN forms, including :contained_resources for members', () => {
    assert.deepEqual(parseResource(`orn:okta:directory:${ORG_ID}:users`, ORG_ID), { kind: 'users' });
    assert.deepEqual(parseResource(`orn:okta:directory:${ORG_ID}:groups:${GID}`, ORG_ID), {
      kind: 'group',
      id: GID,
    });
    assert.deepEqual(
      parseResource(`orn:okta:directory:${ORG_ID}:groups:${GID}:contained_resources`, ORG_ID),
      {
        kind: 'group-members',
        id: GID,
      },
    );
    assert.equal(parseResource(`orn:okta:idp:${ORG_ID}:apps:oidc_client:0oa1abc`, ORG_ID)?.kind, 'other');
  });

  void test('ORNs of another org, unknown collections, queries and junk are refused', () => {
    for (const bad of [
      'orn:okta:directory:00oOTHER:users',
      'https://x.okta.com/api/v1/teapots',
      'https://x.okta.com/api/v1/users?limit=1',
      `https://x.okta.com/api/v1/groups/${GID}/apps`,
      'not a url',
      'ftp://x/api/v1/users',
      `orn:okta:directory:${ORG_ID}:groups:${GID}:members`,
    ]) {
      assert.equal(parseResource(bad, ORG_ID), undefined, bad);
    }
  });

  void test('both forms render back: ORN with partition okta, REST path', () => {
    const members = { kind: 'group-members', id: GID } as const;
    assert.equal(
      resourceOrn(members, ORG_ID),
      `orn:okta:directory:${ORG_ID}:groups:${GID}:contained_resources`,
    );
    assert.equal(resourcePath(members), `/api/v1/groups/${GID}/users`);
  });
});
