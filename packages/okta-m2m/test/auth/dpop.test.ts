import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, importJWK, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import { createDpopProver, normalizeHtu } from '../../src/auth/dpop.js';
import type { DpopAlgorithm } from '../../src/auth/dpop.js';
import { KeyError } from '../../src/errors.js';

const NOW_MS = 1_700_000_123_456;
const TOKEN_URL = new URL('https://acme.okta.com/oauth2/v1/token');

function fakeDeps(): { clock: () => number; uuid: () => string } {
  let n = 0;
  return { clock: () => NOW_MS, uuid: () => `jti-${++n}` };
}

/** Verify a proof with the key embedded in its own header, as a server does, and return header and claims. */
async function verifyProof(proof: string) {
  const header = decodeProtectedHeader(proof);
  assert.equal(header.typ, 'dpop+jwt');
  assert.ok(header.jwk, 'the proof header carries the public key');
  const key = await importJWK(header.jwk as JWK, header.alg);
  const { payload, protectedHeader } = await jwtVerify(proof, key, {
    typ: 'dpop+jwt',
    currentDate: new Date(NOW_MS),
  });
  return { header: protectedHeader, claims: payload, jwk: header.jwk as JWK };
}

void describe('createDpopProver: proofs', () => {
  void it('signs an ES256 proof with typ dpop+jwt, the public jwk only, and the RFC 9449 claims', async () => {
    const prover = await createDpopProver({ deps: fakeDeps() });
    assert.equal(prover.alg, 'ES256');
    const proof = await prover.proof({ method: 'post', url: TOKEN_URL });
    const { header, claims, jwk } = await verifyProof(proof);
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'jwk', 'typ']);
    assert.deepEqual(Object.keys(jwk).sort(), ['crv', 'kty', 'x', 'y']);
    assert.equal(jwk.crv, 'P-256');
    assert.deepEqual(claims, {
      htm: 'POST',
      htu: 'https://acme.okta.com/oauth2/v1/token',
      iat: Math.floor(NOW_MS / 1000),
      jti: 'jti-1',
    });
    assert.equal(prover.thumbprint, await calculateJwkThumbprint(jwk, 'sha256'));
  });

  void it('gives every proof a fresh jti, even for the same request', async () => {
    const prover = await createDpopProver({ deps: { clock: () => NOW_MS, uuid: () => randomUUID() } });
    const jtis = new Set<string>();
    const url = new URL('https://acme.okta.com/api/v1/users');
    for (let i = 0; i < 5; i++) {
      const { claims } = await verifyProof(await prover.proof({ method: 'GET', url }));
      jtis.add(String(claims.jti));
    }
    assert.equal(jtis.size, 5);
  });

  void it('adds ath = base64url(SHA-256(access token)) when a token is given, and none otherwise', async () => {
    const prover = await createDpopProver({ deps: fakeDeps() });
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2EifQ.c2ln';
    const { claims } = await verifyProof(
      await prover.proof({
        method: 'GET',
        url: new URL('https://acme.okta.com/api/v1/users/00u1'),
        accessToken: token,
      }),
    );
    assert.equal(claims['ath'], createHash('sha256').update(token).digest('base64url'));
    // Known vector: SHA-256("abc") in base64url.
    const abc = await verifyProof(await prover.proof({ method: 'GET', url: TOKEN_URL, accessToken: 'abc' }));
    assert.equal(abc.claims['ath'], 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    // The prover remembers the last token's hash: switching back must hash the first token again.
    const again = await verifyProof(
      await prover.proof({ method: 'GET', url: TOKEN_URL, accessToken: token }),
    );
    assert.equal(again.claims['ath'], claims['ath']);
    const none = await verifyProof(await prover.proof({ method: 'GET', url: TOKEN_URL }));
    assert.equal(none.claims['ath'], undefined);
  });

  void it('puts the normalised htu in the proof (no query, decoded %40)', async () => {
    const prover = await createDpopProver({ deps: fakeDeps() });
    const url = new URL('https://acme.okta.com/api/v1/users/ada%40example.com?expand=x#frag');
    const { claims } = await verifyProof(await prover.proof({ method: 'GET', url }));
    assert.equal(claims['htu'], 'https://acme.okta.com/api/v1/users/ada@example.com');
  });

  for (const alg of ['ES384', 'ES512', 'RS256', 'RS384', 'RS512'] as const) {
    void it(`generates a ${alg} key on request and signs verifiable proofs with it`, async () => {
      const prover = await createDpopProver({ alg, deps: fakeDeps() });
      assert.equal(prover.alg, alg);
      const { header, jwk } = await verifyProof(await prover.proof({ method: 'POST', url: TOKEN_URL }));
      assert.equal(header.alg, alg);
      if (alg.startsWith('RS')) assert.deepEqual(Object.keys(jwk).sort(), ['e', 'kty', 'n']);
      assert.equal(prover.thumbprint, await calculateJwkThumbprint(jwk, 'sha256'));
    });
  }
});

