import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSigningKey } from 'okta-m2m';
import { json, runCli, tempDir } from './helpers/run-cli.js';

test('keygen writes an RSA private key with mode 600 and prints its JWKS and kid', async () => {
  const dir = tempDir();
  const run = await runCli(['keygen'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const jwks = json<{ keys: Record<string, string>[] }>(run);
  const key = jwks.keys[0]!;
  assert.equal(key.kty, 'RSA');
  assert.equal(key.use, 'sig');
  assert.equal(key.alg, 'RS256');
  assert.equal(key.d, undefined, 'the JWKS holds no private part');
  assert.match(run.stderr, new RegExp(`kid: ${key.kid}`));
  const path = join(dir, 'okta-m2m-key.pem');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const loaded = loadSigningKey({ privateKeyPath: path });
  assert.equal(loaded.thumbprint, key.kid, 'the kid is the thumbprint of the written key');
  assert.equal(loaded.kid, undefined, 'a PEM file carries no kid: none is guessed');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'okta-m2m-key.jwks.json'), 'utf8')), jwks);
  assert.doesNotMatch(run.stdout + run.stderr, /PRIVATE KEY/);
});

test('keygen refuses to overwrite a key without --force, and replaces it with --force', async () => {
  const dir = tempDir();
  assert.equal((await runCli(['keygen'], { cwd: dir })).code, 0);
  const before = readFileSync(join(dir, 'okta-m2m-key.pem'), 'utf8');
  const refused = await runCli(['keygen', '--json'], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already exists; refusing to overwrite/);
  assert.match(refused.stderr, /fix: .*--force/);
  assert.equal(json<{ ok: boolean }>(refused).ok, false);
  assert.equal(readFileSync(join(dir, 'okta-m2m-key.pem'), 'utf8'), before);
  const forced = await runCli(['keygen', '--force'], { cwd: dir });
  assert.equal(forced.code, 0);
  assert.notEqual(readFileSync(join(dir, 'okta-m2m-key.pem'), 'utf8'), before);
});

test('keygen --alg ES256 --json and --dpop', async () => {
  const dir = tempDir();
  const run = await runCli(['keygen', '--alg', 'ES256', '--out', 'k/es.pem', '--json'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const out = json<{
    kid: string;
    alg: string;
    privateKeyPath: string;
    jwks: { keys: Record<string, string>[] };
  }>(run);
  assert.equal(out.alg, 'ES256');
  assert.equal(out.jwks.keys[0]!.crv, 'P-256');
  assert.equal(out.privateKeyPath, join(dir, 'k/es.pem'));
  assert.equal(statSync(out.privateKeyPath).mode & 0o777, 0o600);
  const dpop = await runCli(['keygen', '--dpop', '--json'], { cwd: dir });
  const d = json<{ alg: string; purpose: string; privateKeyPath: string }>(dpop);
  assert.deepEqual([d.alg, d.purpose], ['ES256', 'dpop']);
  assert.equal(d.privateKeyPath, join(dir, 'okta-m2m-dpop-key.pem'));
  const bad = await runCli(['keygen', '--alg', 'HS256'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /HS256/);
});
