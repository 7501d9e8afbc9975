import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ENV_VARIABLES } from 'okta-m2m/core';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { adminCall, json, runCli, tempDir } from './helpers/run-cli.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 6, seed: 5 });
});
after(() => emu.close());

type SetupJson = {
  changed: boolean;
  dryRun: boolean;
  clientId: string;
  keyId: string;
  privateKeyPath: string;
  dpop: boolean;
  steps: { step: string; action: string }[];
  env: Record<string, string>;
};

/** Everything setup creates, counted through the admin API. */
async function inventory(label: string): Promise<Record<string, unknown>> {
  const apps = (
    await adminCall<Record<string, unknown>[]>(emu, 'GET', `/api/v1/apps?q=${encodeURIComponent(label)}`)
  ).filter((a) => a.label === label);
  const app = apps[0] as
    { id: string; settings: { oauthClient: { dpop_bound_access_tokens: boolean } } } | undefined;
  const roles = (await adminCall<{ roles: { label: string }[] }>(emu, 'GET', '/api/v1/iam/roles')).roles;
  const sets = (
    await adminCall<{ 'resource-sets': { label: string }[] }>(emu, 'GET', '/api/v1/iam/resource-sets')
  )['resource-sets'];
  return {
    apps: apps.length,
    keys: app
      ? (await adminCall<{ keys: unknown[] }>(emu, 'GET', `/api/v1/apps/${app.id}/credentials/jwks`)).keys
          .length
      : 0,
    grants: app
      ? (await adminCall<{ scopeId: string }[]>(emu, 'GET', `/api/v1/apps/${app.id}/grants`))
          .map((g) => g.scopeId)
          .sort()
      : [],
    roles: roles.filter((r) => r.label.startsWith(label)).length,
    resourceSets: sets.filter((s) => s.label.startsWith(label)).length,
    assignments: app
      ? (await adminCall<unknown[]>(emu, 'GET', `/oauth2/v1/clients/${app.id}/roles`)).length
      : 0,
    dpop: app?.settings.oauthClient.dpop_bound_access_tokens,
  };
}

