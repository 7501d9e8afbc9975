import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileKeySource } from 'okta-m2m/core';
import { generateKeyPair, kidSidecarText, loadSigningKey } from 'okta-m2m';
import type { CommandContext } from '../src/command.js';
import { configuredKey } from '../src/keys/configured-key.js';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { adminCall, appEnv, json, runCli } from './helpers/run-cli.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 3, seed: 15 });
});
after(() => emu.close());

type KeyRow = { id: string; kid: string; status: string; created: string; inUse: boolean };
type Rotated = {
  kid: string;
  privateKeyPath: string;
  kidPath: string;
  previousKids: string[];
  activeKids: string[];
  env: Record<string, string>;
  next: string[];
};

/** An app whose admin and client settings are in one environment. */
async function keysApp(): Promise<Awaited<ReturnType<typeof appEnv>> & { admin: Record<string, string> }> {
  const app = await appEnv(emu, { dpop: false });
  return { ...app, admin: { ...app.env, OKTA_API_TOKEN: emu.adminToken } };
}

async function registered(clientId: string): Promise<{ kid: string; status: string }[]> {
  return (
    await adminCall<{ keys: { kid: string; status: string }[] }>(
      emu,
      'GET',
      `/api/v1/apps/${clientId}/credentials/jwks`,
    )
  ).keys.map((k) => ({ kid: k.kid, status: k.status }));
}

test('keys list shows kid, status and created, and marks the key this configuration uses', async () => {
  const app = await keysApp();
  const run = await runCli(['keys', 'list', '--json'], { env: app.admin });
  assert.equal(run.code, 0, run.stderr);
  const out = json<{ appId: string; keys: KeyRow[] }>(run);
  assert.equal(out.appId, app.clientId);
  assert.equal(out.keys.length, 1);
  assert.equal(out.keys[0]!.kid, app.keyId);
  assert.equal(out.keys[0]!.status, 'ACTIVE');
  assert.ok(Date.parse(out.keys[0]!.created) > 0);
  assert.equal(out.keys[0]!.inUse, true);
  const text = await runCli(['keys', 'list'], { env: app.admin });
  assert.match(text.stdout, new RegExp(`${app.keyId}.*ACTIVE.*yes`));
  assert.match(text.stderr, /1 key\(s\) on app .*, 1 ACTIVE/);
  const noToken = await runCli(['keys', 'list'], { env: app.env });
  assert.equal(noToken.code, 3);
  assert.match(noToken.stderr, /OKTA_API_TOKEN/);
});

test('keys rotate --dry-run changes nothing; keys rotate adds an ACTIVE key and replaces the key file', async () => {
  const app = await keysApp();
  const oldPem = readFileSync(app.keyPath, 'utf8');
  const dry = await runCli(['keys', 'rotate', '--dry-run', '--json'], { env: app.admin });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(json<{ dryRun: boolean }>(dry).dryRun, true);
  assert.deepEqual(await registered(app.clientId), [{ kid: app.keyId, status: 'ACTIVE' }]);
  assert.equal(readFileSync(app.keyPath, 'utf8'), oldPem, 'the key file is untouched by a dry run');

  const run = await runCli(['keys', 'rotate', '--json'], { env: app.admin });
  assert.equal(run.code, 0, run.stderr);
  const out = json<Rotated>(run);
  assert.equal(out.privateKeyPath, app.keyPath, 'the configured key file is replaced in place');
  assert.deepEqual(out.previousKids, [app.keyId]);
  assert.deepEqual(out.activeKids, [app.keyId, out.kid]);
  assert.deepEqual(await registered(app.clientId), [
    { kid: app.keyId, status: 'ACTIVE' },
    { kid: out.kid, status: 'ACTIVE' },
  ]);
  assert.equal(statSync(app.keyPath).mode & 0o777, 0o600);
  assert.equal(
    loadSigningKey({ privateKeyPath: app.keyPath }).thumbprint,
    out.kid,
    'the file holds the new key',
  );
  assert.equal(
    readFileSync(out.kidPath, 'utf8'),
    `${out.kid} ${out.kid}\n`,
    'the kid and the key thumbprint',
  );
  assert.equal(out.env.OKTA_KEY_ID, out.kid);
  assert.match(out.next.join('\n'), new RegExp(`keys retire --delete -- ${app.keyId}`));
  assert.doesNotMatch(run.stdout + run.stderr, /PRIVATE KEY/, 'no private key printed');
  const token = await runCli(['token', '--json'], { env: { ...app.env, ...out.env } });
  assert.equal(token.code, 0, token.stderr);

  const text = await runCli(['keys', 'rotate', '--out', 'next.pem', '--alg', 'ES256'], {
    env: app.admin,
    cwd: app.dir,
  });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /export OKTA_KEY_ID=\S+/);
  assert.match(text.stdout, /Next:\n {2}1\. /);
  assert.equal(loadSigningKey({ privateKeyPath: join(app.dir, 'next.pem') }).alg, 'ES256');
  const again = await runCli(['keys', 'rotate', '--out', 'next.pem'], { env: app.admin, cwd: app.dir });
  assert.equal(again.code, 2, 'an existing file that is not the configured key is not overwritten');
  assert.equal((await registered(app.clientId)).length, 3, 'and no key was added');
});

