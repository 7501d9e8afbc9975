import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey, type JsonWebKey } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { createClientAssertion } from '../../src/auth/client-assertion.js';
import { generateKeyPair, jwkThumbprint, loadSigningKey } from '../../src/auth/keys.js';
import { KeyError } from '../../src/errors.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rsaPkcs8 = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const rsaPkcs1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
const ecSec1 = ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
const ecPkcs8 = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const rsaJwk = rsa.privateKey.export({ format: 'jwk' });

function keyError(fn: () => unknown, pattern: RegExp): KeyError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KeyError, `expected KeyError, got ${String(caught)}`);
  assert.equal(caught.code, 'OKTA_M2M_KEY');
  assert.match(caught.message, pattern);
  assert.ok(caught.hint, 'a KeyError carries a hint');
  return caught;
}

void describe('loadSigningKey: accepted forms', () => {
  void test('PKCS#8 RSA PEM signs RS256; kid from keyId', () => {
    const key = loadSigningKey({ privateKey: rsaPkcs8, keyId: 'kid-1' });
    assert.equal(key.alg, 'RS256');
    assert.equal(key.kid, 'kid-1');
    assert.equal(key.kidSource, 'keyId');
    assert.equal(key.keyObject.type, 'private');
  });

  void test('PKCS#1 RSA PEM ("BEGIN RSA PRIVATE KEY")', () => {
    assert.ok(rsaPkcs1.includes('BEGIN RSA PRIVATE KEY'));
    assert.equal(loadSigningKey({ privateKey: rsaPkcs1 }).alg, 'RS256');
  });

  void test('SEC1 and PKCS#8 EC P-256 PEM sign ES256', () => {
    assert.ok(ecSec1.includes('BEGIN EC PRIVATE KEY'));
    assert.equal(loadSigningKey({ privateKey: ecSec1 }).alg, 'ES256');
    assert.equal(loadSigningKey({ privateKey: ecPkcs8 }).alg, 'ES256');
  });

  void test('JWK object and JWK JSON text; the JWK kid wins when keyId agrees', () => {
    const jwk = { ...rsaJwk, kid: 'from-jwk' };
    const a = loadSigningKey({ privateKey: jwk });
    assert.equal(a.kid, 'from-jwk');
    assert.equal(a.kidSource, 'jwk');
    const b = loadSigningKey({ privateKey: JSON.stringify(jwk), keyId: 'from-jwk' });
    assert.equal(b.kid, 'from-jwk');
  });

  void test('KeyObject input', () => {
    assert.equal(loadSigningKey({ privateKey: ec.privateKey, keyId: 'k' }).alg, 'ES256');
  });

  void test('no kid is guessed: without keyId a PEM key has none, and the assertion header carries no kid', async () => {
    const key = loadSigningKey({ privateKey: rsaPkcs8 });
    assert.equal(key.kidSource, 'none');
    assert.equal(key.kid, undefined);
    const expected = await calculateJwkThumbprint(
      createPublicKey(rsa.privateKey).export({ format: 'jwk' }) as never,
    );
    assert.equal(key.thumbprint, expected, 'the thumbprint is still known, but not sent as kid');
    assert.deepEqual(JSON.parse(JSON.stringify(key)), { alg: 'RS256' });
    assert.equal(key.publicJwk().kid, undefined);
    const assertion = await createClientAssertion(key, {
      clientId: '0oa1',
      audience: 'https://example.okta.com/oauth2/v1/token',
      lifetimeSeconds: 60,
      now: Date.now(),
      jti: 'j1',
    });
    const header = decodeProtectedHeader(assertion);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'typ']);
  });

  void test('publicJwk carries kid, alg, use and no private members', () => {
    const jwk = loadSigningKey({ privateKey: ecPkcs8, keyId: 'e1' }).publicJwk() as unknown as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    assert.equal(jwk['kid'], 'e1');
    assert.equal(jwk['use'], 'sig');
  });

  void test('JSON.stringify and util.inspect show no key material', () => {
    const key = loadSigningKey({ privateKey: { ...rsaJwk, kid: 'k1' } });
    assert.equal(JSON.stringify(key), '{"alg":"RS256","kid":"k1"}');
    const shown = inspect(key, { depth: 10, showHidden: true });
    assert.equal(shown, "SigningKey { alg: 'RS256', kid: 'k1' }");
    assert.ok(!shown.includes(rsaJwk.d!));
  });
});

