#!/usr/bin/env node
// Runs the benchmark scripts (the .ts files directly in each package's bench/ folder; bench/lib holds their
// helpers) one after another. They print tables; see docs/benchmarks.md.
// Usage: node scripts/bench.mjs [substring ...]   e.g. `node scripts/bench.mjs capacity`
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const scripts = [];
for (const group of ['packages', 'apps']) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const pkg of readdirSync(base)) {
    const dir = join(base, pkg, 'bench');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.ts')) scripts.push(join(group, pkg, 'bench', f));
  }
}
let failed = 0;
for (const script of scripts.filter((s) => filters.every((f) => s.includes(f)))) {
  console.log(`\n## ${script}\n`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
