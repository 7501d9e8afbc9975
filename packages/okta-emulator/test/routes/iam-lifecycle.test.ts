import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArgs, UsageError } from '../../src/cli-args.js';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

void describe('IAM: custom role replace and permissions; resource set replace, resources, binding members', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      headers:
        payload === undefined && (method === 'POST' || method === 'PUT')
          ? { ...admin, 'content-length': '0' }
          : admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const ORG = () => h.emu.orgUrl;
  const role = async (label: string, permissions = ['okta.groups.read']) =>
    (await inject('POST', '/api/v1/iam/roles', { label, description: label, permissions })).json() as Json;
  const set = async (label: string) =>
    (
      await inject('POST', '/api/v1/iam/resource-sets', {
        label,
        description: label,
        resources: [`${ORG()}/api/v1/users`],
      })
    ).json() as Json;

  void test('PUT /iam/roles/{id} replaces label and description; DELETE → 204 then 404', async () => {
    const r = await role('replace-role');
    const res = await inject('PUT', `/api/v1/iam/roles/${r.id}`, {
      label: 'replace-role',
      description: 'Updated description',
    });
    assert.equal(res.statusCode, 200);
    const got = (await inject('GET', `/api/v1/iam/roles/${r.id}`)).json() as Json;
    assert.equal(got.description, 'Updated description');
    const blank = await inject('PUT', `/api/v1/iam/roles/${r.id}`, { label: '' });
    assert.equal(blank.statusCode, 400);
    assert.equal((await inject('DELETE', `/api/v1/iam/roles/${r.id}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/iam/roles/${r.id}`)).statusCode, 404);
  });

  void test('permissions: create (204) with conditions, list, delete; an unknown permission is E0000001', async () => {
    const r = await role('perm-role');
    const created = await inject('POST', `/api/v1/iam/roles/${r.id}/permissions/okta.users.read`, {
      conditions: { include: { 'okta:ResourceAttribute/User/Profile': ['city', 'state'] } },
    });
    assert.equal(created.statusCode, 204);
    let list = ((await inject('GET', `/api/v1/iam/roles/${r.id}/permissions`)).json() as Json)
      .permissions as Json[];
    assert.deepEqual(list.map((p) => p.label).sort(), ['okta.groups.read', 'okta.users.read']);
    assert.deepEqual(list.find((p) => p.label === 'okta.users.read')!.conditions, {
      include: { 'okta:ResourceAttribute/User/Profile': ['city', 'state'] },
    });
    assert.equal(
      (await inject('DELETE', `/api/v1/iam/roles/${r.id}/permissions/okta.groups.read`)).statusCode,
      204,
    );
    list = ((await inject('GET', `/api/v1/iam/roles/${r.id}/permissions`)).json() as Json)
      .permissions as Json[];
    assert.deepEqual(
      list.map((p) => p.label),
      ['okta.users.read'],
    );
    const unknown = await inject('POST', `/api/v1/iam/roles/${r.id}/permissions/okta.nothing.here`);
    assert.equal(unknown.statusCode, 400);
    const last = await inject('DELETE', `/api/v1/iam/roles/${r.id}/permissions/okta.users.read`);
    assert.equal(last.statusCode, 400, 'a custom role keeps at least one permission');
  });

  void test('PUT /iam/resource-sets/{id} replaces label and description; DELETE → 204 then 404', async () => {
    const s = await set('replace-set');
    const res = await inject('PUT', `/api/v1/iam/resource-sets/${s.id}`, {
      label: 'replace-set',
      description: 'Updated description',
    });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as Json).description, 'Updated description');
    assert.equal((await inject('DELETE', `/api/v1/iam/resource-sets/${s.id}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/iam/resource-sets/${s.id}`)).statusCode, 404);
  });

  void test('resources: add one with conditions, replace its conditions, list, delete', async () => {
    const s = await set('resource-set-resources');
    const org = (await inject('GET', '/api/v1/org')).json() as Json;
    const added = await inject('POST', `/api/v1/iam/resource-sets/${s.id}/resources`, {
      resourceOrnOrUrl: `${ORG()}/api/v1/groups`,
      conditions: { Exclude: { okta_ORN: [] } },
    });
    assert.equal(added.statusCode, 200);
    const resource = added.json() as Json;
    assert.equal(resource.orn, `orn:okta:directory:${org.id}:groups`);
    const replaced = await inject('PUT', `/api/v1/iam/resource-sets/${s.id}/resources/${resource.id}`, {
      conditions: { Exclude: { okta_ORN: [`orn:okta:directory:${org.id}:groups:00g1`] } },
    });
    assert.equal(replaced.statusCode, 200);
    assert.deepEqual((replaced.json() as Json).conditions.Exclude.okta_ORN, [
      `orn:okta:directory:${org.id}:groups:00g1`,
    ]);
    let list = ((await inject('GET', `/api/v1/iam/resource-sets/${s.id}/resources`)).json() as Json)
      .resources as Json[];
    assert.equal(list.length, 2);
    assert.equal(
      (await inject('DELETE', `/api/v1/iam/resource-sets/${s.id}/resources/${resource.id}`)).statusCode,
      204,
    );
    list = ((await inject('GET', `/api/v1/iam/resource-sets/${s.id}/resources`)).json() as Json)
      .resources as Json[];
    assert.equal(list.length, 1);
  });

  void test('binding members: list, get, remove one, add two', async () => {
    const s = await set('binding-members');
    const r = await role('binding-role', ['okta.users.read']);
    const g1 = ((await inject('POST', '/api/v1/groups', { profile: { name: 'bind-1' } })).json() as Json).id;
    const g2 = ((await inject('POST', '/api/v1/groups', { profile: { name: 'bind-2' } })).json() as Json).id;
    await inject('POST', `/api/v1/iam/resource-sets/${s.id}/bindings`, {
      role: r.id,
      members: [`${ORG()}/api/v1/groups/${g1}`],
    });
    const base = `/api/v1/iam/resource-sets/${s.id}/bindings/${r.id}/members`;
    let members = ((await inject('GET', base)).json() as Json).members as Json[];
    assert.equal(members.length, 1);
    assert.match(members[0]!.id, /^irb/);
    assert.ok(String(members[0]!._links.self.href).includes(g1));
    const one = (await inject('GET', `${base}/${members[0]!.id}`)).json() as Json;
    assert.ok(String(one._links.self.href).includes(g1));
    assert.equal((await inject('DELETE', `${base}/${members[0]!.id}`)).statusCode, 204);
    assert.deepEqual(((await inject('GET', base)).json() as Json).members, []);
    const patched = await inject('PATCH', base, {
      additions: [`${ORG()}/api/v1/groups/${g2}`, `${ORG()}/api/v1/groups/${g1}`],
    });
    assert.equal(patched.statusCode, 200);
    members = ((await inject('GET', base)).json() as Json).members as Json[];
    assert.deepEqual(
      members.map((m) => m._links.self.href).sort(),
      [`${ORG()}/api/v1/groups/${g1}`, `${ORG()}/api/v1/groups/${g2}`].sort(),
    );
    assert.equal((await inject('GET', `${base}/irbNOSUCHMEMBER00000`)).statusCode, 404);
  });

  void test('GET /api/v1/org: the org id the ORNs use, its subdomain and status', async () => {
    const res = await inject('GET', '/api/v1/org');
    assert.equal(res.statusCode, 200);
    const org = res.json() as Json;
    assert.match(org.id, /^00o/);
    assert.equal(org.status, 'ACTIVE');
    assert.equal(typeof org.subdomain, 'string');
  });
});