test('setup creates the app, key, grants, role, resource set and assignment; a second run changes nothing', async () => {
  const dir = tempDir();
  const env = { OKTA_DOMAIN: emu.url, OKTA_API_TOKEN: emu.adminToken };
  const first = await runCli(['setup', '--name', 'billing sync', '--json'], { env, cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const a = json<SetupJson>(first);
  assert.equal(a.changed, true);
  assert.equal(a.dpop, true, "Okta's default: DPoP on");
  assert.equal(a.privateKeyPath, join(dir, 'billing-sync.pem'));
  assert.equal(statSync(a.privateKeyPath).mode & 0o777, 0o600);
  const variables = Object.values(ENV_VARIABLES) as string[];
  assert.ok(
    Object.keys(a.env).every((k) => variables.includes(k)),
    `only fromEnv() variables: ${Object.keys(a.env).join(' ')}`,
  );
  assert.equal(a.env.OKTA_CLIENT_ID, a.clientId);
  assert.equal(a.env.OKTA_KEY_ID, a.keyId);
  assert.equal(a.env.OKTA_PRIVATE_KEY_PATH, a.privateKeyPath);
  const after1 = await inventory('billing sync');
  assert.deepEqual(after1, {
    apps: 1,
    keys: 1,
    grants: ['okta.users.manage', 'okta.users.read'],
    roles: 1,
    resourceSets: 1,
    assignments: 1,
    dpop: true,
  });

  const second = await runCli(['setup', '--name', 'billing sync', '--json'], { env, cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  const b = json<SetupJson>(second);
  assert.equal(b.changed, false);
  assert.ok(
    b.steps.every((s) => s.action === 'exists'),
    JSON.stringify(b.steps),
  );
  assert.equal(b.clientId, a.clientId);
  assert.equal(b.keyId, a.keyId);
  assert.deepEqual(await inventory('billing sync'), after1, 'nothing duplicated');
  const text = await runCli(['setup', '--name', 'billing sync'], { env, cwd: dir });
  assert.match(text.stdout, /nothing changed/);
  assert.match(text.stdout, new RegExp(`export OKTA_CLIENT_ID=${a.clientId}`));

  // The environment it printed configures a working client.
  const token = await runCli(['token', '--json'], { env: a.env, cwd: dir });
  assert.equal(token.code, 0, token.stderr);
  assert.equal(json<{ tokenType: string }>(token).tokenType, 'DPoP');
  const users = await runCli(['users', 'list', '--json'], { env: a.env, cwd: dir });
  assert.equal(users.code, 0, users.stderr);

  // --no-dpop switches the existing app, and only that.
  const off = json<SetupJson>(
    await runCli(['setup', '--name', 'billing sync', '--no-dpop', '--json'], { env, cwd: dir }),
  );
  assert.deepEqual(
    off.steps.filter((s) => s.action !== 'exists').map((s) => s.step),
    ['dpop'],
  );
  assert.equal((await inventory('billing sync')).dpop, false);
  const bearer = await runCli(['token', '--json'], { env: off.env, cwd: dir });
  assert.equal(json<{ tokenType: string }>(bearer).tokenType, 'Bearer');
});

test('setup --dry-run prints the plan and changes nothing', async () => {
  const dir = tempDir();
  const env = { OKTA_DOMAIN: emu.url, OKTA_API_TOKEN: emu.adminToken };
  const run = await runCli(['setup', '--name', 'dry app', '--dry-run', '--json'], { env, cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const plan = json<SetupJson>(run);
  assert.equal(plan.dryRun, true);
  assert.ok(plan.steps.some((s) => s.step === 'app' && s.action === 'create'));
  assert.equal(existsSync(join(dir, 'dry-app.pem')), false, 'no key written');
  assert.deepEqual(await inventory('dry app'), {
    apps: 0,
    keys: 0,
    grants: [],
    roles: 0,
    resourceSets: 0,
    assignments: 0,
    dpop: undefined,
  });
  const text = await runCli(['setup', '--name', 'dry app', '--dry-run'], { env, cwd: dir });
  assert.match(text.stdout, /dry run: nothing changed/);
});

test('setup --group limits the resource set to the group members', async () => {
  const users = await adminCall<{ id: string }[]>(emu, 'GET', '/api/v1/users?limit=3');
  const group = await adminCall<{ id: string }>(emu, 'POST', '/api/v1/groups', {
    profile: { name: 'Billing' },
  });
  await adminCall(emu, 'PUT', `/api/v1/groups/${group.id}/users/${users[0]!.id}`);
  const dir = tempDir();
  const env = { OKTA_DOMAIN: emu.url, OKTA_API_TOKEN: emu.adminToken };
  const run = await runCli(['setup', '--name', 'grouped', '--group', 'Billing', '--no-dpop', '--json'], {
    env,
    cwd: dir,
  });
  assert.equal(run.code, 0, run.stderr);
  const out = json<SetupJson>(run);
  const listed = json<{ id: string }[]>(
    await runCli(['users', 'list', '--json'], { env: out.env, cwd: dir }),
  );
  assert.deepEqual(
    listed.map((u) => u.id),
    [users[0]!.id],
  );
  const outside = await runCli(['users', 'get', users[1]!.id], { env: out.env, cwd: dir });
  assert.equal(outside.code, 4);
  const unknown = await runCli(['setup', '--name', 'grouped2', '--group', 'Nope'], { env, cwd: dir });
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /No group "Nope"/);
});

test('setup without OKTA_API_TOKEN or org URL is a config error; a bad token is an auth error', async () => {
  const noToken = await runCli(['setup', '--org-url', emu.url, '--json']);
  assert.equal(noToken.code, 3);
  assert.match(json<{ error: { message: string } }>(noToken).error.message, /OKTA_API_TOKEN/);
  const noOrg = await runCli(['setup'], { env: { OKTA_API_TOKEN: 'x' } });
  assert.equal(noOrg.code, 3);
  assert.match(noOrg.stderr, /OKTA_DOMAIN/);
  const badToken = await runCli(['setup', '--org-url', emu.url], { env: { OKTA_API_TOKEN: 'not-a-token' } });
  assert.equal(badToken.code, 4);
  assert.doesNotMatch(badToken.stderr, /not-a-token/, 'the token is never printed');
});
