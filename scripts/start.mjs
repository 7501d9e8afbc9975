#!/usr/bin/env node
// `npm start`: the local Okta emulator with a ready API Services app (created the way the guide does it:
// key pair, scopes granted, custom admin role over a resource set, DPoP required as on a new Okta org), then
// the library quickstart (examples/quickstart.ts) against it. The emulator keeps running until Ctrl-C,
// unless --once is given (CI uses it) or stdin is not a terminal.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const once = process.argv.includes('--once') || !process.stdin.isTTY;
const demoDir = join(root, '.demo');

const emulator = spawn(
  process.execPath,
  [
    join(root, 'packages/okta-emulator/dist/main.js'),
    '--port',
    '0',
    '--seed-users',
    '25',
    '--demo-app',
    demoDir,
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
emulator.on('exit', (code, signal) => {
  if (code !== 0 && signal === null) {
    console.error(`The emulator exited with code ${code}.`);
    process.exit(code ?? 1);
  }
});

const info = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: emulator.stdout });
  lines.once('line', (line) => {
    try {
      resolve(JSON.parse(line));
    } catch (error) {
      reject(new Error(`Unexpected emulator output: ${line}`, { cause: error }));
    }
  });
  emulator.once('exit', () => reject(new Error('The emulator stopped before it was ready.')));
});

const env = {
  ...process.env,
  OKTA_DOMAIN: info.url,
  OKTA_CLIENT_ID: info.demoApp.clientId,
  OKTA_KEY_ID: info.demoApp.keyId,
  OKTA_PRIVATE_KEY_PATH: info.demoApp.privateKeyPath,
  OKTA_SCOPES: 'okta.users.read okta.users.manage',
};
console.log(`\nEmulator: ${info.url}  (admin API token: SSWS ${info.adminToken})`);
console.log(
  `Demo app: client id ${info.demoApp.clientId}, key id ${info.demoApp.keyId}, key ${info.demoApp.privateKeyPath}\n`,
);
console.log('Running examples/quickstart.ts with these settings as OKTA_* variables:\n');

const example = spawn(process.execPath, ['--import', 'tsx', join(root, 'examples/quickstart.ts')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
const exampleCode = await new Promise((resolve) => example.on('exit', (code) => resolve(code ?? 1)));

if (once) {
  emulator.kill('SIGTERM');
  process.exit(exampleCode);
}
console.log(`\nThe emulator is still running at ${info.url}. Try, in another terminal:`);
console.log(
  `  OKTA_DOMAIN=${env.OKTA_DOMAIN} OKTA_CLIENT_ID=${env.OKTA_CLIENT_ID} OKTA_KEY_ID=${env.OKTA_KEY_ID} ` +
    `OKTA_PRIVATE_KEY_PATH=${env.OKTA_PRIVATE_KEY_PATH} node --import tsx examples/quickstart.ts`,
);
console.log(`  curl -H 'Authorization: SSWS ${info.adminToken}' '${info.url}/api/v1/users?limit=2'`);
console.log('Press Ctrl-C to stop.');
const stop = () => emulator.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
