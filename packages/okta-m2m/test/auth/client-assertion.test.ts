import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import { createClientAssertion } from '../../src/auth/client-assertion.js';
import { loadSigningKey } from '../../src/auth/keys.js';
import { decodeJwt } from '../helpers/token-fakes.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const audience = 'https://acme.okta.com/oauth2/v1/token';
const now = Date.UTC(2026, 0, 1, 12, 0, 0, 750);

void test('header alg + kid + typ JWT; claims iss = sub = client id, aud = token endpoint, iat, exp, jti', async () => {
  const key = loadSigningKey({ privateKey: rsa.privateKey, keyId: 'kid-7' });
  const jwt = await createClientAssertion(key, {
    clientId: '0oa1',
    audience,
    lifetimeSeconds: 300,
    now,
    jti: 'jti-1',
  });
  const { header, payload } = decodeJwt(jwt);
  assert.deepEqual(header, { alg: 'RS256', kid: 'kid-7', typ: 'JWT' });
  const iat = Math.floor(now / 1000);
  assert.deepEqual(payload, { jti: 'jti-1', iss: '0oa1', sub: '0oa1', aud: audience, iat, exp: iat + 300 });
  assert.equal(typeof payload['aud'], 'string', 'aud is a single string, not an array');
  // The signature verifies with the public key.
  const verified = await jwtVerify(jwt, createPublicKey(rsa.privateKey), { currentDate: new Date(now) });
  assert.equal(verified.payload.sub, '0oa1');
});

void test('ES256 keys sign ES256 assertions that verify', async () => {
  const key = loadSigningKey({ privateKey: ec.privateKey, keyId: 'e' });
  const jwt = await createClientAssertion(key, {
    clientId: 'c',
    audience,
    lifetimeSeconds: 60,
    now,
    jti: 'x',
  });
  assert.equal(decodeJwt(jwt).header['alg'], 'ES256');
  await jwtVerify(jwt, ec.publicKey, { currentDate: new Date(now) });
});

void test('every call carries the jti it is given (fresh per call)', async () => {
  const key = loadSigningKey({ privateKey: ec.privateKey, keyId: 'e' });
  const a = await createClientAssertion(key, {
    clientId: 'c',
    audience,
    lifetimeSeconds: 60,
    now,
    jti: 'one',
  });
  const b = await createClientAssertion(key, {
    clientId: 'c',
    audience,
    lifetimeSeconds: 60,
    now,
    jti: 'two',
  });
  assert.equal(decodeJwt(a).payload['jti'], 'one');
  assert.equal(decodeJwt(b).payload['jti'], 'two');
  assert.notEqual(a, b);
});

void test('lifetime must be 1..3300 seconds: exactly 3600 is refused (no margin for a fast clock)', async () => {
  const key = loadSigningKey({ privateKey: ec.privateKey, keyId: 'e' });
  for (const lifetimeSeconds of [3600, 3301]) {
    await assert.rejects(
      createClientAssertion(key, { clientId: 'c', audience, lifetimeSeconds, now, jti: 'x' }),
      RangeError,
    );
  }
  const jwt = await createClientAssertion(key, {
    clientId: 'c',
    audience,
    lifetimeSeconds: 3300,
    now,
    jti: 'x',
  });
  const { payload } = decodeJwt(jwt);
  assert.equal((payload['exp'] as number) - (payload['iat'] as number), 3300);
});
