#!/usr/bin/env node
// Runs every test file of the workspace with Node's own test runner, TypeScript loaded by tsx and
// workspace packages resolved to their sources (the "source" export condition).
// The output is a line per test file, every failure in full and a summary (scripts/test-reporter.mjs); set
// TEST_REPORTER=spec (or tap) for Node's own reporters.
// Usage: node scripts/test.mjs [path-substring ...]   e.g. `node scripts/test.mjs okta-emulator token`
// (test files: packages/*/test, apps/*/test and scripts/test; a .ts path not ending in .test.ts runs as given)
// Every test has a time limit (TEST_TIMEOUT_MS, default 600 000 ms), and so has the run as a whole
// (TEST_RUN_TIMEOUT_MS, default 1 800 000 ms): the runner is spawned in its own process group, and when the time
// is up, or the summary was printed and the runner still has not exited 10 s later (a child process a test left
// behind, holding its output open), the whole group is killed and the run fails. Processes still in the group
// when the runner exits are killed too.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = [];
for (const group of ['packages', 'apps']) {
  for (const pkg of safeList(join(root, group))) walk(join(root, group, pkg, 'test'), files);
}
walk(join(root, 'scripts', 'test'), files);
files.sort();
// A .ts file named by its path (such as a fixture of the runner's own tests) runs as given.
const named = filters.filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && existsSync(join(root, f)),
);
const selected = named.length
  ? named
  : filters.length
    ? files.filter((f) => filters.every((s) => f.includes(s)))
    : files;
if (selected.length === 0) {
  console.error(`No test files match ${JSON.stringify(filters)}.`);
  process.exit(1);
}

// okta-m2m-redis's tests, and any test file named for Redis (e.g. the users service's), start a redis-server.
if (selected.some((f) => /redis/.test(f))) requireRedisServer();

// Browser tests drive Debian's Chromium: without it, stop now with the command that installs it (never skip).
const chromium = '/usr/bin/chromium';
if (selected.some((f) => f.endsWith('.browser.test.ts')) && !existsSync(chromium)) {
  console.error(
    `The browser tests need Chromium at ${chromium}. Install it, then run the tests again:\n\n` +
      '  sudo apt-get update && sudo apt-get install -y chromium\n',
  );
  process.exit(1);
}

const RUN_TIMEOUT_MS = Number(process.env.TEST_RUN_TIMEOUT_MS) || 1_800_000;
const AFTER_SUMMARY_MS = 10_000;

const runner = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${Number(process.env.TEST_TIMEOUT_MS) || 600_000}`,
    `--test-reporter=${process.env.TEST_REPORTER ?? join(root, 'scripts/test-reporter.mjs')}`,
    ...selected,
  ],
  // Its own process group (detached), so the runner, the test files and whatever they spawned can be killed
  // together; the IPC channel carries the reporter's "summary printed" message.
  {
    cwd: root,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'test' },
    detached: true,
  },
);
let killedFor;
const killGroup = (why) => {
  killedFor ??= why;
  try {
    process.kill(-runner.pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
};
const runTimer = setTimeout(
  () => killGroup(`the run took longer than ${RUN_TIMEOUT_MS} ms (TEST_RUN_TIMEOUT_MS)`),
  RUN_TIMEOUT_MS,
);
let summaryTimer;
runner.on('message', (message) => {
  if (message?.type !== 'test-run-summary') return;
  summaryTimer = setTimeout(
    () =>
      killGroup(
        `the runner did not exit ${AFTER_SUMMARY_MS} ms after its summary (a test left a child process running)`,
      ),
    AFTER_SUMMARY_MS,
  );
});
// The parent must not wait for the IPC channel, only for the runner's exit.
runner.channel?.unref();
const forward = (signal) => killGroup(`interrupted (${signal})`);
process.once('SIGINT', forward);
process.once('SIGTERM', forward);
runner.on('exit', (code) => {
  clearTimeout(runTimer);
  clearTimeout(summaryTimer);
  if (killedFor !== undefined) {
    console.error(`\nTest run failed: ${killedFor}; its process group was killed.`);
    process.exit(1);
  }
  // Whatever the tests left running in the group (no orphans outlive the run).
  try {
    process.kill(-runner.pid, 'SIGKILL');
  } catch {
    // Nothing left.
  }
  process.exit(code ?? 1);
});

function safeList(dir) {
  try {
    return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
}

// The okta-m2m-redis tests start a real redis-server (Debian's package). Install it when missing and allowed
// (root with apt-get), otherwise stop now with the command to run: never skip those tests in silence.
function requireRedisServer() {
  const install = 'apt-get update && apt-get install -y redis-server';
  if (findOnPath('redis-server')) return;
  if (process.getuid?.() === 0 && findOnPath('apt-get')) {
    console.error(`redis-server is missing; installing it: ${install}`);
    const r = spawnSync('sh', ['-c', install], { stdio: ['ignore', 2, 2] });
    if (r.status === 0 && findOnPath('redis-server')) return;
  }
  console.error(
    `The okta-m2m-redis tests need redis-server, which is not installed. Run:\n  sudo ${install}`,
  );
  process.exit(1);
}

function findOnPath(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.some((dir) => dir !== '' && existsSync(join(dir, name)));
}
