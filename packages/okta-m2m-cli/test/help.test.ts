import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, runCli } from './helpers/run-cli.js';

const COMMANDS = [
  ['keygen'],
  ['setup'],
  ['token'],
  ['users', 'list'],
  ['users', 'get'],
  ['users', 'set-name'],
  ['doctor'],
  ['demo'],
];

test('every command has --help with examples and the exit codes', async () => {
  for (const words of COMMANDS) {
    const run = await runCli([...words, '--help']);
    assert.equal(run.code, 0, words.join(' '));
    assert.match(run.stdout, /Examples:\n {2}.*okta-m2m /, words.join(' '));
    assert.match(
      run.stdout,
      /Exit codes:[\s\S]*2 {2}usage[\s\S]*3 {2}configuration[\s\S]*4 {2}authentication[\s\S]*5 {2}API[\s\S]*6 {2}network/,
    );
    assert.match(run.stdout, /--json/);
  }
  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  for (const name of ['keygen', 'setup', 'token', 'users', 'doctor', 'demo'])
    assert.match(top.stdout, new RegExp(`\\b${name}\\b`));
});

test('usage mistakes exit 2 with one message and the fix', async () => {
  const unknown = await runCli(['tokne']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'tokne'/);
  assert.match(unknown.stderr, /Did you mean token\?/);
  const option = await runCli(['token', '--nope', '--json']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /fix: run `okta-m2m token --help`/);
  assert.equal(json<{ error: { kind: string } }>(option).error.kind, 'usage');
  const choice = await runCli(['token', '--dpop', 'sometimes']);
  assert.equal(choice.code, 2);
  assert.doesNotMatch(choice.stderr, /\n\s+at /);
});
