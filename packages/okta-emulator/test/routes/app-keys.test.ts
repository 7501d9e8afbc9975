import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  ORG,
  assertion,
  harness,
  tokenForm,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

function rsaJwk(bits = 2048, kid?: string): Record<string, unknown> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...publicKey.export({ format: 'jwk' }), ...(kid ? { kid } : {}), alg: 'RS256', use: 'sig' };
}

interface KeyJson {
  id: string;
  kid: string;
  status: string;
  _links: Record<string, { href: string; hints: { allow: string[] } }>;
}

void describe('App JWKS: /api/v1/apps/{appId}/credentials/jwks (facts §7)', () => {
  let h: Harness;
  let app: TestApp;
  let admin: Record<string, string>;
  let base: string;

  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
    app = await h.app({ dpop: false });
    base = `/api/v1/apps/${app.appId}/credentials/jwks`;
  });
  after(() => h.close());

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      // An empty POST carries Content-Length: 0, as fetch sends it (without it Okta answers 411).
      headers: payload === undefined && method === 'POST' ? { ...admin, 'content-length': '0' } : admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const causes = (res: { json(): unknown }) =>
    (res.json() as { errorCauses: { errorSummary: string }[] }).errorCauses.map((c) => c.errorSummary);

  void test('§7 GET lists keys as {keys: [...]} with id pks…, status and lifecycle links', async () => {
    const res = await inject('GET', base);
    assert.equal(res.statusCode, 200);
    const keys = (res.json() as { keys: KeyJson[] }).keys;
    assert.equal(keys.length, 1);
    assert.match(keys[0]?.id ?? '', /^pks[A-Za-z0-9]{17}$/);
    assert.equal(keys[0]?.kid, app.keyId);
    assert.equal(keys[0]?.status, 'ACTIVE');
    assert.deepEqual(keys[0]?._links.deactivate?.hints.allow, ['POST']);
  });

  void test('§7 POST adds a key → 201 with the stored key; an INACTIVE key gets activate + delete links', async () => {
    const res = await inject('POST', base, { ...rsaJwk(2048, 'rotation-1'), status: 'INACTIVE' });
    assert.equal(res.statusCode, 201);
    const key = res.json() as KeyJson;
    assert.equal(key.kid, 'rotation-1');
    assert.equal(key.status, 'INACTIVE');
    assert.deepEqual(Object.keys(key._links).sort(), ['activate', 'delete']);
    assert.equal(key._links.delete?.href, `${ORG}${base}/${key.id}`);
    const got = await inject('GET', `${base}/${key.id}`);
    assert.equal((got.json() as KeyJson).kid, 'rotation-1');
  });

  void test('keys no private key can back are refused: RSA exponent 1 or 0, use "enc", garbage x5c', async () => {
    const key = rsaJwk(2048, 'forged');
    for (const [bad, cause] of [
      [{ e: 'AQ' }, "RSA keys in the 'jwks' must use the public exponent 65537 ('AQAB')."],
      [{ e: 'AA' }, "RSA keys in the 'jwks' must use the public exponent 65537 ('AQAB')."],
      [{ use: 'enc' }, "Invalid value specified for key 'use' parameter"],
      [
        { x5c: ['Z2FyYmFnZQ=='] },
        "The 'x5c' of a key in the 'jwks' is not a chain of base64 DER certificates for that key.",
      ],
    ] as const) {
      const res = await inject('POST', base, { ...key, ...bad });
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(
        (res.json() as { errorSummary: string }).errorSummary,
        'Api validation failed: JsonWebKey',
      );
      assert.deepEqual(causes(res), [cause]);
    }
    const listed = (await inject('GET', base)).json() as { keys: KeyJson[] };
    assert.ok(!listed.keys.some((k) => k.kid === 'forged'), 'no refused key was stored');
  });

  void test('§7 duplicate kid → 400 E0000001 "All keys in the \'jwks\' must have a unique `kid`."', async () => {
    const res = await inject('POST', base, rsaJwk(2048, app.keyId));
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as { errorSummary: string }).errorSummary, 'Api validation failed: JsonWebKey');
    assert.deepEqual(causes(res), ["All keys in the 'jwks' must have a unique `kid`."]);
  });

  void test('§7 a key without kid cannot be added next to existing keys', async () => {
    const res = await inject('POST', base, rsaJwk(2048));
    assert.equal(res.statusCode, 400);
    assert.match(causes(res)[0] ?? '', /^Each key should have a unique kid when adding multiple keys\./);
  });

  void test("§7 RSA key under 2048 bits → \"RSA key length in the 'jwks' is less than '2,048' bits for the given key.\"", async () => {
    const res = await inject('POST', base, rsaJwk(1024, 'short'));
    assert.deepEqual(causes(res), [
      "RSA key length in the 'jwks' is less than '2,048' bits for the given key.",
    ]);
  });

  void test('a private key or garbage is refused with E0000001 (never stored)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const priv = await inject('POST', base, { ...privateKey.export({ format: 'jwk' }), kid: 'priv' });
    assert.equal(priv.statusCode, 400);
    const junk = await inject('POST', base, { kty: 'RSA', kid: 'junk', n: '!!', e: 'AQAB' });
    assert.equal(junk.statusCode, 400);
    const list = (await inject('GET', base)).json() as { keys: KeyJson[] };
    assert.ok(!list.keys.some((k) => k.kid === 'priv' || k.kid === 'junk'));
  });

  void test('§7 at most 50 keys: the 51st → "You can\'t create a new key. You have reached the maximum number of keys allowed (50). ..."', async () => {
    const many = await h.app({ dpop: false });
    const url = `/api/v1/apps/${many.appId}/credentials/jwks`;
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    for (let i = 1; i < 50; i++) {
      const res = await inject('POST', url, { ...jwk, kid: `k${i}` });
      assert.equal(res.statusCode, 201, `key ${i}`);
    }
    const res = await inject('POST', url, { ...jwk, kid: 'k50' });
    assert.equal(res.statusCode, 400);
    assert.match(causes(res)[0] ?? '', /maximum number of keys allowed \(50\)/);
  });

  void test('§7 deleting an ACTIVE key → "You can\'t delete an active JSON Web key. Deactivate the key before deleting it."', async () => {
    const keys = ((await inject('GET', base)).json() as { keys: KeyJson[] }).keys;
    const active = keys.find((k) => k.status === 'ACTIVE');
    assert.ok(active);
    const res = await inject('DELETE', `${base}/${active.id}`);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(causes(res), [
      "You can't delete an active JSON Web key. Deactivate the key before deleting it.",
    ]);
  });

  void test('§7 the only ACTIVE key of a private_key_jwt app cannot be deactivated', async () => {
    const solo = await h.app({ dpop: false });
    const url = `/api/v1/apps/${solo.appId}/credentials/jwks`;
    const keys = ((await inject('GET', url)).json() as { keys: KeyJson[] }).keys;
    const res = await inject('POST', `${url}/${keys[0]?.id}/lifecycle/deactivate`);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(causes(res), [
      "Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is `private_key_jwt`.",
    ]);
  });

  void test('§7 rotation recipe: add new ACTIVE key → sign with it → deactivate old → delete old; old kid stops working', async () => {
    const rot = await h.app({ dpop: false });
    const url = `/api/v1/apps/${rot.appId}/credentials/jwks`;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const added = (
      await inject('POST', url, { ...publicKey.export({ format: 'jwk' }), kid: 'new', alg: 'RS256' })
    ).json() as KeyJson;
    assert.equal(added.status, 'ACTIVE');
    const { importPKCS8 } = await import('jose');
    const newKey = await importPKCS8(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'RS256');
    const withNew = await h.token(tokenForm(await assertion(h, rot, {}, { kid: 'new' }, newKey)));
    assert.equal(withNew.statusCode, 200);
    const old = ((await inject('GET', url)).json() as { keys: KeyJson[] }).keys.find(
      (k) => k.kid === rot.keyId,
    );
    assert.ok(old);
    const deactivated = await inject('POST', `${url}/${old.id}/lifecycle/deactivate`);
    assert.equal(deactivated.statusCode, 200);
    assert.equal((deactivated.json() as KeyJson).status, 'INACTIVE');
    const refused = await h.token(tokenForm(await assertion(h, rot)));
    assert.equal(
      (refused.json() as { error_description: string }).error_description,
      'The client_assertion JWT kid is invalid.',
    );
    const reactivated = await inject('POST', `${url}/${old.id}/lifecycle/activate`);
    assert.equal((reactivated.json() as KeyJson).status, 'ACTIVE');
    await inject('POST', `${url}/${old.id}/lifecycle/deactivate`);
    assert.equal((await inject('DELETE', `${url}/${old.id}`)).statusCode, 204);
    assert.equal((await inject('GET', `${url}/${old.id}`)).statusCode, 404);
  });
});
