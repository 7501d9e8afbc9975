import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildEmulator, type BuiltEmulator } from '../../src/server.js';
import { declaredCharset } from '../../src/plugins/body-charset.js';

const ORG = 'http://127.0.0.1:8080';

void describe('a body declared in a charset other than UTF-8 is refused, not decoded as UTF-8', () => {
  let emu: BuiltEmulator;
  before(async () => {
    emu = await buildEmulator({ orgUrl: ORG, seed: 1 });
  });
  after(() => emu.app.close());

  const createGroup = (contentType: string, payload: string | Buffer) =>
    emu.app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { authorization: `SSWS ${emu.adminToken}`, 'content-type': contentType },
      payload,
    });

  void test('declaredCharset reads the parameter, quoted or not, in any case', () => {
    assert.equal(declaredCharset('application/json; charset="UTF-16"'), 'utf-16');
    assert.equal(declaredCharset('application/json;CHARSET=utf-8'), 'utf-8');
    assert.equal(declaredCharset('application/json'), undefined);
    assert.equal(declaredCharset(undefined), undefined);
  });

  void test('management API: charset=utf-16 (whatever the bytes) → 400 E0000021 naming the charset', async () => {
    const json = JSON.stringify({ profile: { name: 'charset-team', description: null } });
    for (const [type, payload] of [
      ['application/json; charset=utf-16', Buffer.from(json, 'utf16le')],
      ['application/json; charset=utf-16', json],
      ['application/json; charset="UTF-16LE"', json],
      ['application/json; charset=iso-8859-1', json],
    ] as const) {
      const res = await createGroup(type, payload);
      assert.equal(res.statusCode, 400, `${type}: ${res.body}`);
      const body = res.json() as { errorCode: string; errorCauses: { errorSummary: string }[] };
      assert.equal(body.errorCode, 'E0000021');
      assert.match(body.errorCauses[0]?.errorSummary ?? '', /charset=.*send it as UTF-8/);
    }
    assert.equal(emu.state.groups.all().filter((g) => g.name === 'charset-team').length, 0);
  });

  void test('management API: charset=utf-8, "UTF-8", utf8 or none are accepted', async () => {
    let n = 0;
    for (const type of [
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json;charset=utf8',
      'application/json',
    ]) {
      const res = await createGroup(type, JSON.stringify({ profile: { name: `utf8-team-${n++}` } }));
      assert.equal(res.statusCode, 200, `${type}: ${res.body}`);
    }
  });

  void test('token endpoint: a form declared charset=utf-16 → 400 invalid_request naming the charset', async () => {
    const res = await emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16' },
      payload: 'grant_type=client_credentials&scope=okta.users.read',
    });
    assert.equal(res.statusCode, 400, res.body);
    const body = res.json() as { error: string; error_description: string };
    assert.equal(body.error, 'invalid_request');
    assert.match(body.error_description, /^Invalid request\. .*charset="utf-16".*UTF-8/);
  });
});