void describe('createDpopProver: nonce memory', () => {
  void it('remembers a nonce per origin, uses it in proofs, and replaces it when the server sends a new one', async () => {
    const prover = await createDpopProver({ deps: fakeDeps() });
    const other = new URL('https://other.okta.com/oauth2/v1/token');
    assert.equal(prover.nonceFor(TOKEN_URL), undefined);

    prover.rememberNonce(TOKEN_URL, 'n-1');
    assert.equal(
      prover.nonceFor(new URL('https://acme.okta.com/api/v1/users')),
      'n-1',
      'same origin, any path',
    );
    assert.equal(prover.nonceFor(other), undefined, 'another origin has its own memory');
    assert.equal(
      prover.nonceFor(new URL('https://acme.okta.com:8443/x')),
      undefined,
      'the port is part of the origin',
    );

    let { claims } = await verifyProof(await prover.proof({ method: 'POST', url: TOKEN_URL }));
    assert.equal(claims['nonce'], 'n-1');

    prover.rememberNonce(TOKEN_URL, 'n-2');
    ({ claims } = await verifyProof(await prover.proof({ method: 'POST', url: TOKEN_URL })));
    assert.equal(claims['nonce'], 'n-2');

    ({ claims } = await verifyProof(await prover.proof({ method: 'POST', url: TOKEN_URL, nonce: 'given' })));
    assert.equal(claims['nonce'], 'given', 'an explicit nonce wins');

    ({ claims } = await verifyProof(await prover.proof({ method: 'POST', url: other })));
    assert.equal(claims['nonce'], undefined);
  });

  void it('ignores an empty nonce', async () => {
    const prover = await createDpopProver({ deps: fakeDeps() });
    prover.rememberNonce(TOKEN_URL, 'n-1');
    prover.rememberNonce(TOKEN_URL, '');
    assert.equal(prover.nonceFor(TOKEN_URL), 'n-1');
  });
});

void describe('normalizeHtu', () => {
  const table: [string, string][] = [
    ['https://acme.okta.com/oauth2/v1/token', 'https://acme.okta.com/oauth2/v1/token'],
    ['https://acme.okta.com/api/v1/users?limit=2&after=x', 'https://acme.okta.com/api/v1/users'],
    ['https://acme.okta.com/api/v1/users#frag', 'https://acme.okta.com/api/v1/users'],
    ['https://acme.okta.com/api/v1/users/a%40b.com', 'https://acme.okta.com/api/v1/users/a@b.com'],
    ['https://acme.okta.com/api/v1/users/a@b.com', 'https://acme.okta.com/api/v1/users/a@b.com'],
    ['https://acme.okta.com/api/v1/users/a%2Bb%40c.com', 'https://acme.okta.com/api/v1/users/a+b@c.com'],
    ['https://acme.okta.com/api/v1/users/%C3%A9l%C3%A8ve', 'https://acme.okta.com/api/v1/users/élève'],
    ['https://acme.okta.com/api/v1/users/%E2%82%AC%F0%9F%98%80', 'https://acme.okta.com/api/v1/users/€😀'],
    ['https://acme.okta.com/api/v1/users/caf%C3', 'https://acme.okta.com/api/v1/users/caf%C3'],
    ['https://ACME.Okta.COM:443/api/v1/users', 'https://acme.okta.com/api/v1/users'],
    ['http://127.0.0.1:80/api/v1/users', 'http://127.0.0.1/api/v1/users'],
    ['http://127.0.0.1:8080/api/v1/users', 'http://127.0.0.1:8080/api/v1/users'],
    ['https://acme.okta.com:8443/api', 'https://acme.okta.com:8443/api'],
    ['https://acme.okta.com//api/v1//users', 'https://acme.okta.com/api/v1/users'],
    ['https://acme.okta.com', 'https://acme.okta.com/'],
    ['https://acme.okta.com/api/v1/./users/../users', 'https://acme.okta.com/api/v1/users'],
    ['https://user:pw@acme.okta.com/api', 'https://acme.okta.com/api'],
    // Kept encoded: structure-changing or not allowed raw in a URI (upper-case hex).
    ['https://acme.okta.com/api/v1/users/a%2fb', 'https://acme.okta.com/api/v1/users/a%2Fb'],
    ['https://acme.okta.com/api/v1/users/100%25', 'https://acme.okta.com/api/v1/users/100%25'],
    ['https://acme.okta.com/api/v1/users/a%3Fb%23c', 'https://acme.okta.com/api/v1/users/a%3Fb%23c'],
    ['https://acme.okta.com/api/v1/users/a%20b', 'https://acme.okta.com/api/v1/users/a%20b'],
    ['https://acme.okta.com/api/v1/users/a b', 'https://acme.okta.com/api/v1/users/a%20b'],
    // Invalid UTF-8 stays as it was.
    ['https://acme.okta.com/api/v1/users/%ff%41', 'https://acme.okta.com/api/v1/users/%FFA'],
  ];
  for (const [input, expected] of table) {
    void it(`${input} -> ${expected}`, () => {
      assert.equal(normalizeHtu(input), expected);
      assert.equal(normalizeHtu(new URL(input)), expected);
    });
  }

  void it('refuses a relative or non-http URL with a DpopError', () => {
    assert.throws(() => normalizeHtu('/api/v1/users'), { code: 'OKTA_M2M_DPOP' });
    assert.throws(() => normalizeHtu('ftp://acme.okta.com/x'), { code: 'OKTA_M2M_DPOP', message: /ftp:/ });
  });
});

