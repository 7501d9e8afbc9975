import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEmulator } from '../../src/server.js';
import {
  ORG,
  T0,
  assertion,
  bearerToken,
  harness,
  tokenForm,
  type Harness,
} from '../helpers/platform-fixtures.js';

void describe('/__emulator control API', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  const post = (url: string, payload?: object) =>
    h.emu.app.inject({ method: 'POST', url: `/__emulator${url}`, ...(payload ? { payload } : {}) });

  void test('POST /clock {advanceMs} and {set} move the emulator clock (Date header follows)', async () => {
    const res = await post('/clock', { advanceMs: 60_000 });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { now: number }).now, T0 + 60_000);
    await post('/clock', { set: '2026-02-01T00:00:00.000Z' });
    assert.equal(h.clock.now(), Date.UTC(2026, 1, 1));
    const keys = await h.emu.app.inject({ method: 'GET', url: '/oauth2/v1/keys' });
    assert.equal(keys.headers.date, 'Sun, 01 Feb 2026 00:00:00 GMT');
    const bad = await post('/clock', { advanceMs: 'soon' });
    assert.equal(bad.statusCode, 400);
    h.clock.set(T0);
  });

  void test('POST /clock refuses a time Date cannot hold (400) and the emulator keeps answering; moving back works', async () => {
    for (const body of [{ set: 1e20 }, { advanceMs: 1e20 }, { advanceMs: -1e20 }]) {
      const res = await post('/clock', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000001');
    }
    assert.equal(h.clock.now(), T0);
    const keys = await h.emu.app.inject({ method: 'GET', url: '/oauth2/v1/keys' });
    assert.equal(keys.statusCode, 200);
    assert.equal(keys.headers.date, new Date(T0).toUTCString());
    // Backwards is legal: the clock follows and tokens still work.
    const back = await post('/clock', { advanceMs: -86_400_000 });
    assert.equal(back.statusCode, 200);
    const app = await h.app({ dpop: false });
    const at = await bearerToken(h, app);
    const users = await h.emu.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${at}` },
    });
    assert.equal(users.statusCode, 200);
    h.clock.set(T0);
  });

  void test('GET /state shows apps and token metadata, never private keys or tokens', async () => {
    const app = await h.app({ dpop: false });
    const at = await bearerToken(h, app);
    const res = await h.emu.app.inject({ method: 'GET', url: '/__emulator/state' });
    assert.equal(res.statusCode, 200);
    const state = res.json() as { apps: { id: string }[]; activeTokens: { clientId: string }[] };
    assert.ok(state.apps.some((a) => a.id === app.appId));
    assert.ok(state.activeTokens.some((t) => t.clientId === app.clientId));
    assert.ok(!res.body.includes(at), 'no access token');
    assert.ok(!res.body.includes('"d"'), 'no private key member');
    assert.ok(!res.body.includes(h.emu.adminToken), 'no admin token');
  });

  void test('GET /stats returns the counters', async () => {
    const res = await h.emu.app.inject({ method: 'GET', url: '/__emulator/stats' });
    const stats = res.json() as Record<string, unknown>;
    for (const k of [
      'tokenRequests',
      'tokenRequestsByClient',
      'tokenRequestsByOutcome',
      'tokenRequestsByKid',
      'tokensIssued',
      'tokensIssuedByKid',
      'apiRequests',
      'apiRequestsByRoute',
    ]) {
      assert.ok(k in stats, k);
    }
    assert.ok((stats.apiRequestsByRoute as Record<string, number>)['POST /api/v1/apps'] ?? 0 >= 1);
  });

  void test('POST /dpop/rotate-nonce returns the new nonce', async () => {
    const before = h.emu.state.dpopNonce.current;
    const res = await post('/dpop/rotate-nonce');
    assert.notEqual((res.json() as { nonce: string }).nonce, before);
    assert.equal(h.emu.state.dpopNonce.previous, before);
  });

  void test('POST /seed {users} adds generated users; bad input → 400 E0000001', async () => {
    const res = await post('/seed', { users: 4 });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { users: number }).users, 4);
    const bad = await post('/seed', { users: -1 });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { errorCode: string }).errorCode, 'E0000001');
  });

  void test('the management fault endpoints are mounted under /__emulator/faults', async () => {
    const res = await h.emu.app.inject({ method: 'GET', url: '/__emulator/faults' });
    assert.equal(res.statusCode, 200);
    assert.ok(Array.isArray((res.json() as { faults: unknown[] }).faults));
  });

  void test('POST /reset forgets apps and tokens; the admin token stays valid', async () => {
    const app = await h.app({ dpop: false });
    const at = await bearerToken(h, app);
    assert.equal((await post('/reset')).statusCode, 200);
    assert.equal(h.emu.state.apps.size, 0);
    const res = await h.token(tokenForm(await assertion(h, app)));
    assert.equal(res.statusCode, 401);
    const api = await h.emu.app.inject({
      method: 'GET',
      url: '/api/v1/apps',
      headers: { authorization: `Bearer ${at}` },
    });
    assert.equal(api.statusCode, 401);
    const admin = await h.emu.app.inject({
      method: 'GET',
      url: '/api/v1/apps',
      headers: { authorization: `SSWS ${h.emu.adminToken}` },
    });
    assert.equal(admin.statusCode, 200);
    assert.equal(h.emu.stats().tokenRequests, 1, 'counters restart from zero (one request since the reset)');
  });
});

void test('control routes are absent unless control: true', async () => {
  const emu = await buildEmulator({ orgUrl: ORG });
  try {
    const res = await emu.app.inject({ method: 'POST', url: '/__emulator/reset' });
    assert.equal(res.statusCode, 404);
  } finally {
    await emu.app.close();
  }
});
