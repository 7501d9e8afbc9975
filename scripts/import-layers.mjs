#!/usr/bin/env node
// Measures a package's source layout: the longest chain of relative imports from an entry file (import depth),
// imports that point back up the folder layering, file count and the largest files.
// Usage: node scripts/import-layers.mjs <src-dir> [entry=main.ts] ["main.ts;server.ts;routes;plugins;authz;oauth;state;lib"]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const [srcArg, entryArg = 'main.ts', layersArg] = process.argv.slice(2);
if (!srcArg) {
  console.error('usage: node scripts/import-layers.mjs <src-dir> [entry] [layers]');
  process.exit(2);
}
const src = resolve(srcArg);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.ts')) files.push(p);
  }
})(src);

const importRe = /(?:import|export)\s[^'";]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const graph = new Map();
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = new Set();
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    const target = resolve(dirname(f), spec.replace(/\.js$/, '.ts'));
    if (files.includes(target)) deps.add(target);
  }
  graph.set(f, [...deps]);
}

const memo = new Map();
function longest(f, stack = new Set()) {
  if (memo.has(f)) return memo.get(f);
  if (stack.has(f)) return [f];
  stack.add(f);
  let best = [];
  for (const d of graph.get(f) ?? []) {
    const chain = longest(d, stack);
    if (chain.length > best.length) best = chain;
  }
  stack.delete(f);
  const result = [f, ...best];
  memo.set(f, result);
  return result;
}
const entry = join(src, entryArg);
const chain = longest(entry);
const rel = (p) => relative(src, p);

// Layers: groups separated by ";", members (a top-level file or folder) by ",". An import is upward when it
// points to a member of an earlier group (a file may import its own group and any later one).
const layers = layersArg ? layersArg.split(';').map((g) => g.split(',')) : null;
function layerOf(f) {
  const r = rel(f);
  const top = r.includes('/') ? r.split('/')[0] : r;
  const i = layers.findIndex((g) => g.includes(top));
  return i === -1 ? layers.length : i;
}
const unplaced = layers ? files.filter((f) => layerOf(f) === layers.length).map(rel) : [];
const upward = [];
if (layers) {
  for (const [f, deps] of graph) {
    for (const d of deps) if (layerOf(d) < layerOf(f)) upward.push(`${rel(f)} -> ${rel(d)}`);
  }
}
const sizes = files
  .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
  .sort((a, b) => b.lines - a.lines);
console.log(`files: ${files.length}`);
console.log(`import depth (levels from ${entryArg}): ${chain.length}`);
console.log(`  ${chain.map(rel).join(' -> ')}`);
console.log(`upward imports: ${upward.length}`);
for (const u of upward) console.log(`  ${u}`);
console.log('largest files:');
for (const s of sizes.slice(0, 8)) console.log(`  ${String(s.lines).padStart(5)}  ${s.file}`);
if (unplaced.length) console.log(`not in any layer: ${unplaced.join(', ')}`);
