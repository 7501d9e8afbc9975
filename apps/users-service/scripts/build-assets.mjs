#!/usr/bin/env node
// Builds the operator console into dist/console: console/src/main.ts bundled by esbuild into one ES module
// (app.js), with index.html and console.css copied beside it. Run by the root build after tsc.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
mkdirSync(here('dist/console'), { recursive: true });
await build({
  entryPoints: [here('console/src/main.ts')],
  outfile: here('dist/console/app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(here('console/index.html'), here('dist/console/index.html'));
copyFileSync(here('console/console.css'), here('dist/console/console.css'));