void describe('createDpopProver: key loading', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  void it('loads PKCS#8, SEC1 and PKCS#1 PEM, a private JWK and a KeyObject, and signs with that key', async () => {
    const inputs: [string, string | object, DpopAlgorithm][] = [
      ['PKCS#8 EC', ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'ES256'],
      ['SEC1 EC', ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString(), 'ES256'],
      ['PKCS#1 RSA', rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(), 'RS256'],
      ['PKCS#8 RSA', rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'RS256'],
      ['JWK EC', ec.privateKey.export({ format: 'jwk' }), 'ES256'],
    ];
    const ecThumb = await calculateJwkThumbprint(await exportJWK(ec.publicKey), 'sha256');
    const rsaThumb = await calculateJwkThumbprint(await exportJWK(rsa.publicKey), 'sha256');
    for (const [name, key, alg] of inputs) {
      const prover = await createDpopProver({ key: key as string, deps: fakeDeps() });
      assert.equal(prover.alg, alg, name);
      assert.equal(prover.thumbprint, alg === 'ES256' ? ecThumb : rsaThumb, name);
      await verifyProof(await prover.proof({ method: 'GET', url: TOKEN_URL }));
    }
    const fromObject = await createDpopProver({ key: ec.privateKey, deps: fakeDeps() });
    assert.equal(fromObject.thumbprint, ecThumb);
    const rs512 = await createDpopProver({ key: rsa.privateKey, alg: 'RS512', deps: fakeDeps() });
    assert.equal(
      (await verifyProof(await rs512.proof({ method: 'GET', url: TOKEN_URL }))).header.alg,
      'RS512',
    );
  });

  const refusals: [string, () => Parameters<typeof createDpopProver>[0], RegExp][] = [
    [
      'a public PEM',
      () => ({ key: ec.publicKey.export({ format: 'pem', type: 'spki' }).toString(), deps: fakeDeps() }),
      /public key/,
    ],
    [
      'a public JWK',
      () => ({ key: ec.publicKey.export({ format: 'jwk' }), deps: fakeDeps() }),
      /public JWK \(no "d" member\)/,
    ],
    [
      'a public KeyObject',
      () => ({ key: createPublicKey(ec.privateKey), deps: fakeDeps() }),
      /public KeyObject/,
    ],
    ['a file path', () => ({ key: '/etc/okta/dpop.pem', deps: fakeDeps() }), /neither PEM nor a JWK/],
    [
      'a garbled PEM',
      () => ({ key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', deps: fakeDeps() }),
      /cannot be parsed/,
    ],
    ['a symmetric JWK', () => ({ key: { kty: 'oct', k: 'c2VjcmV0' }, deps: fakeDeps() }), /symmetric/],
    ['PS256', () => ({ alg: 'PS256' as DpopAlgorithm, deps: fakeDeps() }), /"PS256" is not supported/],
    ['HS256', () => ({ alg: 'HS256' as DpopAlgorithm, deps: fakeDeps() }), /"HS256" is not supported/],
    ['ES384 with a P-256 key', () => ({ key: ec.privateKey, alg: 'ES384', deps: fakeDeps() }), /needs ES256/],
    [
      'ES256 with an RSA key',
      () => ({ key: rsa.privateKey, alg: 'ES256', deps: fakeDeps() }),
      /RSA key needs/,
    ],
    [
      'an Ed25519 key',
      () => ({ key: generateKeyPairSync('ed25519').privateKey, deps: fakeDeps() }),
      /"ed25519" is not supported/,
    ],
    [
      'a secp256k1 key',
      () => ({ key: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey, deps: fakeDeps() }),
      /curve secp256k1/,
    ],
    [
      'a 1024-bit RSA key',
      () => ({ key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, deps: fakeDeps() }),
      /1024 bits/,
    ],
  ];
  for (const [name, options, message] of refusals) {
    void it(`refuses ${name} with a KeyError`, async () => {
      await assert.rejects(createDpopProver(options()), (e: unknown) => {
        assert.ok(e instanceof KeyError);
        assert.equal(e.code, 'OKTA_M2M_KEY');
        assert.match(e.message, message);
        return true;
      });
    });
  }

  void it('refuses the client-authentication key as DPoP key (same thumbprint)', async () => {
    const clientAuthThumbprint = await calculateJwkThumbprint(await exportJWK(rsa.publicKey), 'sha256');
    await assert.rejects(
      createDpopProver({ key: rsa.privateKey, clientAuthThumbprint, deps: fakeDeps() }),
      (e: unknown) => e instanceof KeyError && /client-authentication key/.test(e.message),
    );
    const separate = await createDpopProver({ clientAuthThumbprint, deps: fakeDeps() });
    assert.notEqual(separate.thumbprint, clientAuthThumbprint);
  });

  void it('never shows private key material in JSON.stringify or util.inspect', async () => {
    const jwk = ec.privateKey.export({ format: 'jwk' });
    const prover = await createDpopProver({ key: ec.privateKey, deps: fakeDeps() });
    const pemBody = ec.privateKey
      .export({ format: 'pem', type: 'pkcs8' })
      .toString()
      .split('\n')[1] as string;
    for (const text of [
      JSON.stringify(prover),
      inspect(prover, { showHidden: true, depth: 10 }),
      String(prover),
    ]) {
      assert.ok(!text.includes(jwk.d as string), 'no private scalar');
      assert.ok(!text.includes(pemBody), 'no PEM body');
      assert.ok(!/"d"|\bd:/.test(text), 'no d member');
    }
    assert.deepEqual(JSON.parse(JSON.stringify(prover)), { alg: 'ES256', thumbprint: prover.thumbprint });
    assert.match(inspect(prover), /thumbprint/);
    // Enumerable own properties are only the public ones.
    assert.deepEqual(Object.keys(prover).sort(), ['alg', 'thumbprint']);
    // Sanity: the private key really is the one used (a proof verifies with the matching public key).
    const proof = await prover.proof({ method: 'GET', url: TOKEN_URL });
    await jwtVerify(proof, createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })));
  });
});

