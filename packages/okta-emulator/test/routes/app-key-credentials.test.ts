import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bookmark = (label: string) => ({
  name: 'bookmark',
  label,
  signOnMode: 'BOOKMARK',
  settings: { app: { url: 'https://example.com/' } },
});

void describe('Apps API: X.509 key credentials (/credentials/keys)', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    h.emu.app.inject({
      method,
      url,
      headers: payload === undefined && method === 'POST' ? { ...admin, 'content-length': '0' } : admin,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  void test('a new app has one key whose certificate verifies and matches n/e/kid; signing.kid names it', async () => {
    const app = (await inject('POST', '/api/v1/apps', bookmark('keys-a'))).json() as Json;
    const keys = (await inject('GET', `/api/v1/apps/${app.id}/credentials/keys`)).json() as Json[];
    assert.equal(keys.length, 1);
    const key = keys[0]!;
    assert.equal(key.kty, 'RSA');
    assert.equal(key.use, 'sig');
    assert.equal(app.credentials.signing.kid, key.kid);
    const cert = new X509Certificate(Buffer.from(key.x5c[0], 'base64'));
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    const jwk = cert.publicKey.export({ format: 'jwk' });
    assert.equal(jwk.n, key.n);
    assert.equal(jwk.e, key.e);
    assert.equal(key.expiresAt, new Date(cert.validTo).toISOString());
    const one = (await inject('GET', `/api/v1/apps/${app.id}/credentials/keys/${key.kid}`)).json() as Json;
    assert.deepEqual(one, key);
  });

  void test('generate?validityYears=2 adds a key valid two years (201); out of range is E0000001', async () => {
    const app = (await inject('POST', '/api/v1/apps', bookmark('keys-b'))).json() as Json;
    const res = await inject('POST', `/api/v1/apps/${app.id}/credentials/keys/generate?validityYears=2`);
    assert.equal(res.statusCode, 201);
    const key = res.json() as Json;
    const years = (Date.parse(key.expiresAt) - Date.parse(key.created)) / (365.25 * 864e5);
    assert.ok(years > 1.99 && years < 2.01, `validity ${years} years`);
    assert.equal(
      ((await inject('GET', `/api/v1/apps/${app.id}/credentials/keys`)).json() as Json[]).length,
      2,
    );
    for (const bad of ['1', '11', 'x']) {
      const r = await inject('POST', `/api/v1/apps/${app.id}/credentials/keys/generate?validityYears=${bad}`);
      assert.equal(r.statusCode, 400);
      assert.deepEqual((r.json() as Json).errorCauses, [
        { errorSummary: 'Validity years out of range. It should be 2 - 10 years.' },
      ]);
    }
  });

  void test('clone copies a key to another app (201, same kid); cloning it again is E0000001', async () => {
    const a = (await inject('POST', '/api/v1/apps', bookmark('keys-c'))).json() as Json;
    const b = (await inject('POST', '/api/v1/apps', bookmark('keys-d'))).json() as Json;
    const kid = a.credentials.signing.kid as string;
    const res = await inject('POST', `/api/v1/apps/${a.id}/credentials/keys/${kid}/clone?targetAid=${b.id}`);
    assert.equal(res.statusCode, 201);
    assert.equal((res.json() as Json).kid, kid);
    const again = await inject(
      'POST',
      `/api/v1/apps/${a.id}/credentials/keys/${kid}/clone?targetAid=${b.id}`,
    );
    assert.equal(again.statusCode, 400);
    assert.deepEqual((again.json() as Json).errorCauses, [
      { errorSummary: 'Key already exists in the list of key credentials for the target app.' },
    ]);
  });

  void test('an unknown kid is 404', async () => {
    const app = (await inject('POST', '/api/v1/apps', bookmark('keys-e'))).json() as Json;
    assert.equal((await inject('GET', `/api/v1/apps/${app.id}/credentials/keys/nope`)).statusCode, 404);
  });
});