test('keys retire refuses the only ACTIVE key', async () => {
  const app = await keysApp();
  const { OKTA_KEY_ID: _kid, OKTA_PRIVATE_KEY_PATH: _path, ...env } = app.admin;
  const run = await runCli(['keys', 'retire', '--json', '--', app.keyId], { env });
  assert.equal(run.code, 3, run.stderr);
  const error = json<{ ok: boolean; error: { message: string; hint: string } }>(run).error;
  assert.match(error.message, /only ACTIVE key/);
  assert.match(error.hint, /keys rotate/);
  assert.deepEqual(await registered(app.clientId), [{ kid: app.keyId, status: 'ACTIVE' }]);
});

test('keys retire refuses the key OKTA_KEY_ID names', async () => {
  const app = await keysApp();
  const rotated = json<Rotated>(await runCli(['keys', 'rotate', '--json'], { env: app.admin }));
  // The key file now holds the new key, but OKTA_KEY_ID still names the old one.
  const run = await runCli(['keys', 'retire', '--', app.keyId], { env: app.admin });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /still signs with it \(OKTA_KEY_ID names it\)/);
  assert.match(run.stderr, new RegExp(`OKTA_KEY_ID=${rotated.kid}`));
  assert.deepEqual(await registered(app.clientId), [
    { kid: app.keyId, status: 'ACTIVE' },
    { kid: rotated.kid, status: 'ACTIVE' },
  ]);
});

test('keys retire refuses the key whose private key is the configured key file', async () => {
  const app = await keysApp();
  const rotated = await runCli(['keys', 'rotate', '--out', 'next.pem', '--json'], {
    env: app.admin,
    cwd: app.dir,
  });
  assert.equal(rotated.code, 0, rotated.stderr);
  const { OKTA_KEY_ID: _kid, ...env } = app.admin;
  const run = await runCli(['keys', 'retire', '--delete', '--', app.keyId], { env, cwd: app.dir });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, new RegExp(`it is the public key of ${app.keyPath}`));
  assert.equal((await registered(app.clientId)).filter((k) => k.status === 'ACTIVE').length, 2);
});

test('keys retire refuses an unknown kid, and while the configured key cannot be read', async () => {
  const app = await keysApp();
  const unknown = await runCli(['keys', 'retire', 'no-such-kid'], { env: app.admin });
  assert.equal(unknown.code, 3);
  assert.match(
    unknown.stderr,
    new RegExp(`No key with kid no-such-kid .*registered: ${app.keyId} \\(ACTIVE\\)`),
  );
  const rotated = json<Rotated>(
    await runCli(['keys', 'rotate', '--out', 'next.pem', '--json'], { env: app.admin, cwd: app.dir }),
  );
  const { OKTA_KEY_ID: _kid, ...env } = app.admin;
  writeFileSync(app.keyPath, '-----BEGIN PRIVATE KEY-----\nMIIE', { mode: 0o600 });
  const unreadable = await runCli(['keys', 'retire', '--', app.keyId], { env });
  assert.equal(unreadable.code, 3);
  assert.match(unreadable.stderr, /cannot tell whether this configuration uses it/);
  assert.equal((await registered(app.clientId)).filter((k) => k.status === 'ACTIVE').length, 2);
  assert.ok(rotated.kid);
  const missing = await runCli(['keys', 'retire'], { env: app.admin });
  assert.equal(missing.code, 2);
});

