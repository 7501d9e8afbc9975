/**
 * The opt-in resource-server nonce mode (RFC 9449 §9). Okta does not require nonces at `/api/v1` (facts §2.4), so
 * the mode is off by default; when on, a DPoP-bound API request whose proof lacks the current (or previous)
 * nonce gets 401, an empty body, a `use_dpop_nonce` challenge and a `DPoP-Nonce` header.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import {
  ORG,
  ath,
  bearerToken,
  dpopKey,
  dpopToken,
  harness,
  proof,
  type DpopKey,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

const NONCE_CHALLENGE =
  'DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", error="use_dpop_nonce", ' +
  'error_description="Resource server requires nonce in DPoP proof."';
const URL_PATH = '/api/v1/users';

interface Setup {
  h: Harness;
  app: TestApp;
  key: DpopKey;
  at: string;
}

async function setup(dpopResourceNonce?: boolean): Promise<Setup> {
  const h = await harness(dpopResourceNonce === undefined ? {} : { dpopResourceNonce });
  const app = await h.app({ scopes: ['okta.users.read'] });
  const key = await dpopKey();
  const at = await dpopToken(h, app, key, 'okta.users.read');
  return { h, app, key, at };
}

async function getUsers(s: Setup, claims: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  const dpop = await proof(s.h, s.key, { htm: 'GET', htu: `${ORG}${URL_PATH}`, ath: ath(s.at), ...claims });
  return s.h.emu.app.inject({
    method: 'GET',
    url: URL_PATH,
    headers: { authorization: `DPoP ${s.at}`, dpop },
  });
}

function assertNonceDemand(res: LightMyRequestResponse, nonce: string): void {
  assert.equal(res.statusCode, 401);
  assert.equal(res.body, '', 'empty body');
  assert.equal(res.headers['www-authenticate'], NONCE_CHALLENGE);
  assert.equal(res.headers['dpop-nonce'], nonce);
}

const post = (h: Harness, payload: object) =>
  h.emu.app.inject({ method: 'POST', url: '/__emulator/dpop/resource-nonce', payload });

void describe('resource-server DPoP nonces (opt-in, RFC 9449 §9)', () => {
  void describe('off (default, as at Okta: facts §2.4)', () => {
    let s: Setup;
    before(async () => {
      s = await setup();
    });
    after(() => s.h.close());

    void test('a resource proof without nonce is accepted', async () => {
      assert.equal(s.h.emu.state.dpopResourceNonce, 'off');
      const res = await getUsers(s);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['dpop-nonce'], undefined);
    });
  });

  void describe('on (dpopResourceNonce: true)', () => {
    let s: Setup;
    before(async () => {
      s = await setup(true);
    });
    after(() => s.h.close());
    const current = () => s.h.emu.state.dpopNonce.current;

    void test('a proof without nonce → 401, empty body, use_dpop_nonce challenge, DPoP-Nonce = current nonce', async () => {
      assertNonceDemand(await getUsers(s), current());
    });

    void test('a proof with the current nonce → 200', async () => {
      const res = await getUsers(s, { nonce: current() });
      assert.equal(res.statusCode, 200);
      assert.ok(Array.isArray(res.json()));
    });

    void test('after a rotation the previous nonce still works; an unknown one gets the current nonce', async () => {
      const old = current();
      await s.h.emu.app.inject({ method: 'POST', url: '/__emulator/dpop/rotate-nonce' });
      assert.notEqual(current(), old);
      assert.equal((await getUsers(s, { nonce: old })).statusCode, 200);
      assertNonceDemand(await getUsers(s, { nonce: 'not-a-nonce' }), current());
    });

    void test('a proof refused for its nonce leaves its jti unused: the same jti with the nonce passes', async () => {
      const jti = 'resource-nonce-jti-1';
      assertNonceDemand(await getUsers(s, { jti }), current());
      assert.equal((await getUsers(s, { jti, nonce: current() })).statusCode, 200);
      const replay = await getUsers(s, { jti, nonce: current() });
      assert.equal(replay.statusCode, 400, 'then it is single-use as usual');
    });

    void test('a broken proof is still refused for what is wrong with it, not for its nonce', async () => {
      const res = await getUsers(s, { ath: 'wrong' });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['www-authenticate']), /error="invalid_dpop_proof"/);
      assert.equal(res.headers['dpop-nonce'], undefined);
    });

    void test('Bearer tokens are not affected', async () => {
      const bearerApp = await s.h.app({ dpop: false, scopes: ['okta.users.read'] });
      const at = await bearerToken(s.h, bearerApp, 'okta.users.read');
      const res = await s.h.emu.app.inject({
        method: 'GET',
        url: URL_PATH,
        headers: { authorization: `Bearer ${at}` },
      });
      assert.equal(res.statusCode, 200);
    });
  });

  void describe('POST /__emulator/dpop/resource-nonce', () => {
    let s: Setup;
    before(async () => {
      s = await setup();
    });
    after(() => s.h.close());
    const current = () => s.h.emu.state.dpopNonce.current;

    void test('{enabled: true} turns the demand on, {enabled: false} off again', async () => {
      const on = await post(s.h, { enabled: true });
      assert.equal(on.statusCode, 200);
      assert.deepEqual(on.json(), { ok: true, enabled: true, always: false, nonce: current() });
      assertNonceDemand(await getUsers(s), current());
      assert.equal((await getUsers(s, { nonce: current() })).statusCode, 200);

      const off = await post(s.h, { enabled: false });
      assert.equal(off.statusCode, 200);
      assert.equal((off.json() as { enabled: boolean }).enabled, false);
      assert.equal((await getUsers(s)).statusCode, 200);
    });

    void test('{enabled: true, always: true} refuses every request, even with the current nonce, each time with a new one', async () => {
      await post(s.h, { enabled: true, always: true });
      try {
        const first = current();
        const res = await getUsers(s, { nonce: first });
        assert.notEqual(current(), first, 'the nonce was rotated');
        assertNonceDemand(res, current());
        const given = current();
        assertNonceDemand(await getUsers(s, { nonce: given }), current());
        assert.notEqual(current(), given);
      } finally {
        await post(s.h, { enabled: false });
      }
      assert.equal((await getUsers(s)).statusCode, 200);
    });

    void test('bad input → 400 E0000001 naming the field', async () => {
      for (const [payload, field] of [
        [{}, 'enabled'],
        [{ enabled: 'yes' }, 'enabled'],
        [{ enabled: true, always: 1 }, 'always'],
        [{ enabled: false, always: true }, 'always'],
      ] as const) {
        const res = await post(s.h, payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        const body = res.json() as { errorCode: string; errorCauses: { errorSummary: string }[] };
        assert.equal(body.errorCode, 'E0000001');
        assert.match(body.errorCauses[0]?.errorSummary ?? '', new RegExp(`^${field}: `));
      }
      assert.equal(s.h.emu.state.dpopResourceNonce, 'off', 'a refused switch changes nothing');
    });
  });
});