void describe('createDpopProver: claims written as JSON text', () => {
  void it('escapes a nonce with quotes, backslashes and non-ASCII text, and gives each URL its own htu', async () => {
    const prover = await createDpopProver({ deps: fakeDeps() });
    const nonce = 'a"b\\c\u00e9\u2028';
    const first = new URL('https://acme.okta.com/api/v1/users/a%40example.com?x=1');
    const second = new URL('https://acme.okta.com/api/v1/users/00u2');
    const token = 'token-1';
    const proofs = [
      await prover.proof({ method: 'get', url: first, accessToken: token, nonce }),
      await prover.proof({ method: 'GET', url: second, accessToken: token }),
      await prover.proof({ method: 'GET', url: first }),
    ];
    const claims = await Promise.all(proofs.map(async (p) => (await verifyProof(p)).claims));
    assert.deepEqual(claims[0], {
      htm: 'GET',
      htu: 'https://acme.okta.com/api/v1/users/a@example.com',
      iat: Math.floor(NOW_MS / 1000),
      jti: 'jti-1',
      ath: createHash('sha256').update(token).digest('base64url'),
      nonce,
    });
    assert.equal(claims[1]?.['htu'], 'https://acme.okta.com/api/v1/users/00u2');
    assert.equal(claims[1]?.['nonce'], undefined);
    assert.equal(claims[2]?.['htu'], 'https://acme.okta.com/api/v1/users/a@example.com');
    assert.equal(claims[2]?.['ath'], undefined, 'no access token, no ath');
  });
});