test('keys retire deactivates (the old key is refused from then on), then --delete deletes', async () => {
  const app = await keysApp();
  const oldKey = join(app.dir, 'old.pem');
  writeFileSync(oldKey, readFileSync(app.keyPath), { mode: 0o600 });
  const rotated = json<Rotated>(await runCli(['keys', 'rotate', '--json'], { env: app.admin }));
  const newEnv = { ...app.admin, ...rotated.env };
  const dry = await runCli(['keys', 'retire', '--delete', '--dry-run', '--json', '--', app.keyId], {
    env: newEnv,
  });
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(json<{ steps: string[] }>(dry).steps, ['deactivate', 'delete']);
  assert.equal((await registered(app.clientId)).length, 2, 'a dry run changes nothing');

  const run = await runCli(['keys', 'retire', '--json', '--', app.keyId], { env: newEnv });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(json<{ status: string; steps: string[]; activeKids: string[] }>(run), {
    ...json(run),
    status: 'INACTIVE',
    steps: ['deactivate'],
    activeKids: [rotated.kid],
  });
  assert.deepEqual(await registered(app.clientId), [
    { kid: app.keyId, status: 'INACTIVE' },
    { kid: rotated.kid, status: 'ACTIVE' },
  ]);
  // A client still holding the old key is refused (kid of an INACTIVE key).
  const stale = await runCli(['token', '--json'], {
    env: { ...app.env, OKTA_PRIVATE_KEY_PATH: oldKey, OKTA_KEY_ID: app.keyId },
  });
  assert.equal(stale.code, 4);
  assert.match(stale.stderr, /kid is invalid/);

  const removed = await runCli(['keys', 'retire', '--delete', '--', app.keyId], { env: newEnv });
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, new RegExp(`Key ${app.keyId} of app .*: deleted\\.`));
  assert.deepEqual(await registered(app.clientId), [{ kid: rotated.kid, status: 'ACTIVE' }]);
  const token = await runCli(['token', '--json'], { env: { ...app.env, ...rotated.env } });
  assert.equal(token.code, 0, token.stderr);
});

test('keys rotate puts the old .kid file back when the new key cannot be written', async () => {
  const app = await keysApp();
  const target = join(app.dir, 'busy.pem');
  mkdirSync(target);
  writeFileSync(join(target, 'inside'), 'x');
  writeFileSync(`${target}.kid`, 'kid-before thumbprint-before\n', { mode: 0o600 });
  const run = await runCli(['keys', 'rotate', '--out', 'busy.pem', '--force'], {
    env: app.admin,
    cwd: app.dir,
  });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /its private key could not be written/);
  assert.equal(
    readFileSync(`${target}.kid`, 'utf8'),
    'kid-before thumbprint-before\n',
    'the kid file is as it was',
  );
});

test('the CLI and the library agree on the kid of a key file with a stale .kid file', async () => {
  const app = await keysApp();
  const pair = await generateKeyPair();
  const path = join(app.dir, 'okta.json');
  const jwk = { ...createPrivateKey(pair.privateKeyPem).export({ format: 'jwk' }), kid: 'kid-in-the-jwk' };
  writeFileSync(path, JSON.stringify(jwk), { mode: 0o600 });
  const ctx = {
    settings: { env: { OKTA_PRIVATE_KEY_PATH: path } },
    cwd: app.dir,
  } as unknown as CommandContext;
  const cases: [string, string][] = [
    ['stale-sidecar-kid\n', 'kid-in-the-jwk'],
    [kidSidecarText('stale', 'another-thumbprint'), 'kid-in-the-jwk'],
    [kidSidecarText('registered-kid', pair.kid), 'registered-kid'],
  ];
  for (const [sidecar, kid] of cases) {
    writeFileSync(`${path}.kid`, sidecar, { mode: 0o600 });
    assert.equal(fileKeySource({ path }).key?.kid, kid, `library, sidecar ${sidecar.trim()}`);
    assert.equal(configuredKey(ctx).key?.kid, kid, `CLI, sidecar ${sidecar.trim()}`);
  }
  assert.match(configuredKey(ctx).key?.kidFrom ?? '', /the kid file .*okta\.json\.kid/);
});

test('keys retire: when the kid comes from the .kid file, the hint names that file, not OKTA_KEY_ID', async () => {
  const app = await keysApp();
  const rotated = json<Rotated>(await runCli(['keys', 'rotate', '--json'], { env: app.admin }));
  const { OKTA_KEY_ID: _kid, ...env } = app.admin;
  const run = await runCli(['keys', 'retire', '--', rotated.kid], { env, cwd: app.dir });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, new RegExp(`${app.keyId} in ${app.keyPath}\\.kid and its private key`));
  assert.doesNotMatch(run.stderr, /OKTA_KEY_ID=/);
});
