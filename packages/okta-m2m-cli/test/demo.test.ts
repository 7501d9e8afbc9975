import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, runCli } from './helpers/run-cli.js';

test('demo runs the guide end to end against an in-process emulator, with no Okta settings', async () => {
  const run = await runCli(['demo', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const out = json<{ ok: boolean; orgUrl: string; steps: { step: string; ok: boolean }[] }>(run);
  assert.equal(out.ok, true);
  assert.match(out.orgUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const names = out.steps.map((s) => s.step);
  for (const step of [
    'setup',
    'bearer: token',
    'bearer: users list',
    'bearer: users get',
    'bearer: users set-name',
    '403 without a role',
    'doctor diagnoses the missing role',
    'setup restores the role',
    'dpop: token',
    'dpop: users list',
    'dpop: users get',
    'dpop: users set-name',
  ]) {
    assert.ok(names.includes(step), `missing step ${step}`);
  }
  assert.ok(out.steps.every((s) => s.ok));
});

test('demo narrates each step and prints no secret', async () => {
  const run = await runCli(['demo']);
  assert.equal(run.code, 0, run.stderr);
  for (const text of [
    'okta-m2m setup',
    'Bearer token',
    'E0000006',
    'FAIL  admin-role',
    'DPoP token',
    'Done',
  ]) {
    assert.ok(run.stdout.includes(text), `narration lacks "${text}"`);
  }
  assert.doesNotMatch(run.stdout + run.stderr, /eyJ|PRIVATE KEY/);
});
