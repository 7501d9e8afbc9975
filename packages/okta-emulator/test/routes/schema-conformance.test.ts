import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ValidateFunction } from 'ajv';
import { buildManagementApp, ORG, SSWS, type TestApp } from '../helpers/management-app.js';
import { loadSpecValidators, type SpecValidators } from '../helpers/openapi-schema.js';

const CLIENT = '0oaservice00000000001';
const JSON_SSWS = { ...SSWS, 'content-type': 'application/json' };

function check(v: ValidateFunction, value: unknown, what: string): void {
  const ok = v(value);
  assert.ok(ok, `${what} does not match SPEC-M: ${JSON.stringify(v.errors, null, 1)?.slice(0, 1500)}`);
}

/** Top-level keys of a response must be declared by the component (the spec leaves objects open, so ajv alone would not notice extras). */
function onlyDeclared(spec: SpecValidators, component: string, value: Record<string, unknown>): void {
  const declared = new Set(spec.propertyNames(component));
  for (const key of Object.keys(value))
    assert.ok(declared.has(key), `${component} does not declare "${key}"`);
}

void describe('response schemas conform to SPEC-M management.yaml (ajv)', () => {
  let spec: SpecValidators;
  let t: TestApp;
  before(async () => {
    spec = loadSpecValidators();
    t = await buildManagementApp({ seedUsers: 40, clients: [CLIENT] });
  });
  after(async () => {
    await t.app.close();
  });

  void test('the converter relaxed only what ajv cannot read (recorded for the report)', () => {
    assert.ok(spec.notes.nullable > 0);
    assert.ok(spec.notes.discriminatorsDropped > 0);
    assert.ok(spec.notes.formatsDropped.has('password'));
  });

  void test('§3.5 GET /users items match User; single GET matches UserGetSingleton; keys are declared', async () => {
    const list = JSON.parse(
      (await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS })).body,
    ) as Record<string, unknown>[];
    assert.ok(list.length > 20);
    for (const u of list) {
      check(spec.validator('User'), u, `user ${String(u.id)}`);
      onlyDeclared(spec, 'User', u);
      onlyDeclared(spec, 'UserProfile', u.profile as Record<string, unknown>);
    }
    for (const status of ['ACTIVE', 'STAGED', 'SUSPENDED', 'LOCKED_OUT', 'DEPROVISIONED', 'PROVISIONED']) {
      const user = [...t.state.users.all()].find((u) => u.status === status);
      if (!user) continue;
      const single = JSON.parse(
        (await t.app.inject({ method: 'GET', url: `/api/v1/users/${user.id}`, headers: SSWS })).body,
      ) as Record<string, unknown>;
      check(spec.validator('UserGetSingleton'), single, `single ${status} user`);
      onlyDeclared(spec, 'User', single);
    }
  });

  void test('§3.4 create / update / replace responses match User', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users?activate=false',
      headers: JSON_SSWS,
      payload: {
        profile: {
          firstName: 'Isaac',
          lastName: 'Brock',
          email: 'isaac.brock@example.org',
          login: 'isaac.brock@example.org',
          mobilePhone: '555-415-1337',
        },
        credentials: {
          password: { value: 'tlpWENT2m-long' },
          recovery_question: { question: 'Who?', answer: 'Annie Oakley' },
        },
      },
    });
    const user = JSON.parse(created.body) as Record<string, unknown>;
    check(spec.validator('User'), user, 'created user');
    const updated = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${String(user.id)}`,
      headers: JSON_SSWS,
      payload: { profile: { nickName: null } },
    });
    check(spec.validator('User'), JSON.parse(updated.body), 'updated user');
    const replaced = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${String(user.id)}`,
      headers: JSON_SSWS,
      payload: {
        profile: {
          firstName: 'I',
          lastName: 'B',
          email: 'isaac.brock@example.org',
          login: 'isaac.brock@example.org',
        },
      },
    });
    check(spec.validator('User'), JSON.parse(replaced.body), 'replaced user');
  });

  void test('§6.2/§6.3 IAM roles, permissions, resource sets, resources and bindings match their schemas', async () => {
    const group = t.state.groups.create('spec', null);
    const role = JSON.parse(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/iam/roles',
          headers: JSON_SSWS,
          payload: {
            label: 'spec-role',
            description: 'd',
            permissions: ['okta.users.read', 'okta.users.userprofile.manage'],
          },
        })
      ).body,
    ) as { id: string };
    check(spec.validator('IamRole'), role, 'IamRole');
    check(
      spec.validator('IamRoles'),
      JSON.parse((await t.app.inject({ method: 'GET', url: '/api/v1/iam/roles', headers: SSWS })).body),
      'IamRoles',
    );
    const perms = JSON.parse(
      (await t.app.inject({ method: 'GET', url: `/api/v1/iam/roles/${role.id}/permissions`, headers: SSWS }))
        .body,
    );
    check(spec.validator('Permissions'), perms, 'Permissions');
    const set = JSON.parse(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/iam/resource-sets',
          headers: JSON_SSWS,
          payload: {
            label: 'spec-set',
            description: 'd',
            resources: [
              `${ORG}/api/v1/users`,
              `${ORG}/api/v1/groups/${group.id}/users`,
              `${ORG}/api/v1/groups`,
            ],
          },
        })
      ).body,
    ) as { id: string };
    check(spec.validator('ResourceSet'), set, 'ResourceSet');
    onlyDeclared(spec, 'ResourceSet', set);
    check(
      spec.validator('ResourceSets'),
      JSON.parse(
        (await t.app.inject({ method: 'GET', url: '/api/v1/iam/resource-sets', headers: SSWS })).body,
      ),
      'ResourceSets',
    );
    check(
      spec.validator('ResourceSetResources'),
      JSON.parse(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/iam/resource-sets/${set.id}/resources`,
            headers: SSWS,
          })
        ).body,
      ),
      'ResourceSetResources',
    );
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/iam/resource-sets/${set.id}/resources`,
      headers: JSON_SSWS,
      payload: { additions: [`${ORG}/api/v1/groups/${group.id}`] },
    });
    check(spec.validator('ResourceSet'), JSON.parse(patched.body), 'PATCH resources response');
    const binding = await t.app.inject({
      method: 'POST',
      url: `/api/v1/iam/resource-sets/${set.id}/bindings`,
      headers: JSON_SSWS,
      payload: { role: role.id, members: [`${ORG}/api/v1/groups/${group.id}`] },
    });
    check(spec.validator('ResourceSetBindingEditResponse'), JSON.parse(binding.body), 'binding response');
  });

  void test('§6.1 client role assignments match StandardRole / CustomRole (schema picked by the type discriminator)', async () => {
    const role = t.state.roles.create({
      label: 'assign-spec',
      description: 'd',
      permissions: ['okta.users.read'],
    });
    const set = t.state.resourceSets.create({
      label: 'assign-spec-set',
      description: 'd',
      resources: [`${ORG}/api/v1/users`],
    });
    t.state.assignClientRole(CLIENT, { type: 'READ_ONLY_ADMIN' });
    const custom = await t.app.inject({
      method: 'POST',
      url: `/oauth2/v1/clients/${CLIENT}/roles`,
      headers: JSON_SSWS,
      payload: { type: 'CUSTOM', role: role.id, 'resource-set': set.id },
    });
    check(spec.validator('CustomRole'), JSON.parse(custom.body), 'custom assignment');
    const list = JSON.parse(
      (await t.app.inject({ method: 'GET', url: `/oauth2/v1/clients/${CLIENT}/roles`, headers: SSWS })).body,
    ) as { type: string }[];
    assert.equal(list.length, 2);
    for (const a of list) {
      const component = a.type === 'CUSTOM' ? 'CustomRole' : 'StandardRole';
      check(spec.validator(component), a, `${a.type} assignment`);
      onlyDeclared(spec, component, a as Record<string, unknown>);
    }
  });

  void test('§4 error bodies match ModelError; groups match Group', async () => {
    const err = await t.app.inject({ method: 'GET', url: '/api/v1/users/00uNope', headers: SSWS });
    check(spec.validator('ModelError'), JSON.parse(err.body), 'ModelError');
    onlyDeclared(spec, 'ModelError', JSON.parse(err.body) as Record<string, unknown>);
    const groups = JSON.parse(
      (await t.app.inject({ method: 'GET', url: '/api/v1/groups', headers: SSWS })).body,
    ) as unknown[];
    assert.ok(groups.length > 0);
    for (const g of groups) check(spec.validator('Group'), g, 'Group');
  });
});
