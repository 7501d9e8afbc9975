import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { adminCall, appEnv, json, runCli } from './helpers/run-cli.js';

let emu: RunningEmulator;
let env: Record<string, string>;
before(async () => {
  emu = await startEmulator({ seedUsers: 45, seed: 9 });
  env = (await appEnv(emu, { dpop: true })).env;
});
after(() => emu.close());

type User = { id: string; status: string; profile: Record<string, string> };

test('users list: one page by default, --all follows every page, in json, ndjson, csv and table', async () => {
  const page = await runCli(['users', 'list', '--limit', '10', '--json'], { env });
  assert.equal(page.code, 0, page.stderr);
  assert.equal(json<User[]>(page).length, 10);

  // Okta's unfiltered listing leaves out DEPROVISIONED users: count what the admin API lists.
  const expected = (await adminCall<User[]>(emu, 'GET', '/api/v1/users?limit=200')).length;
  assert.ok(expected > 14, 'several pages of 7');
  const all = await runCli(['users', 'list', '--all', '--limit', '7', '--json'], { env });
  const users = json<User[]>(all);
  assert.equal(users.length, expected);
  assert.equal(new Set(users.map((u) => u.id)).size, expected, 'no duplicates across pages');
  assert.equal(all.stderr, '', 'no progress line when stderr is not a terminal');

  const nd = await runCli(['users', 'list', '--all', '--ndjson'], { env });
  const lines = nd.stdout.trim().split('\n');
  assert.equal(lines.length, expected);
  assert.ok(lines.every((l) => typeof (JSON.parse(l) as User).id === 'string'));

  const csv = await runCli(['users', 'list', '--all', '--csv'], { env });
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'id,login,email,firstName,lastName,status');
  assert.equal(rows.length, expected + 1);

  const table = await runCli(['users', 'list', '--limit', '3'], { env });
  assert.equal(table.code, 0);
  assert.match(table.stdout, /login/);
  assert.match(table.stderr, /3 users \(first page/);
});

test('users list --filter and --search pass through; bad options are usage errors', async () => {
  const active = json<User[]>(
    await runCli(['users', 'list', '--all', '--filter', 'status eq "ACTIVE"', '--json'], { env }),
  );
  assert.ok(active.length > 0 && active.every((u) => u.status === 'ACTIVE'));
  const first = active[0]!;
  const found = json<User[]>(
    await runCli(['users', 'list', '--search', `profile.login eq "${first.profile.login}"`, '--json'], {
      env,
    }),
  );
  assert.deepEqual(
    found.map((u) => u.id),
    [first.id],
  );
  for (const args of [['--limit', '0'], ['--limit', 'x'], ['--json', '--csv'], ['--bogus']]) {
    const run = await runCli(['users', 'list', ...args], { env });
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /fix:/);
  }
});

test('users get by id and by login; an unknown user is exit 5', async () => {
  const [first] = json<User[]>(await runCli(['users', 'list', '--limit', '1', '--json'], { env }));
  const byId = json<User>(await runCli(['users', 'get', first!.id, '--json'], { env }));
  assert.equal(byId.id, first!.id);
  const byLogin = json<User>(await runCli(['users', 'get', first!.profile.login!, '--json'], { env }));
  assert.equal(byLogin.id, first!.id);
  const text = await runCli(['users', 'get', first!.id], { env });
  assert.match(text.stdout, new RegExp(first!.profile.login!.replace(/\./g, '\\.')));
  const missing = await runCli(['users', 'get', '00unothere', '--json'], { env });
  assert.equal(missing.code, 5);
  assert.equal(json<{ error: { code: string } }>(missing).error.code, 'OKTA_M2M_OKTA_API');
  const noArg = await runCli(['users', 'get'], { env });
  assert.equal(noArg.code, 2);
});

test('users set-name changes only the first and last name', async () => {
  const [user] = json<User[]>(await runCli(['users', 'list', '--limit', '1', '--json'], { env }));
  const before = await adminCall<User>(emu, 'GET', `/api/v1/users/${user!.id}`);
  const run = await runCli(
    ['users', 'set-name', user!.id, '--first', 'Ada', '--last', 'Lovelace', '--json'],
    { env },
  );
  assert.equal(run.code, 0, run.stderr);
  const after = await adminCall<User>(emu, 'GET', `/api/v1/users/${user!.id}`);
  assert.deepEqual(after.profile, { ...before.profile, firstName: 'Ada', lastName: 'Lovelace' });
  const missing = await runCli(['users', 'set-name', user!.id, '--first', 'Ada'], { env });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs --last/);
});

test('users list without an admin role: exit 4 with the role named in the fix', async () => {
  const { env: noRole } = await appEnv(emu, { dpop: false, role: 'none' });
  const run = await runCli(['users', 'list', '--json'], { env: noRole });
  assert.equal(run.code, 4);
  const out = json<{ error: { message: string; hint: string } }>(run);
  assert.match(out.error.message, /E0000006/);
  assert.match(out.error.hint, /role/);
});
