import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEmulator, type BuiltEmulator } from '../src/app.js';
import { ORG } from './helpers/platform-fixtures.js';

let emu: BuiltEmulator;
let admin: Record<string, string>;
before(async () => {
  emu = await buildEmulator({ orgUrl: ORG });
  admin = { authorization: `SSWS ${emu.adminToken}` };
});
after(() => emu.app.close());

void test('buildEmulator refuses an orgUrl that is not an absolute http(s) URL, naming the option', async () => {
  await assert.rejects(buildEmulator({ orgUrl: 'localhost:8080' }), /orgUrl must/);
  await assert.rejects(buildEmulator({ orgUrl: 'ftp://example.com' }), /orgUrl must use http or https/);
});

void test('§9.9 unknown path → 404 E0000008; known path with another method → 405 E0000022', async () => {
  const missing = await emu.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: admin });
  assert.equal(missing.statusCode, 404);
  assert.equal((missing.json() as { errorCode: string }).errorCode, 'E0000008');
  const method = await emu.app.inject({ method: 'PATCH', url: '/api/v1/apps', headers: admin });
  assert.equal(method.statusCode, 405);
  assert.equal((method.json() as { errorCode: string }).errorCode, 'E0000022');
});

void test('malformed percent-encoding or an over-long path parameter → 404 E0000008 with a request id, never a 500', async () => {
  for (const url of ['/api/v1/apps/%ZZ', `/api/v1/apps/${'x'.repeat(5000)}`]) {
    const res = await emu.app.inject({ method: 'GET', url, headers: admin });
    assert.equal(res.statusCode, 404, url.slice(0, 30));
    assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000008');
    assert.match(String(res.headers['x-okta-request-id']), /^req/);
  }
});

void test('§3.6 a non-JSON media type on a JSON API → 400 E0000021; malformed JSON → 400 E0000003', async () => {
  for (const type of ['text/plain', 'application/xml']) {
    const res = await emu.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { ...admin, 'content-type': type },
      payload: 'hello',
    });
    assert.equal(res.statusCode, 400, type);
    assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000021');
  }
  const bad = await emu.app.inject({
    method: 'POST',
    url: '/api/v1/apps',
    headers: { ...admin, 'content-type': 'application/json' },
    payload: '{"label":',
  });
  assert.equal((bad.json() as { errorCode: string }).errorCode, 'E0000003');
});

void test('a seed makes ids deterministic across builds', async () => {
  const body = {
    label: 'seeded',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: { oauthClient: { application_type: 'service' } },
  };
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const seeded = await buildEmulator({ orgUrl: ORG, seed: 99 });
    const res = await seeded.app.inject({
      method: 'POST',
      url: '/api/v1/apps',
      headers: { authorization: `SSWS ${seeded.adminToken}` },
      payload: body,
    });
    ids.push((res.json() as { id: string }).id);
    await seeded.app.close();
  }
  assert.equal(ids[0], ids[1]);
});
