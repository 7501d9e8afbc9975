#!/usr/bin/env node
// Runs every test file of the workspace with Node's own test runner, TypeScript loaded by tsx and
// workspace packages resolved to their sources (the "source" export condition).
// The output is a line per test file, every failure in full and a summary (scripts/test-reporter.mjs); set
// TEST_REPORTER=spec (or tap) for Node's own reporters.
// Usage: node scripts/test.mjs [path-substring ...]   e.g. `node scripts/test.mjs okta-emulator token`
// Every test, and every test file as a whole, has a time limit (TEST_TIMEOUT_MS, default 600 000 ms): a hung test
// or child process fails the run instead of stalling it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
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
files.sort();
const selected = filters.length ? files.filter((f) => filters.every((s) => f.includes(s))) : files;
if (selected.length === 0) {
  console.error(`No test files match ${JSON.stringify(filters)}.`);
  process.exit(1);
}

// Browser tests drive Debian's Chromium: without it, stop now with the command that installs it (never skip).
const chromium = '/usr/bin/chromium';
if (selected.some((f) => f.endsWith('.browser.test.ts')) && !existsSync(chromium)) {
  console.error(
    `The browser tests need Chromium at ${chromium}. Install it, then run the tests again:\n\n` +
      '  sudo apt-get update && sudo apt-get install -y chromium\n',
  );
  process.exit(1);
}

const result = spawnSync(
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
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);

function safeList(dir) {
  try {
    return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
}
