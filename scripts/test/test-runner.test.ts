// scripts/test.mjs as CI runs it: a test file that leaves a child process holding its output open must fail the
// run in bounded time (TEST_RUN_TIMEOUT_MS) with the child killed, and a passing run keeps its output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

function runTests(file: string, env: Record<string, string>, limitMs: number): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/test.mjs', file], {
      cwd: root,
      // Without NODE_TEST_CONTEXT: the runner under test is a run of its own, not a file of this one.
      env: { ...withoutTestContext(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // This test's own guard: if the runner does not stop itself, it is killed and the assertions fail.
      timeout: limitMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, ms: Date.now() - started }));
  });
}

function withoutTestContext(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped) counts as gone.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

void test('a child process left running fails the run in bounded time and is killed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'test-runner-'));
  const pidFile = join(dir, 'pid');
  let pid = 0;
  t.after(() => {
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const run = await runTests(
    'scripts/test/fixtures/hung-child.ts',
    { TEST_RUN_TIMEOUT_MS: '3000', HUNG_CHILD_PID_FILE: pidFile },
    30_000,
  );
  pid = Number(readFileSync(pidFile, 'utf8'));
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /Test run failed: the run took longer than 3000 ms \(TEST_RUN_TIMEOUT_MS\)/);
  assert.ok(run.ms < 20_000, `the run stopped after ${run.ms} ms`);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(alive(pid), false, 'the child the test left behind was killed');
});

void test('a passing run exits 0 with the usual summary', async () => {
  const run = await runTests('scripts/test/fixtures/passing.ts', {}, 60_000);
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /✔ scripts\/test\/fixtures\/passing\.ts {2}1 passed/);
  assert.match(run.output, /# pass 1\n# fail 0\n/);
});
