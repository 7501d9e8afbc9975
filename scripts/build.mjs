#!/usr/bin/env node
// Builds every workspace package that has a tsconfig.json, with one `tsc -b`: TypeScript project references
// order the builds, so a new package under packages/ or apps/ is built without editing this script. Then each
// package's scripts/build-assets.mjs, if it has one (e.g. the users service's browser console).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const projects = [];
const assetScripts = [];
for (const group of ['packages', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    if (existsSync(join(dir, name, 'tsconfig.json'))) projects.push(join(group, name));
    if (existsSync(join(dir, name, 'scripts/build-assets.mjs')))
      assetScripts.push(join(dir, name, 'scripts/build-assets.mjs'));
  }
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b', ...projects, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
for (const script of assetScripts) {
  const assets = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (assets.status !== 0) process.exit(assets.status ?? 1);
}
