#!/usr/bin/env node
// Lints what every published workspace package would ship: publint --strict (the exports map, `files`, the
// package.json fields) and Are the Types Wrong (each export resolves to types and JavaScript under Node 16+
// ESM and bundlers; CommonJS `require` is out of scope for these ESM-only packages). Loops over packages/*,
// so a new package is covered without editing this script; private packages are skipped. Builds first,
// because both tools read the packed tarball.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const publint = join(root, 'node_modules', 'publint', 'src', 'cli.js');
const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

function run(args, cwd) {
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  return result.status === 0;
}

if (!run([join(root, 'scripts', 'build.mjs')], root)) process.exit(1);
let failed = 0;
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  if (JSON.parse(readFileSync(manifest, 'utf8')).private === true) continue;
  if (!run([publint, '--strict', dir], root)) failed++;
  if (!run([attw, '--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped'], dir)) failed++;
}
process.exit(failed === 0 ? 0 : 1);
