import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseResource, resourceOrn, resourcePath } from '../../../src/state/iam/resource-ref.js';

const ORG_ID = '00o1abcdefghijklmnop';
const GID = '00guaxWZ0AOa5NFAj0g3';
const ORG = { orgId: ORG_ID, orgUrl: 'https://x.okta.com' };

void describe('resource-set resources: REST URL and ORN forms (facts §6.3)', () => {
  void test('§6.3 URL forms: all users, one group object, the members of a group, all groups', () => {
    assert.deepEqual(parseResource('https://x.okta.com/api/v1/users', ORG), { kind: 'users' });
    assert.deepEqual(parseResource(`https://x.okta.com/api/v1/groups/${GID}`, ORG), {
      kind: 'group',
      id: GID,
    });
    assert.deepEqual(parseResource(`https://x.okta.com/api/v1/groups/${GID}/users`, ORG), {
      kind: 'group-members',
      id: GID,
    });
    assert.deepEqual(parseResource('https://x.okta.com/api/v1/groups', ORG), { kind: 'groups' });
  });

  void test('§6.3 ORN forms, including :contained_resources for members', () => {
    assert.deepEqual(parseResource(`orn:okta:directory:${ORG_ID}:users`, ORG), { kind: 'users' });
    assert.deepEqual(parseResource(`orn:okta:directory:${ORG_ID}:groups:${GID}`, ORG), {
      kind: 'group',
      id: GID,
    });
    assert.deepEqual(parseResource(`orn:okta:directory:${ORG_ID}:groups:${GID}:contained_resources`, ORG), {
      kind: 'group-members',
      id: GID,
    });
    assert.equal(parseResource(`orn:okta:idp:${ORG_ID}:apps:oidc_client:0oa1abc`, ORG)?.kind, 'other');
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
      assert.equal(parseResource(bad, ORG), undefined, bad);
    }
  });

  void test("URLs of another host, with dot segments or credentials are not this org's resources", () => {
    for (const bad of [
      'http://evil.example/api/v1/users',
      'https://x.okta.com.evil.example/api/v1/users',
      'https://x.okta.com:8443/api/v1/users',
      'https://x.okta.com/api/v1/users/../apps',
      'https://x.okta.com/api/v1/users/%2e%2e/apps',
      'https://x.okta.com/api/v1/./users',
      'https://user:pw@x.okta.com/api/v1/users',
    ]) {
      assert.equal(parseResource(bad, ORG), undefined, bad);
    }
    assert.deepEqual(parseResource('https://X.OKTA.COM/api/v1/users', ORG), { kind: 'users' });
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