void describe('ORN partition of a preview org', () => {
  void test('ornPartition oktapreview: resource ORNs and app ORNs use it; --orn-partition parses', async () => {
    const h = await harness({ ornPartition: 'oktapreview' });
    try {
      const admin = { authorization: `SSWS ${h.emu.adminToken}` };
      const set = (
        await h.emu.app.inject({
          method: 'POST',
          url: '/api/v1/iam/resource-sets',
          headers: admin,
          payload: { label: 'p', description: 'p', resources: [`${h.emu.orgUrl}/api/v1/users`] },
        })
      ).json() as Json;
      const org = (
        await h.emu.app.inject({ method: 'GET', url: '/api/v1/org', headers: admin })
      ).json() as Json;
      const resources = (
        await h.emu.app.inject({
          method: 'GET',
          url: `/api/v1/iam/resource-sets/${set.id}/resources`,
          headers: admin,
        })
      ).json() as Json;
      assert.equal(resources.resources[0].orn, `orn:oktapreview:directory:${org.id}:users`);
    } finally {
      await h.close();
    }
    assert.equal(parseCliArgs(['--orn-partition', 'oktapreview']).ornPartition, 'oktapreview');
    assert.throws(() => parseCliArgs(['--orn-partition', 'mars']), UsageError);
  });
});
