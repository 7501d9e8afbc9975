/**
 * A DPoP key loaded from a file (issue: "generated in memory at start or loaded from a file or JWK"): the token
 * the emulator issues is bound to that key's thumbprint, and a key file others can read is refused at start.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt } from 'jose';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { KeyError } from '../../src/index.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-dpop-key-'));
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

before(async () => {
  emu = await startEmulator({ seedUsers: 3 });
});
after(() => emu.close());

void test('a DPoP key file (mode 600) binds the token to that key', async (t) => {
  const path = join(dir, 'dpop.pem');
  writeFileSync(path, pem, { mode: 0o600 });
  const app = await emu.createServiceApp({ dpop: true });
  const client = clientFor(emu, app, { dpop: { keyPath: path } });
  t.after(() => client.close());

  const token = await client.tokens.getToken();
  const expected = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as never, 'sha256');
  assert.equal(token.type, 'DPoP');
  const cnf = decodeJwt(token.value)['cnf'] as { jkt?: string } | undefined;
  assert.equal(
    cnf?.jkt,
    expected,
    "the emulator's issued token is bound to the key in the file, not a generated one",
  );
  assert.equal(token.jkt, expected);
  const users = [];
  for await (const u of client.users.list({ limit: 2 })) users.push(u);
  assert.equal(users.length, 3);
});

void test('a DPoP key file readable by others is refused when the client is created, naming the option', async () => {
  const path = join(dir, 'loose.pem');
  writeFileSync(path, pem, { mode: 0o644 });
  const app = await emu.createServiceApp({ dpop: true });
  assert.throws(
    () => clientFor(emu, app, { dpop: { keyPath: path } }),
    (e: unknown) =>
      e instanceof KeyError && /readable by other users/.test(e.message) && /chmod 600/.test(e.hint ?? ''),
  );
  assert.throws(
    () => clientFor(emu, app, { dpop: { keyPath: join(dir, 'missing.pem') } }),
    (e: unknown) => e instanceof KeyError && /dpop\.keyPath/.test(e.hint ?? ''),
  );
});
