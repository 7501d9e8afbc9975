import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AccessResolver,
  canCreateUser,
  canOnUser,
  grantsFromAssignments,
  hasPermission,
  SUPER_ADMIN_ACCESS,
  userVisibility,
} from '../../src/authz/access.js';
import { grants, impliedBy } from '../../src/state/iam/permissions.js';
import { STANDARD_ROLES } from '../../src/state/iam/standard-roles.js';
import { makeUser } from '../helpers/users.js';
import { testClock, testState } from '../helpers/management-app.js';

void describe('permission implication (facts §6.2)', () => {
  void test('okta.users.manage covers every okta.users.* permission; userprofile.manage does not cover read', () => {
    assert.ok(grants(new Set(['okta.users.manage']), 'okta.users.read'));
    assert.ok(grants(new Set(['okta.users.manage']), 'okta.users.userprofile.manage'));
    assert.ok(grants(new Set(['okta.users.lifecycle.manage']), 'okta.users.lifecycle.delete'));
    assert.ok(!grants(new Set(['okta.users.userprofile.manage']), 'okta.users.read'));
    assert.ok(!grants(new Set(['okta.users.read']), 'okta.users.userprofile.manage'));
    assert.ok(!grants(new Set(['okta.groups.manage']), 'okta.users.read'));
    assert.ok(grants('all', 'anything'));
    assert.deepEqual(impliedBy('okta.groups.read'), ['okta.groups.read', 'okta.groups.manage']);
  });

  void test('standard roles: READ_ONLY_ADMIN reads only; HELP_DESK_ADMIN cannot edit profiles; USER_ADMIN can', () => {
    const ro = STANDARD_ROLES.READ_ONLY_ADMIN.permissions;
    assert.ok(
      grants(ro, 'okta.users.read') &&
        !grants(ro, 'okta.users.userprofile.manage') &&
        !grants(ro, 'okta.users.create'),
    );
    assert.ok(!grants(STANDARD_ROLES.HELP_DESK_ADMIN.permissions, 'okta.users.userprofile.manage'));
    assert.ok(grants(STANDARD_ROLES.USER_ADMIN.permissions, 'okta.users.userprofile.manage'));
    assert.ok(!grants(STANDARD_ROLES.REPORT_ADMIN.permissions, 'okta.users.read'));
  });
});

void describe('access decisions over resource sets (facts §6, §6.3)', () => {
  const state = testState({ clock: testClock(), orgUrl: 'https://x', seed: 1 });
  const inGroup = makeUser({ id: '00uINGROUP0000000000' });
  const single = makeUser({ id: '00uSINGLE00000000000' });
  const other = makeUser({ id: '00uOTHER000000000000' });
  state.users.insert(inGroup);
  state.users.insert(single);
  state.users.insert(other);
  const group = state.groups.create('g', null);
  state.groups.addMember(group.id, inGroup.id);
  const role = state.roles.create({
    label: 'guide',
    description: 'd',
    permissions: ['okta.users.read', 'okta.users.userprofile.manage'],
  });
  const members = state.resourceSets.create({
    label: 'members',
    description: 'd',
    resources: [`https://x/api/v1/groups/${group.id}/users`, `https://x/api/v1/users/${single.id}`],
  });
  const objectOnly = state.resourceSets.create({
    label: 'object',
    description: 'd',
    resources: [`https://x/api/v1/groups/${group.id}`],
  });
  const find = {
    role: (id: string) => state.roles.find(id),
    set: (id: string) => state.resourceSets.find(id),
  };

  void test('§6.3 group members and single users are covered; others are not', () => {
    const access = grantsFromAssignments(
      [{ id: 'irb1', type: 'CUSTOM', role: role.id, resourceSet: members.id, created: '', lastUpdated: '' }],
      find.role,
      find.set,
    );
    assert.equal(access.superAdmin, false);
    assert.ok(canOnUser(access, 'okta.users.read', inGroup, state.groups));
    assert.ok(canOnUser(access, 'okta.users.userprofile.manage', single, state.groups));
    assert.ok(!canOnUser(access, 'okta.users.read', other, state.groups));
    assert.ok(!canOnUser(access, 'okta.users.credentials.manage', inGroup, state.groups));
    const visible = userVisibility(access, 'okta.users.read', state.groups);
    assert.ok(visible !== null);
    assert.deepEqual(
      [inGroup, single, other].filter(visible).map((u) => u.id),
      [inGroup.id, single.id],
    );
    assert.ok(!canCreateUser(access, []));
  });

  void test('§6.3 a set with only the group object grants nothing over members', () => {
    const access = grantsFromAssignments(
      [
        {
          id: 'irb2',
          type: 'CUSTOM',
          role: role.id,
          resourceSet: objectOnly.id,
          created: '',
          lastUpdated: '',
        },
      ],
      find.role,
      find.set,
    );
    assert.ok(hasPermission(access, 'okta.users.read'), 'the permission exists...');
    assert.ok(!canOnUser(access, 'okta.users.read', inGroup, state.groups), '...but covers no user');
    assert.deepEqual(
      [inGroup, single, other].filter(userVisibility(access, 'okta.users.read', state.groups)!),
      [],
    );
  });

  void test('standard roles cover everyone; SUPER_ADMIN flags superAdmin; api-token is Super Admin', () => {
    const ro = grantsFromAssignments(
      [{ id: 'X', type: 'READ_ONLY_ADMIN', created: '', lastUpdated: '' }],
      find.role,
      find.set,
    );
    assert.equal(userVisibility(ro, 'okta.users.read', state.groups), null);
    assert.ok(!ro.superAdmin);
    assert.ok(
      grantsFromAssignments(
        [{ id: 'Y', type: 'SUPER_ADMIN', created: '', lastUpdated: '' }],
        find.role,
        find.set,
      ).superAdmin,
    );
    assert.equal(
      new AccessResolver(state).resolve({ kind: 'api-token', adminUserId: '00u' }),
      SUPER_ADMIN_ACCESS,
    );
  });

  void test('the resolver caches per client and notices new assignments and changed resource sets', () => {
    const resolver = new AccessResolver(state);
    const principal = {
      kind: 'oauth',
      clientId: '0oaCACHE',
      scopes: [],
      scheme: 'Bearer',
      tokenId: 'AT.x',
    } as const;
    const none = resolver.resolve(principal);
    assert.equal(none.grants.length, 0);
    assert.equal(resolver.resolve(principal), none, 'cached');
    const set = state.resourceSets.create({
      label: 'cache',
      description: 'd',
      resources: [`https://x/api/v1/users/${single.id}`],
    });
    state.clientRoles.assign('0oaCACHE', { type: 'CUSTOM', role: role.id, resourceSet: set.id });
    const one = resolver.resolve(principal);
    assert.ok(canOnUser(one, 'okta.users.read', single, state.groups));
    assert.ok(!canOnUser(one, 'okta.users.read', other, state.groups));
    state.resourceSets.addResources(set.id, { additions: [`https://x/api/v1/users/${other.id}`] });
    assert.ok(canOnUser(resolver.resolve(principal), 'okta.users.read', other, state.groups));
  });
});
