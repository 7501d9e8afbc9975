// One key importer for the client-authentication key and the DPoP key: the same forms (PEM, JWK object or JSON
// text, KeyObject), the same refusals and the same `cause` handling (none: crypto errors can echo the input), and
// every given key checked when the client is created, not at the first token request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { createDpopProver, importDpopKey } from '../../src/auth/dpop.js';
import { loadSigningKey } from '../../src/auth/keys.js';
import { createOktaClient } from '../../src/client.js';
import { ConfigError, KeyError } from '../../src/errors.js';
import { clientFor } from '../helpers/emulator-client.js';

const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-key-import-'));
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const clientPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 2 });
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emu.close();
});

const garbled = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';

void test('the same input gets the same refusal from both importers, with no cause attached', async () => {
  const inputs: [string, unknown, RegExp][] = [
    ['garbled PEM', garbled, /cannot be parsed/],
    ['a public JWK', ec.publicKey.export({ format: 'jwk' }), /public JWK \(no "d" member\)/],
    ['JSON that is no JWK', '{"not":"a key"', /looks like JSON but is not a valid JWK/],
    ['a JWK set', JSON.stringify({ keys: [ec.privateKey.export({ format: 'jwk' })] }), /JWK set/],
    ['a symmetric JWK', { kty: 'oct', k: 'c2VjcmV0' }, /symmetric \(oct\) JWK/],
  ];
  for (const [name, input, message] of inputs) {
    const errors: unknown[] = [];
    try {
      loadSigningKey({ privateKey: input as never, source: 'the key' });
    } catch (e) {
      errors.push(e);
    }
    await createDpopProver({ key: input as never, deps: { clock: Date.now, uuid: () => 'j' } }).catch(
      (e: unknown) => errors.push(e),
    );
    assert.equal(errors.length, 2, name);
    for (const e of errors) {
      assert.ok(e instanceof KeyError, `${name}: ${String(e)}`);
      assert.match(e.message, message, name);
      assert.equal(e.cause, undefined, `${name}: no cause`);
      assert.ok(e.hint, `${name}: a hint`);
    }
  }
});

void test('a DPoP key given as JWK JSON text imports (it was refused as "not PEM text")', () => {
  const text = JSON.stringify(ec.privateKey.export({ format: 'jwk' }));
  const loaded = importDpopKey(text, undefined);
  assert.equal(loaded.alg, 'ES256');
});

void test('a DPoP key file in JWK form binds the issued token to that key (cnf.jkt of the issued token)', async (t) => {
  const path = join(dir, 'dpop.jwk');
  writeFileSync(path, JSON.stringify(ec.privateKey.export({ format: 'jwk' })), { mode: 0o600 });
  const app = await emu.createServiceApp({ dpop: true });
  const client = clientFor(emu, app, { dpop: { keyPath: path } });
  t.after(() => client.close());
  const token = await client.tokens.getToken();
  assert.equal(token.type, 'DPoP');
  const expected = importDpopKey(ec.privateKey, undefined).thumbprint;
  const cnf = decodeJwt(token.value)['cnf'] as { jkt?: string } | undefined;
  assert.equal(cnf?.jkt, expected, "the emulator's issued token is bound to the file's key");
  assert.equal(token.jkt, cnf?.jkt);
});

void test('createOktaClient checks every DPoP key at construction: garbage, the client key reused, a bad algorithm', () => {
  const base = { orgUrl: emu.url, clientId: '0oa1', privateKey: clientPem, keyId: 'k' };
  const garbagePath = join(dir, 'garbage.jwk');
  writeFileSync(garbagePath, '{"kty":"EC","crv":"P-256","d":"not-base64"}', { mode: 0o600 });
  const cases: [string, () => unknown, (e: unknown) => boolean][] = [
    [
      'garbage PEM in dpop.key',
      () => createOktaClient({ ...base, dpop: { key: garbled } }),
      (e) => e instanceof KeyError && /^dpop\.key is not a valid PEM private key/.test(e.message),
    ],
    [
      'a garbage JWK file',
      () => createOktaClient({ ...base, dpop: { keyPath: garbagePath } }),
      (e) =>
        e instanceof KeyError &&
        e.message.startsWith(`The DPoP key file ${garbagePath} is not a valid private JWK`) &&
        /every member/.test(e.hint ?? ''),
    ],
    [
      'the client key reused as DPoP key',
      () => createOktaClient({ ...base, dpop: { key: clientPem } }),
      (e) =>
        e instanceof KeyError &&
        /DPoP key is the client-authentication key/.test(e.message) &&
        /separate|different/.test(e.hint ?? ''),
    ],
    [
      'an algorithm that does not fit the key',
      () => createOktaClient({ ...base, dpop: { key: ec.privateKey, alg: 'RS256' } }),
      (e) =>
        e instanceof KeyError &&
        /RS256 does not fit the DPoP key/.test(e.message) &&
        /Set dpop\.alg to ES256/.test(e.hint ?? ''),
    ],
    [
      'an algorithm Okta does not accept',
      () => createOktaClient({ ...base, dpop: { key: ec.privateKey, alg: 'PS256' as never } }),
      (e) =>
        e instanceof ConfigError &&
        e.problems.some((p) => p.option === 'dpop' && /dpop\.alg/.test(p.message)),
    ],
  ];
  for (const [name, create, check] of cases) {
    assert.throws(create, (e: unknown) => check(e) || assert.fail(`${name}: ${String(e)}`), name);
  }
});
