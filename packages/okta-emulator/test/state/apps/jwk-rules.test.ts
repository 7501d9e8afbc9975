import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { JWK_CAUSES, parsePublicJwk } from '../../../src/state/apps/jwk-rules.js';
import { OktaApiError } from '../../../src/lib/errors.js';

function rsa(bits = 2048): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
}

function ec(namedCurve = 'P-256'): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve });
  return publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
}

/** The cause of the E0000001 `parsePublicJwk` throws for `jwk`. */
function refusal(jwk: unknown): string {
  try {
    parsePublicJwk(jwk);
  } catch (err) {
    assert.ok(err instanceof OktaApiError, String(err));
    assert.equal(err.errorCode, 'E0000001');
    assert.equal(err.statusCode, 400);
    const causes = err.options.causes ?? [];
    assert.equal(causes.length, 1);
    return String(causes[0]);
  }
  assert.fail(`accepted ${JSON.stringify(jwk).slice(0, 120)}`);
}

/** Okta's own example of an IdP signing key: an RSA JWK with the x5c certificate of that key. */
function oktaExampleKeyWithX5c(): Record<string, unknown> {
  const spec = yaml.load(
    readFileSync(fileURLToPath(new URL('../../../reference/management.yaml', import.meta.url)), 'utf8'),
  ) as { components: { examples: Record<string, { value: Record<string, unknown>[] }> } };
  const key = spec.components.examples.ActiveIdPSigningKeyCredentialResponse!.value[0]!;
  // The example's `n` mixes base64 and base64url characters; the key members must be base64url.
  const n = String(key.n).replace(/\+/g, '-').replace(/\//g, '_');
  return { kty: key.kty, kid: key.kid, use: key.use, e: key.e, n, x5c: key.x5c };
}

void describe('JWKS keys are validated as Okta does', () => {
  void test('well-formed RSA 2048–4096 and EC P-256/384/521 keys are accepted', () => {
    for (const jwk of [rsa(2048), rsa(4096), ec('P-256'), ec('P-384'), ec('P-521')]) {
      const stored = parsePublicJwk({ ...jwk, kid: 'k', use: 'sig' });
      assert.equal(stored.kty, jwk.kty);
    }
  });

  void test('RSA exponents other than 65537 are refused ("e":"AQ" is 1, "AA" is 0)', () => {
    const key = rsa();
    for (const e of ['AQ', 'AA', 'Aw', 'AQAC']) {
      assert.equal(refusal({ ...key, e }), JWK_CAUSES.rsaExponent, e);
    }
  });

  void test('members that are not unpadded base64url are refused', () => {
    const key = rsa();
    for (const bad of [{ e: 'AQ==' }, { e: '+/8' }, { n: `${String(key.n)}=` }, { n: 'a b' }, { e: 7 }]) {
      assert.equal(refusal({ ...key, ...bad }), JWK_CAUSES.invalidKey, JSON.stringify(bad));
    }
  });

  void test('RSA keys outside 2048–4096 bits are refused, a made-up 16k-bit modulus included', () => {
    assert.equal(refusal(rsa(1024)), JWK_CAUSES.rsaTooShort);
    const huge = Buffer.alloc(2048, 0xff).toString('base64url');
    assert.equal(refusal({ kty: 'RSA', e: 'AQAB', n: huge }), JWK_CAUSES.rsaTooLong);
  });

  void test('members of another key type are refused (an EC key carrying n and e)', () => {
    const key = ec();
    assert.equal(refusal({ ...key, n: rsa().n, e: 'AQAB' }), JWK_CAUSES.foreignMembers);
    assert.equal(refusal({ ...rsa(), crv: 'P-256' }), JWK_CAUSES.foreignMembers);
  });

  void test('use other than "sig" is refused with Okta\'s cause', () => {
    for (const use of ['enc', '', 'SIG', 1]) {
      assert.equal(
        refusal({ ...rsa(), use }),
        "Invalid value specified for key 'use' parameter",
        String(use),
      );
    }
  });

  void test('EC keys: only P-256/384/521, coordinates of the curve size, and the point on the curve', () => {
    const key = ec();
    assert.equal(refusal({ ...key, crv: 'secp256k1' }), JWK_CAUSES.invalidKey);
    assert.equal(refusal({ ...key, crv: 'toString' }), JWK_CAUSES.invalidKey);
    assert.equal(refusal({ ...key, x: Buffer.alloc(31, 1).toString('base64url') }), JWK_CAUSES.invalidKey);
    const offCurve = {
      ...key,
      x: Buffer.alloc(32, 1).toString('base64url'),
      y: Buffer.alloc(32, 2).toString('base64url'),
    };
    assert.equal(refusal(offCurve), JWK_CAUSES.invalidKey);
  });

  void test('x5c must be base64 DER certificates, the first one for this key', () => {
    const good = oktaExampleKeyWithX5c();
    assert.equal(parsePublicJwk(good).kty, 'RSA');
    for (const x5c of [
      ['!!!'],
      ['AAAA'],
      [Buffer.from('not a certificate').toString('base64')],
      [],
      'MIIB',
      [7],
    ]) {
      assert.equal(refusal({ ...good, x5c }), JWK_CAUSES.invalidX5c, JSON.stringify(x5c));
    }
    // The certificate of another key.
    assert.equal(refusal({ ...rsa(), x5c: good.x5c }), JWK_CAUSES.invalidX5c);
  });

  void test('names from the request never reach inherited members (kty "constructor", "__proto__")', () => {
    for (const kty of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(refusal({ kty, n: 'x', e: 'AQAB' }), JWK_CAUSES.invalidKey, kty);
    }
  });
});
