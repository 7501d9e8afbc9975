import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testClock, testState } from '../../helpers/management-app.js';

const opts = (seed: number, seedUsers: number) => ({
  clock: testClock(),
  orgUrl: 'https://dev-1.okta.com',
  seed,
  seedUsers,
});

/** The persisted users, groups, roles, sets and assignments of a state. */
const saved = (state: ReturnType<typeof testState>) => JSON.stringify(state.snapshot().management);

void describe('deterministic seeding and state persistence', () => {
  void test('the same seed gives the same users every time; another seed gives others', () => {
    const a = saved(testState(opts(9, 60)));
    const b = saved(testState(opts(9, 60)));
    assert.equal(a, b);
    assert.notEqual(saved(testState(opts(10, 60))), a);
  });

  void test('seeded users: realistic names, first.last@example.com logins (unique), a status mix incl. DEPROVISIONED', () => {
    const state = testState(opts(1, 300));
    const users = [...state.users.all()];
    assert.equal(users.length, 300);
    const logins = new Set(users.map((u) => u.profile.login));
    assert.equal(logins.size, 300);
    for (const u of users) {
      assert.match(u.profile.login!, /^[a-z]+\.[a-z]+\d*@example\.com$/);
      assert.match(u.profile.firstName!, /^[A-Z][a-z]+$/);
      assert.equal(u.profile.email, u.profile.login);
      if (u.status === 'STAGED') assert.equal(u.activated, null);
    }
    const statuses = new Set(users.map((u) => u.status));
    for (const s of ['ACTIVE', 'STAGED', 'DEPROVISIONED']) assert.ok(statuses.has(s as never), s);
    assert.ok(users.filter((u) => u.status === 'ACTIVE').length > 200);
  });

  void test('snapshot() → restore() restores users, groups, roles, sets, assignments and the id sequence', () => {
    const state = testState(opts(4, 10));
    const g = state.groups.create('team', null);
    const first = [...state.users.all()][0]!;
    state.groups.addMember(g.id, first.id);
    const role = state.roles.create({ label: 'r', description: 'd', permissions: ['okta.users.read'] });
    const set = state.resourceSets.create({
      label: 's',
      description: 'd',
      resources: [`https://dev-1.okta.com/api/v1/groups/${g.id}/users`],
    });
    state.clientRoles.assign('0oaX', { type: 'CUSTOM', role: role.id, resourceSet: set.id });
    const loaded = testState(opts(999, 0));
    loaded.restore(state.snapshot());
    assert.equal(saved(loaded), saved(state));
    assert.equal(loaded.users.resolve(first.profile.login!)?.id, first.id);
    assert.ok(loaded.groups.groupsOf(first.id)?.has(g.id));
    const nextA = state.users.create({
      profile: { login: 'n.a@example.com', email: 'n.a@example.com', firstName: 'N', lastName: 'A' },
      activate: false,
    });
    const nextB = loaded.users.create({
      profile: { login: 'n.a@example.com', email: 'n.a@example.com', firstName: 'N', lastName: 'A' },
      activate: false,
    });
    assert.equal(nextA.id, nextB.id, 'the id sequence continues after a reload');
    assert.throws(
      () => testState(opts(1, 0)).restore({ ...state.snapshot(), management: '{"version":2}' }),
      /not a saved okta-emulator state/,
    );
  });

  void test('reset() returns to the seeded users and drops everything else', () => {
    const state = testState(opts(6, 12));
    const before = JSON.stringify(state.users);
    state.users.create({
      profile: { login: 'x.y@example.com', email: 'x.y@example.com', firstName: 'X', lastName: 'Y' },
      activate: true,
    });
    state.roles.create({ label: 'r', description: 'd', permissions: ['okta.users.read'] });
    state.reset();
    assert.equal(JSON.stringify(state.users), before);
    assert.equal(state.roles.all().length, 0);
    assert.equal(state.seedMore(5), 17);
  });
});
