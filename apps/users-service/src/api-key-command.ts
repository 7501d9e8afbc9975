#!/usr/bin/env node
/**
 * `npm run api-key -w users-service -- <name> <users:read|users:write>`: makes a caller key, prints the key
 * (hand it to the caller once) and the `API_KEYS` entry holding only its SHA-256 (configure that).
 */
import { API_KEY_SCOPES, generateApiKey, type ApiKeyScope } from './api-keys.js';

const [name, scope] = process.argv.slice(2);
if (
  name === undefined ||
  !/^[A-Za-z0-9_.-]{1,64}$/.test(name) ||
  !(API_KEY_SCOPES as readonly string[]).includes(scope ?? '')
) {
  process.stderr.write(
    'Usage: npm run api-key -w users-service -- <name> <users:read|users:write>\n' +
      '  name: letters, digits, . _ - (shown in logs as the caller)\n',
  );
  process.exitCode = 2;
} else {
  const generated = generateApiKey(name, scope as ApiKeyScope);
  process.stdout.write(
    `key (give to the caller, shown once):\n  ${generated.key}\n` +
      `API_KEYS entry (configure; comma-separate several):\n  ${generated.entry}\n`,
  );
}
