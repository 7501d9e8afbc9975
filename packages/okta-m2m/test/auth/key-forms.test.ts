// The key forms users hand the one importer (auth/keys.ts, shared by the client and DPoP keys): a Buffer of PEM or
// JWK text (readFileSync without an encoding), a JWK set as an object, a PEM bundle of certificate and key, an
// encryption JWK, and a DPoP JWK whose `alg` contradicts its key or dpop.alg. Each either works or is refused with
// a KeyError naming the problem and the fix, and no message carries key material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { importDpopKey } from '../../src/auth/dpop-key.js';
import { loadSigningKey } from '../../src/auth/keys.js';
import { KeyError } from '../../src/errors.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rsaPem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const ecPem = ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const rsaJwk = rsa.privateKey.export({ format: 'jwk' });
const ecJwk = ec.privateKey.export({ format: 'jwk' });
// A certificate block as a bundle carries it (its content is never parsed: the private key block is taken).
const cert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n';

/** Secret fragments no message may show. */
const secrets = [rsaJwk.d!, ecJwk.d!, rsaPem.split('\n')[1]!, ecPem.split('\n')[1]!];

function refusal(fn: () => unknown, message: RegExp): KeyError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof KeyError, `a KeyError, got ${String(caught)}`);
  assert.match(caught.message, message);
  assert.ok(caught.hint !== undefined && caught.hint.length > 0, 'a hint naming the fix');
  for (const text of [caught.message, caught.hint]) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `no key material in: ${text}`);
  }
  return caught;
}

void test('a Buffer or Uint8Array of PEM or JWK text is read as UTF-8, for both keys', () => {
  const client = loadSigningKey({ privateKey: Buffer.from(rsaPem) });
  assert.equal(client.alg, 'RS256');
  const fromJwk = loadSigningKey({
    privateKey: new TextEncoder().encode(JSON.stringify({ ...ecJwk, kid: 'k1' })),
  });
  assert.deepEqual([fromJwk.alg, fromJwk.kid], ['ES256', 'k1']);
  assert.equal(importDpopKey(Buffer.from(ecPem), undefined).alg, 'ES256');
  assert.equal(importDpopKey(Buffer.from(JSON.stringify(ecJwk)), undefined).alg, 'ES256');
  // A Buffer of garbage gets the text's message, not "a JWK of type undefined".
  refusal(() => loadSigningKey({ privateKey: Buffer.from('garbage') }), /neither PEM nor a JWK/);
});

void test('a JWK set given as an object gets the JWK-set message, as its text does', () => {
  const set = { keys: [rsaJwk] };
  refusal(() => loadSigningKey({ privateKey: set as never }), /is a JWK set; give the single private JWK/);
  refusal(() => importDpopKey({ keys: [ecJwk] } as never, undefined), /is a JWK set/);
  refusal(() => loadSigningKey({ privateKey: JSON.stringify(set) }), /is a JWK set/);
});

void test('a PEM bundle: the one private-key block is found next to certificates', () => {
  assert.equal(loadSigningKey({ privateKey: cert + rsaPem }).alg, 'RS256');
  assert.equal(loadSigningKey({ privateKey: rsaPem + cert }).alg, 'RS256');
  assert.equal(importDpopKey(cert + ecPem, undefined).alg, 'ES256');
  // A certificate alone is still refused as a public key; two private keys are ambiguous.
  refusal(() => loadSigningKey({ privateKey: cert }), /holds a public key \(CERTIFICATE\)/);
  refusal(() => loadSigningKey({ privateKey: rsaPem + ecPem }), /holds 2 private keys/);
});

void test('a JWK marked for encryption (use "enc") is refused as a signing key, for both keys', () => {
  const e = refusal(
    () => loadSigningKey({ privateKey: { ...rsaJwk, use: 'enc' } as never }),
    /use "enc"; a key that signs must not be an encryption key/,
  );
  assert.match(e.hint!, /use "sig"/);
  refusal(() => importDpopKey({ ...ecJwk, use: 'enc' } as never, undefined), /use "enc"/);
  // use "sig" (or none) is fine.
  assert.equal(loadSigningKey({ privateKey: { ...rsaJwk, use: 'sig' } as never }).alg, 'RS256');
});

void test("a DPoP JWK whose alg contradicts its key, Okta's list or dpop.alg is refused", () => {
  refusal(
    () => importDpopKey({ ...ecJwk, alg: 'RS256' } as never, undefined, 'dpop.key'),
    /dpop\.key is a JWK with alg RS256, which does not fit its key \(this EC key signs with ES256\)/,
  );
  refusal(
    () => importDpopKey({ ...rsaJwk, alg: 'ES256' } as never, undefined),
    /alg ES256, which does not fit its key \(an RSA key signs with RS256, RS384 or RS512\)/,
  );
  refusal(() => importDpopKey({ ...ecJwk, alg: 'PS256' } as never, undefined), /alg PS256, which Okta/);
  refusal(
    () => importDpopKey({ ...rsaJwk, alg: 'RS384' } as never, 'RS256'),
    /alg RS384, but dpop\.alg is RS256/,
  );
  // A JWK alg that fits is used: an RSA JWK marked RS384 signs proofs with RS384.
  assert.equal(importDpopKey({ ...rsaJwk, alg: 'RS384' } as never, undefined).alg, 'RS384');
  assert.equal(importDpopKey({ ...ecJwk, alg: 'ES256' } as never, 'ES256').alg, 'ES256');
});
