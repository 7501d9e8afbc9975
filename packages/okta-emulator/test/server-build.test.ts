import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEmulator, type BuiltEmulator } from '../src/server.js';
import { createFixedClock } from '../src/lib/clock.js';
import { ORG, T0 } from './helpers/platform-fixtures.js';

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

void test('§5/§9.8/§9.9 X-Okta-Request-Id and the emulator-clock Date on 404, 405, 413, 429 (quota and concurrency) and fault answers', async () => {
  const clock = createFixedClock(T0);
  // Latency faults wait on this gate, not on a real timer: the held request stays in flight until released.
  const waiting: (() => void)[] = [];
  const sleep = () => new Promise<void>((resolve) => waiting.push(resolve));
  const limited = await buildEmulator({
    orgUrl: ORG,
    clock,
    sleep,
    quotas: { 'GET /api/v1/users/{idOrLogin}': 1 },
    concurrencyLimit: 1,
  });
  try {
    const ssws = { authorization: `SSWS ${limited.adminToken}` };
    const date = new Date(T0).toUTCString();
    const check = (
      res: { statusCode: number; headers: Record<string, unknown>; body: string },
      status: number,
      what: string,
    ) => {
      assert.equal(res.statusCode, status, what);
      assert.match(String(res.headers['x-okta-request-id']), /^req[A-Za-z0-9]{23}$/, what);
      assert.equal(res.headers['date'], date, what);
    };
    const get = (url: string) => limited.app.inject({ method: 'GET', url, headers: ssws });
    check(await get('/no/such/route'), 404, 'unknown route');
    check(await limited.app.inject({ method: 'DELETE', url: '/oauth2/v1/keys' }), 405, '405');
    check(
      await limited.app.inject({
        method: 'POST',
        url: '/oauth2/v1/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=${'x'.repeat(70_000)}`,
      }),
      413,
      '413 token',
    );
    check(
      await limited.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { ...ssws, 'content-type': 'application/json' },
        payload: `{"x":"${'x'.repeat(1_100_000)}"}`,
      }),
      413,
      '413 api',
    );
    check(await get('/api/v1/users/nobody'), 404, 'first user read');
    const quota = await get('/api/v1/users/nobody');
    check(quota, 429, 'quota 429');
    assert.equal((quota.json() as { errorCode: string }).errorCode, 'E0000047');
    assert.equal(quota.headers['x-rate-limit-remaining'], '0');
    assert.equal(Number(quota.headers['x-rate-limit-reset']), T0 / 1000 + 60);

    const faults = limited.state.faults;
    faults.add({ method: 'GET', path: '/api/v1/groups', sequence: [503, 'rate-limit'] });
    check(await get('/api/v1/groups'), 503, 'fault 503');
    check(await get('/api/v1/groups'), 429, 'fault 429');
    faults.clear();

    // One request held in flight by a latency fault; the next one meets the concurrency limit of 1.
    faults.add({ method: 'GET', path: '/api/v1/apps', sequence: [{ type: 'latency', ms: 300 }] });
    // inject() dispatches on then(): start the held request now, and wait until it sleeps in its fault.
    const slow = get('/api/v1/apps').then((res) => res);
    for (let turn = 0; waiting.length < 1 && turn < 10_000; turn++) await new Promise((r) => setImmediate(r));
    assert.equal(waiting.length, 1, 'the held request waits in its latency fault');
    const busy = await get('/api/v1/groups');
    check(busy, 429, 'concurrency 429');
    assert.equal(busy.headers['x-rate-limit-limit'], '0');
    for (const release of waiting.splice(0)) release();
    check(await slow, 200, 'held request');
  } finally {
    await limited.app.close();
  }
});

void test('§3.6 POST/PUT without a body and without Content-Length → 411, empty body; Content-Length: 0 passes', async () => {
  for (const [method, url] of [
    ['POST', '/api/v1/users'],
    ['PUT', '/api/v1/users/00u1'],
    ['POST', '/api/v1/apps/0oa1/lifecycle/activate'],
  ] as const) {
    const res = await emu.app.inject({ method, url, headers: admin });
    assert.equal(res.statusCode, 411, `${method} ${url}`);
    assert.equal(res.body, '');
    assert.match(String(res.headers['x-okta-request-id']), /^req/);
  }
  const empty = await emu.app.inject({
    method: 'POST',
    url: '/api/v1/apps/0oaNoSuchApp/lifecycle/activate',
    headers: { ...admin, 'content-length': '0' },
  });
  assert.equal(empty.statusCode, 404);
});
