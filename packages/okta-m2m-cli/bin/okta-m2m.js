#!/usr/bin/env node
// The `okta-m2m` command: runs the compiled CLI (src/main.ts). Kept as a plain file so npm can link it
// before the package is built.
import '../dist/main.js';
