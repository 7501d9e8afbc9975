import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { adminCall, appEnv, json, runCli } from './helpers/run-cli.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 6, seed: 11 });
});
after(() => emu.close());

type Report = {
  ok: boolean;
  findings: { check: string; status: string; message: string; hint: string | null }[];
};

async function doctor(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; report: Report; text: string }> {
  const run = await runCli(['doctor', '--json', ...args], { env });
  const text = await runCli(['doctor', ...args], { env });
  assert.equal(text.code, run.code, 'text and JSON runs agree');
  return { code: run.code, report: json<Report>(run), text: text.stdout };
}

function finding(report: Report, check: string) {
  const f = report.findings.find((x) => x.check === check);
  assert.ok(f, `no ${check} finding in ${JSON.stringify(report.findings.map((x) => x.check))}`);
  return f;
}

function failed(report: Report): string[] {
  return report.findings.filter((f) => f.status === 'fail').map((f) => f.check);
}

async function aUser(): Promise<{
  id: string;
  profile: { firstName: string; lastName: string; email: string };
}> {
  const users = await adminCall<
    { id: string; profile: { firstName: string; lastName: string; email: string } }[]
  >(emu, 'GET', '/api/v1/users?limit=5');
  return users[2]!;
}

test('doctor on a healthy set-up: every check passes, in order, and the write probe restores the name', async () => {
  const { env } = await appEnv(emu, { dpop: true });
  const user = await aUser();
  const { code, report, text } = await doctor(
    { ...env, OKTA_API_TOKEN: emu.adminToken },
    '--user',
    user.id,
    '--write-probe',
    user.id,
  );
  assert.equal(code, 0, JSON.stringify(report, null, 2));
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.findings.map((f) => f.check),
    [
      'config',
      'key',
      'endpoint',
      'clock',
      'registered-key',
      'token',
      'dpop',
      'scopes',
      'admin-role',
      'resource-set',
      'read-probe',
      'read-user',
      'write-probe',
    ],
  );
  assert.ok(report.findings.every((f) => f.status === 'pass'));
  assert.match(finding(report, 'token').message, /DPoP token/);
  const after = await adminCall<typeof user>(emu, 'GET', `/api/v1/users/${user.id}`);
  assert.deepEqual(after.profile, user.profile, 'write probe restored the profile');
  assert.match(text, /^PASS {2}config/m);
  assert.match(text, /No problem found/);
});

test('doctor with missing settings reports every problem at once (exit 3)', async () => {
  const { code, report } = await doctor({ OKTA_DPOP: 'maybe' });
  assert.equal(code, 3);
  const messages = report.findings
    .filter((f) => f.check === 'config' && f.status === 'fail')
    .map((f) => f.message);
  for (const v of ['OKTA_DOMAIN', 'OKTA_CLIENT_ID', 'OKTA_PRIVATE_KEY', 'OKTA_DPOP']) {
    assert.ok(
      messages.some((m) => m.includes(v)),
      `${v} in ${messages.join(' | ')}`,
    );
  }
});

test('doctor: key file mode 0644 (exit 3, chmod fix)', async () => {
  const { env, keyPath } = await appEnv(emu, { dpop: false });
  chmodSync(keyPath, 0o644);
  const { code, report } = await doctor(env);
  assert.equal(code, 3);
  assert.deepEqual(failed(report), ['key']);
  assert.match(finding(report, 'key').hint ?? '', /chmod 600/);
});

test('doctor: wrong kid, told apart from the key of another app', async () => {
  const { env } = await appEnv(emu, { dpop: false });
  const wrongKid = await doctor({ ...env, OKTA_KEY_ID: 'old-kid', OKTA_API_TOKEN: emu.adminToken });
  assert.equal(wrongKid.code, 3);
  assert.match(finding(wrongKid.report, 'registered-key').message, /Wrong kid/);
  assert.match(
    finding(wrongKid.report, 'registered-key').hint ?? '',
    new RegExp(`OKTA_KEY_ID=${env.OKTA_KEY_ID}`),
  );
  assert.equal(finding(wrongKid.report, 'token').status, 'fail');
  assert.match(finding(wrongKid.report, 'token').message, /kid is invalid/);

  const other = await appEnv(emu, { dpop: false });
  const foreign = await doctor({
    ...env,
    OKTA_PRIVATE_KEY_PATH: other.keyPath,
    OKTA_API_TOKEN: emu.adminToken,
  });
  assert.equal(foreign.code, 3);
  assert.match(finding(foreign.report, 'registered-key').message, /Neither the kid|does not match/);
  assert.equal(finding(foreign.report, 'token').status, 'fail');

  // Same kid, another key: the public key under that kid differs.
  const swapped = await doctor({
    ...env,
    OKTA_PRIVATE_KEY_PATH: other.keyPath,
    OKTA_KEY_ID: env.OKTA_KEY_ID!,
    OKTA_API_TOKEN: emu.adminToken,
  });
  assert.match(
    finding(swapped.report, 'registered-key').message,
    /does not match the public key registered under kid/,
  );
  assert.match(finding(swapped.report, 'token').message, /signature is invalid/);

  // Without the admin token the comparison is skipped, and the token request still explains the refusal.
  const noAdmin = await doctor({ ...env, OKTA_KEY_ID: 'old-kid' });
  assert.equal(finding(noAdmin.report, 'registered-key').status, 'skip');
  assert.equal(noAdmin.code, 4);
  assert.match(finding(noAdmin.report, 'token').hint ?? '', /OKTA_KEY_ID/);
});

