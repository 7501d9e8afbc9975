import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = 'packages/okta-emulator/src/main.ts';
const children = new Set<ChildProcess>();

after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function spawnCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  return child;
}

/** Runs the CLI to completion (for options that exit by themselves). */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

interface Started {
  child: ChildProcess;
  line: {
    url: string;
    adminToken: string;
    demoApp?: { clientId: string; keyId: string; privateKeyPath: string; dpop: boolean };
  };
  stderr: () => string;
}

/** Starts the CLI and waits for its JSON line. */
async function start(args: string[]): Promise<Started> {
  const child = spawnCli(args);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const rl = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, line: JSON.parse(first), stderr: () => stderr };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.kill(signal);
  return closed;
}

void test('--help prints the usage and exits 0', async () => {
  const { code, stdout } = await run(['--help']);
  assert.equal(code, 0);
  assert.match(stdout, /Usage: okta-emulator/);
  assert.match(stdout, /--demo-app DIR/);
});

void test('bad options → a clear message on stderr, exit code 2, no stack trace', async () => {
  for (const args of [
    ['--bogus'],
    ['--port', 'abc'],
    ['--quota', 'nope'],
    ['--quota', '/oauth2/v1/token=0'],
    ['--seed-users', '-1'],
    ['--demo-app-bearer'],
  ]) {
    const { code, stderr, stdout } = await run(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /^okta-emulator: /);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.equal(stdout, '');
  }
});

void test('start: loud NOT-Okta banner on stderr, one JSON line on stdout, --demo-app key file mode 0600, SIGTERM exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okta-emu-cli-'));
  const { child, line, stderr } = await start(['--demo-app', join(dir, 'keys')]);
  assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(line.adminToken, /^00/);
  assert.ok(line.demoApp);
  assert.equal(line.demoApp.dpop, true, 'DPoP on by default');
  assert.match(line.demoApp.clientId, /^0oa/);
  assert.equal(statSync(line.demoApp.privateKeyPath).mode & 0o777, 0o600);
  assert.match(stderr(), /THIS IS NOT OKTA/);
  assert.match(stderr(), /development only/);
  assert.ok(!stderr().includes(line.adminToken), 'the admin token is not written to stderr');
  const keys = await fetch(`${line.url}/oauth2/v1/keys`);
  assert.equal(keys.status, 200);
  const control = await fetch(`${line.url}/__emulator/stats`);
  assert.equal(control.status, 404, 'no control API without --control');
  assert.equal(await stop(child), 0);
});

void test('--demo-app-bearer creates a Bearer app; --control enables /__emulator; --quota takes bucket names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okta-emu-cli-'));
  const { child, line } = await start([
    '--demo-app',
    dir,
    '--demo-app-bearer',
    '--control',
    '--quota',
    'GET /api/v1/users/{idOrLogin}=5000',
    '--quota',
    '/oauth2/v1/token=5000',
  ]);
  assert.equal(line.demoApp?.dpop, false);
  const app = await fetch(`${line.url}/api/v1/apps/${line.demoApp?.clientId}`, {
    headers: { authorization: `SSWS ${line.adminToken}` },
  });
  assert.equal(
    ((await app.json()) as { settings: { oauthClient: { dpop_bound_access_tokens: boolean } } }).settings
      .oauthClient.dpop_bound_access_tokens,
    false,
  );
  assert.equal((await fetch(`${line.url}/__emulator/stats`)).status, 200);
  assert.equal(await stop(child, 'SIGINT'), 0);
});

void test('--state FILE: apps, keys and the admin token survive a restart (the demo app is reused)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okta-emu-cli-'));
  const state = join(dir, 'state.json');
  const first = await start(['--state', state, '--demo-app', dir]);
  assert.equal(await stop(first.child), 0);
  assert.equal(statSync(state).mode & 0o777, 0o600);
  const second = await start(['--state', state, '--demo-app', dir]);
  try {
    assert.equal(second.line.adminToken, first.line.adminToken);
    assert.equal(second.line.demoApp?.clientId, first.line.demoApp?.clientId);
    assert.equal(second.line.demoApp?.keyId, first.line.demoApp?.keyId);
    const res = await fetch(`${second.line.url}/api/v1/apps/${first.line.demoApp?.clientId}`, {
      headers: { authorization: `SSWS ${second.line.adminToken}` },
    });
    assert.equal(res.status, 200);
  } finally {
    assert.equal(await stop(second.child), 0);
  }
});