void describe('loadSigningKey: KeyErrors', () => {
  void test('public PEM where a private key belongs', () => {
    const pub = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    keyError(() => loadSigningKey({ privateKey: pub }), /public key/);
    const pkcs1Pub = rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    keyError(() => loadSigningKey({ privateKey: pkcs1Pub }), /public key/);
  });

  void test('public JWK and public KeyObject', () => {
    const pubJwk = rsa.publicKey.export({ format: 'jwk' }) as JsonWebKey;
    keyError(() => loadSigningKey({ privateKey: pubJwk }), /public JWK/);
    keyError(() => loadSigningKey({ privateKey: rsa.publicKey }), /public KeyObject/);
  });

  void test('malformed PEM; the message does not echo the input', () => {
    const broken = rsaPkcs8.slice(0, 200) + '\n-----END PRIVATE KEY-----\n';
    const e = keyError(() => loadSigningKey({ privateKey: broken }), /not a valid PEM private key/);
    assert.ok(!e.message.includes(rsaPkcs8.slice(40, 80)));
    assert.equal(e.cause, undefined);
  });

  void test('text that is neither PEM nor JWK', () => {
    keyError(() => loadSigningKey({ privateKey: 'not a key' }), /neither PEM nor a JWK/);
    keyError(() => loadSigningKey({ privateKey: '{"oops": ' }), /not a valid JWK/);
  });

  void test('RSA shorter than 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    keyError(
      () =>
        loadSigningKey({ privateKey: small.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }),
      /1024 bits; at least 2048/,
    );
  });

  void test('unsupported curve and key type', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    keyError(() => loadSigningKey({ privateKey: p384.privateKey }), /curve secp384r1/);
    const ed = generateKeyPairSync('ed25519');
    keyError(() => loadSigningKey({ privateKey: ed.privateKey }), /ed25519 key, which is not supported/);
    keyError(() => loadSigningKey({ privateKey: { kty: 'oct', k: 'abc' } }), /symmetric \(oct\) JWK/);
  });

  void test('keyId that differs from the JWK kid', () => {
    keyError(
      () => loadSigningKey({ privateKey: { ...rsaJwk, kid: 'jwk-kid' }, keyId: 'other' }),
      /keyId "other" differs from the kid "jwk-kid"/,
    );
  });

  void test('encrypted PEM', () => {
    const enc = rsa.privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    keyError(() => loadSigningKey({ privateKey: enc }), /encrypted/);
  });

  void test('JWK alg that does not fit the key', () => {
    keyError(() => loadSigningKey({ privateKey: { ...rsaJwk, alg: 'RS512' } }), /alg RS512/);
  });

  void test('no key at all, and both sources', () => {
    keyError(() => loadSigningKey({}), /No private key/);
    keyError(() => loadSigningKey({ privateKey: rsaPkcs8, privateKeyPath: '/x' }), /Both/);
  });
});

void describe('loadSigningKey: key files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'okta-m2m-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void test('a 600 file loads (PEM and JWK JSON)', () => {
    const pem = join(dir, 'key.pem');
    writeFileSync(pem, rsaPkcs8, { mode: 0o600 });
    chmodSync(pem, 0o600);
    assert.equal(loadSigningKey({ privateKeyPath: pem, keyId: 'k' }).alg, 'RS256');
    const json = join(dir, 'key.json');
    writeFileSync(json, JSON.stringify({ ...rsaJwk, kid: 'file-kid' }), { mode: 0o600 });
    chmodSync(json, 0o600);
    assert.equal(loadSigningKey({ privateKeyPath: json }).kid, 'file-kid');
  });

  void test(
    'a file readable by group/others is refused with the chmod fix, unless allowed',
    { skip: process.platform === 'win32' },
    () => {
      const path = join(dir, 'loose.pem');
      writeFileSync(path, rsaPkcs8);
      chmodSync(path, 0o644);
      const e = keyError(
        () => loadSigningKey({ privateKeyPath: path }),
        /readable by other users \(mode 644\)/,
      );
      assert.ok(e.message.includes(path));
      assert.ok(e.hint?.includes(`chmod 600 ${path}`));
      assert.ok(!e.message.includes('BEGIN'));
      chmodSync(path, 0o640);
      keyError(() => loadSigningKey({ privateKeyPath: path }), /mode 640/);
      assert.equal(loadSigningKey({ privateKeyPath: path, allowInsecureKeyFile: true }).alg, 'RS256');
    },
  );

  void test('a missing file names the path', () => {
    const e = keyError(
      () => loadSigningKey({ privateKeyPath: join(dir, 'nope.pem') }),
      /nope\.pem \(ENOENT\)/,
    );
    assert.match(e.hint ?? '', /does not exist/);
  });
});

void describe('generateKeyPair', () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    void test(`${alg}: PKCS#8 PEM + public JWK with kid = thumbprint, alg, use`, async () => {
      const pair = await generateKeyPair({ alg });
      assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(pair.publicJwk.alg, alg);
      assert.equal(pair.publicJwk.use, 'sig');
      assert.equal(pair.publicJwk.kid, jwkThumbprint(pair.publicJwk));
      assert.equal((pair.publicJwk as unknown as Record<string, unknown>)['d'], undefined);
      const loaded = loadSigningKey({ privateKey: pair.privateKeyPem, keyId: pair.kid });
      assert.equal(loaded.kid, pair.kid);
      assert.equal(loaded.thumbprint, pair.kid);
      assert.equal(loaded.alg, alg);
    });
  }
});