test('doctor: a scope not granted', async () => {
  const { env } = await appEnv(emu, { dpop: false, scopes: ['okta.users.read'] });
  const user = await aUser();
  const { code, report } = await doctor({ ...env, OKTA_API_TOKEN: emu.adminToken }, '--write-probe', user.id);
  assert.equal(code, 4);
  assert.match(finding(report, 'scopes').message, /not granted to the app: okta\.users\.manage/);
  assert.match(finding(report, 'write-probe').message, /insufficient_scope.*okta\.users\.manage/);
  assert.equal(finding(report, 'admin-role').status, 'pass', 'told apart from a role problem');
  assert.equal(finding(report, 'read-probe').status, 'pass');
});

test('doctor: no admin role', async () => {
  const { env } = await appEnv(emu, { dpop: false, role: 'none' });
  const withAdmin = await doctor({ ...env, OKTA_API_TOKEN: emu.adminToken });
  assert.equal(withAdmin.code, 4);
  assert.deepEqual(failed(withAdmin.report), ['admin-role', 'read-probe']);
  assert.match(finding(withAdmin.report, 'admin-role').message, /No admin role/);
  assert.equal(finding(withAdmin.report, 'scopes').status, 'pass', 'told apart from a scope problem');
  const probesOnly = await doctor(env);
  assert.deepEqual(failed(probesOnly.report), ['read-probe']);
  assert.match(
    finding(probesOnly.report, 'read-probe').message,
    /E0000006 on the user listing: the app has no admin role/,
  );
});

test('doctor: a resource set that does not cover the user', async () => {
  const users = await adminCall<{ id: string }[]>(emu, 'GET', '/api/v1/users?limit=3');
  const group = await adminCall<{ id: string }>(emu, 'POST', '/api/v1/groups', {
    profile: { name: 'Doctor group' },
  });
  await adminCall(emu, 'PUT', `/api/v1/groups/${group.id}/users/${users[0]!.id}`);
  const { env } = await appEnv(emu, { dpop: false, resourceSet: { groupId: group.id } });
  const outside = users[1]!.id;
  const withAdmin = await doctor({ ...env, OKTA_API_TOKEN: emu.adminToken }, '--user', outside);
  assert.equal(withAdmin.code, 4);
  assert.deepEqual(failed(withAdmin.report), ['resource-set', 'read-user']);
  assert.equal(finding(withAdmin.report, 'admin-role').status, 'pass');
  assert.match(finding(withAdmin.report, 'resource-set').message, /does not cover/);
  const probesOnly = await doctor(env, '--user', outside);
  assert.deepEqual(failed(probesOnly.report), ['read-user']);
  assert.match(finding(probesOnly.report, 'read-user').message, /resource set does not cover this user/);
  const inside = await doctor({ ...env, OKTA_API_TOKEN: emu.adminToken }, '--user', users[0]!.id);
  assert.equal(inside.code, 0, JSON.stringify(inside.report));
});

test('doctor: DPoP required by the app but turned off', async () => {
  const { env } = await appEnv(emu, { dpop: true });
  const { code, report } = await doctor({ ...env, OKTA_DPOP: 'false' });
  assert.equal(code, 4);
  assert.deepEqual(failed(report), ['token', 'dpop']);
  assert.match(finding(report, 'dpop').message, /requires DPoP-bound tokens, but DPoP is turned off/);
  assert.match(finding(report, 'dpop').hint ?? '', /OKTA_DPOP=auto/);
});

test('doctor: the clock 10 minutes off', async () => {
  const { env } = await appEnv(emu, { dpop: false });
  emu.clock.advance(10 * 60_000);
  try {
    const { code, report } = await doctor(env);
    assert.equal(code, 4);
    assert.match(finding(report, 'clock').message, /(59\d|60\d) s behind the server/);
    assert.match(finding(report, 'clock').hint ?? '', /NTP/);
    // The library corrects its assertion time from the server's Date header, so a token is still obtained.
    assert.equal(finding(report, 'token').status, 'pass', JSON.stringify(report));
  } finally {
    emu.clock.advance(-10 * 60_000);
  }
});

test('doctor: the server down (exit 6)', async () => {
  const down = await startEmulator({ seedUsers: 1 });
  const { env } = await appEnv(down, { dpop: false });
  await down.close();
  const { code, report } = await doctor(env);
  assert.equal(code, 6);
  assert.deepEqual(failed(report), ['endpoint']);
  assert.match(finding(report, 'endpoint').message, /Cannot reach/);
});

test('doctor never prints the key, a token or the admin token', async () => {
  const { env } = await appEnv(emu, { dpop: true });
  const run = await runCli(['doctor', '--json'], { env: { ...env, OKTA_API_TOKEN: emu.adminToken } });
  assert.doesNotMatch(run.stdout + run.stderr, /eyJ|PRIVATE KEY/);
  assert.ok(!(run.stdout + run.stderr).includes(emu.adminToken));
});
