import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { appEnv, json, runCli } from './helpers/run-cli.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 5, seed: 3 });
});
after(() => emu.close());

test('token prints type, expiry and scopes, never the token unless --show-token', async () => {
  const { env } = await appEnv(emu, { dpop: false });
  const run = await runCli(['token', '--json'], { env });
  assert.equal(run.code, 0, run.stderr);
  const out = json<{ tokenType: string; expiresAt: string; scopes: string[]; accessToken?: string }>(run);
  assert.equal(out.tokenType, 'Bearer');
  assert.ok(Date.parse(out.expiresAt) > Date.now());
  assert.deepEqual([...out.scopes].sort(), ['okta.users.manage', 'okta.users.read']);
  assert.equal(out.accessToken, undefined);
  assert.doesNotMatch(run.stdout + run.stderr, /eyJ/, 'no JWT anywhere in the output');

  const text = await runCli(['token'], { env });
  assert.match(text.stdout, /Token type: Bearer/);
  assert.doesNotMatch(text.stdout + text.stderr, /eyJ/);

  const shown = await runCli(['token', '--show-token', '--json'], { env });
  assert.match(json<{ accessToken: string }>(shown).accessToken, /^eyJ/);
});

test('token: a DPoP app gets a DPoP token; flags override the environment', async () => {
  const { env } = await appEnv(emu, { dpop: true });
  const { OKTA_CLIENT_ID, ...rest } = env;
  const run = await runCli(['token', '--json', '--client-id', OKTA_CLIENT_ID!], {
    env: { ...rest, OKTA_CLIENT_ID: 'wrong' },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(json<{ tokenType: string }>(run).tokenType, 'DPoP');
});

test('token reads an .env file, after flags and the environment', async () => {
  const { env, dir } = await appEnv(emu, { dpop: false });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    `${dir}/.env`,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const run = await runCli(['token', '--json'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(json<{ tokenType: string }>(run).tokenType, 'Bearer');
  const missingFile = await runCli(['token', '--dotenv', 'nope.env'], { cwd: dir });
  assert.equal(missingFile.code, 3);
  assert.match(missingFile.stderr, /Cannot read the settings file/);
});

test('token with missing settings: exit 3, every problem named, no stack trace unless --debug', async () => {
  const run = await runCli(['token', '--json']);
  assert.equal(run.code, 3);
  const out = json<{ ok: boolean; error: { kind: string; code: string; message: string } }>(run);
  assert.equal(out.ok, false);
  assert.equal(out.error.kind, 'config');
  for (const name of ['OKTA_DOMAIN', 'OKTA_CLIENT_ID', 'OKTA_PRIVATE_KEY'])
    assert.match(out.error.message, new RegExp(name));
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  const debug = await runCli(['token', '--debug']);
  assert.equal(debug.code, 3);
  assert.match(debug.stderr, /\n\s+at /, '--debug shows the stack');
});

test('token with a key file of mode 0644: exit 3 with the chmod fix', async () => {
  const { env, keyPath } = await appEnv(emu, { dpop: false });
  chmodSync(keyPath, 0o644);
  const run = await runCli(['token'], { env });
  assert.equal(run.code, 3);
  assert.match(run.stderr, /chmod 600|mode/i);
  assert.doesNotMatch(run.stderr, /BEGIN/);
});

test('token refused (wrong kid): exit 4 with the OAuth error explained', async () => {
  const { env } = await appEnv(emu, { dpop: false });
  const run = await runCli(['token', '--json'], { env: { ...env, OKTA_KEY_ID: 'not-the-kid' } });
  assert.equal(run.code, 4);
  const out = json<{ error: { code: string; message: string; hint: string } }>(run);
  assert.equal(out.error.code, 'OKTA_M2M_OAUTH');
  assert.match(out.error.hint, /OKTA_KEY_ID/);
});

test('token with the emulator down: exit 6', async () => {
  const down = await startEmulator({ seedUsers: 1 });
  const { env } = await appEnv(down, { dpop: false });
  await down.close();
  const run = await runCli(['token', '--json'], { env });
  assert.equal(run.code, 6, run.stderr);
  assert.equal(json<{ error: { kind: string } }>(run).error.kind, 'network');
});
