import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { jwkThumbprint, parseCompactJwt, publicKeyFromJwk, verifyCompactJws } from '../../src/lib/jws.js';

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An ES256 compact JWS with the public key in its header, like a DPoP proof. */
function es256(payload: Record<string, unknown>) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const header = b64({ typ: 'dpop+jwt', alg: 'ES256', jwk });
  const make = (claims: Record<string, unknown>) => {
    const input = `${header}.${b64(claims)}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  };
  return { jwk, make, first: make(payload) };
}

void test('a repeated header is decoded once: the same frozen object, with the thumbprint of its key', () => {
  const { jwk, make, first } = es256({ jti: 'a' });
  const one = parseCompactJwt(first);
  const two = parseCompactJwt(make({ jti: 'b' }));
  assert.ok(one && two);
  assert.equal(two.header, one.header, 'the cached header is shared');
  assert.equal(two.payload['jti'], 'b', 'payloads are decoded per token');
  assert.ok(Object.isFrozen(one.header) && Object.isFrozen(one.header['jwk']));
  assert.throws(() => {
    (one.header as Record<string, unknown>)['alg'] = 'none';
  }, TypeError);
  const canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  const expected = createHash('sha256').update(canonical).digest('base64url');
  assert.equal(jwkThumbprint(one.header['jwk'] as Record<string, unknown>), expected);
  assert.equal(jwkThumbprint(two.header['jwk'] as Record<string, unknown>), expected, 'memoised value');
});

void test('the signature is still checked for every token that shares a cached header', () => {
  const { make, first } = es256({ jti: 'a' });
  const parsed = parseCompactJwt(first);
  assert.ok(parsed);
  const key = publicKeyFromJwk(parsed.header['jwk'] as Record<string, unknown>);
  assert.equal(verifyCompactJws(first, 'ES256', key), 'ok');
  const other = make({ jti: 'b' });
  assert.ok(parseCompactJwt(other));
  assert.equal(verifyCompactJws(other, 'ES256', key), 'ok');
  // Same header, payload swapped after signing: refused.
  const [h, , s] = other.split('.');
  assert.equal(verifyCompactJws(`${h}.${b64({ jti: 'c' })}.${s}`, 'ES256', key), 'bad-signature');
});
