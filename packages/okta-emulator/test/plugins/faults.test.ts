import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FaultRuleError, FaultsState } from '../../src/state/fault-rules.js';
import { assertOktaError, body, buildManagementApp, SSWS, type TestApp } from '../helpers/management-app.js';

void describe('fault rules (pure)', () => {
  void test('a sequence fires step by step, then passes through; counters count matches and fires', () => {
    const faults = new FaultsState();
    faults.add({ method: 'GET', path: '/api/v1/users/:id', sequence: [503, 503, 'ok'] });
    const got = [1, 2, 3, 4].map(() => faults.decide('GET', '/api/v1/users/00u1')?.type ?? 'ok');
    assert.deepEqual(got, ['status', 'status', 'ok', 'ok']);
    assert.equal(faults.decide('POST', '/api/v1/users/00u1'), undefined, 'method must match');
    assert.equal(faults.decide('GET', '/api/v1/users'), undefined, ':id needs a segment');
    const [view] = faults.list();
    assert.equal(view!.matched, 4);
    assert.equal(view!.fired, 2);
    assert.deepEqual(view!.firedByType, { status: 2 });
  });

  void test('repeat cycles; times caps; prefix patterns match subpaths', () => {
    const faults = new FaultsState();
    faults.add({ path: '/api/v1/*', sequence: ['reset', 'ok'], repeat: true, times: 2 });
    const got = [1, 2, 3, 4, 5].map(() => faults.decide('GET', '/api/v1/apps/0oa1')?.type ?? 'ok');
    assert.deepEqual(got, ['reset', 'ok', 'reset', 'ok', 'ok']);
  });

  void test('probability is deterministic per seed and respects 0 and 1', () => {
    const run = (seed: number) => {
      const f = new FaultsState();
      f.add({ path: '/oauth2/v1/token', probability: 0.4, seed, fault: 500 });
      return Array.from({ length: 50 }, () => (f.decide('POST', '/oauth2/v1/token') ? 1 : 0)).join('');
    };
    assert.equal(run(42), run(42));
    assert.notEqual(run(42), run(43));
    const ones = [...run(42)].filter((c) => c === '1').length;
    assert.ok(ones > 5 && ones < 35, `about 40% fire (${ones}/50)`);
    const never = new FaultsState();
    never.add({ path: '/x', probability: 0, fault: 500 });
    assert.equal(never.decide('GET', '/x'), undefined);
  });

  void test('bad rules name the field and the fix', () => {
    const f = new FaultsState();
    assert.throws(
      () => f.add({ path: 'api/v1/users', sequence: [500] }),
      (e: unknown) => e instanceof FaultRuleError && e.field === 'path',
    );
    assert.throws(() => f.add({ path: '/x' }), /Give either "sequence"/);
    assert.throws(() => f.add({ path: '/x', sequence: [200] }), /between 400 and 599/);
    assert.throws(
      () => f.add({ path: '/x', sequence: [{ type: 'explode' } as never] }),
      /type must be one of/,
    );
    assert.throws(() => f.add({ path: '/__emulator/reset', sequence: [500] }), /control API/);
    assert.throws(() => f.add({ path: '/x', probability: 2, fault: 500 }), /between 0 and 1/);
  });
});

void describe('fault injection on routes', () => {
  let t: TestApp;
  let userId: string;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 3, tokenRoute: true, faultControl: true });
    userId = [...t.state.users.all()][0]!.id;
  });
  after(async () => {
    await t.app.close();
  });

  void test('status faults render Okta error bodies: 503 E0000181, 500 E0000009; then the real answer', async () => {
    t.state.faults.clear();
    t.state.faults.add({ method: 'GET', path: '/api/v1/users/:id', sequence: [503, 500, 'ok'] });
    const url = `/api/v1/users/${userId}`;
    assertOktaError(await t.app.inject({ method: 'GET', url, headers: SSWS }), 503, 'E0000181');
    assertOktaError(
      await t.app.inject({ method: 'GET', url, headers: SSWS }),
      500,
      'E0000009',
      'Internal Server Error',
    );
    assert.equal((await t.app.inject({ method: 'GET', url, headers: SSWS })).statusCode, 200);
  });

  void test('token endpoint faults: 5xx as an OAuth server_error body, 429 as E0000047 with headers', async () => {
    t.state.faults.clear();
    t.state.faults.add({
      method: 'POST',
      path: '/oauth2/v1/token',
      sequence: [503, { type: 'rate-limit', resetSeconds: 30, limit: 1200 }, 'ok'],
    });
    const first = await t.app.inject({ method: 'POST', url: '/oauth2/v1/token' });
    assert.equal(first.statusCode, 503);
    assert.equal(body<{ error: string }>(first).error, 'server_error');
    const second = await t.app.inject({ method: 'POST', url: '/oauth2/v1/token' });
    assertOktaError(
      second,
      429,
      'E0000047',
      'You exceeded the maximum number of requests. Try again in a while.',
    );
    assert.equal(second.headers['x-rate-limit-limit'], '1200');
    assert.equal(second.headers['x-rate-limit-remaining'], '0');
    assert.equal(second.headers['x-rate-limit-reset'], String(Math.ceil(t.clock.now() / 1000 + 30)));
    assert.equal((await t.app.inject({ method: 'POST', url: '/oauth2/v1/token' })).statusCode, 200);
  });

  void test('malformed-json keeps the status but the body does not parse', async () => {
    t.state.faults.clear();
    t.state.faults.add({ method: 'GET', path: '/api/v1/users', sequence: ['malformed-json'] });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS });
    assert.equal(res.statusCode, 200);
    assert.throws(() => JSON.parse(res.body) as unknown, SyntaxError);
  });

  void test('latency delays then answers normally', async () => {
    t.state.faults.clear();
    t.state.faults.add({ method: 'GET', path: '/api/v1/users', sequence: [{ type: 'latency', ms: 20 }] });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS });
    assert.equal(res.statusCode, 200);
    assert.equal(t.state.faults.list()[0]!.firedByType.latency, 1);
  });

  void test('control API: POST adds (201), GET lists with counters, DELETE clears; bad input is E0000001', async () => {
    await t.app.inject({ method: 'DELETE', url: '/__emulator/faults' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/__emulator/faults',
      payload: {
        faults: [
          { method: 'GET', path: '/api/v1/users', sequence: [500] },
          { path: '/api/v1/groups*', probability: 1, fault: 503 },
        ],
      },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(body<{ faults: unknown[] }>(created).faults.length, 2);
    assertOktaError(
      await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS }),
      500,
      'E0000009',
    );
    const listed = body<{ faults: { fired: number; matched: number }[] }>(
      await t.app.inject({ method: 'GET', url: '/__emulator/faults' }),
    );
    assert.deepEqual(
      listed.faults.map((f) => [f.matched, f.fired]),
      [
        [1, 1],
        [0, 0],
      ],
    );
    const bad = await t.app.inject({
      method: 'POST',
      url: '/__emulator/faults',
      payload: { path: '/x', sequence: ['boom'] },
    });
    const err = assertOktaError(bad, 400, 'E0000001', 'Api validation failed: sequence[0]');
    assert.match(err.errorCauses[0]!.errorSummary, /sequence\[0\] must be/);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/__emulator/faults' })).statusCode, 204);
    assert.deepEqual(body(await t.app.inject({ method: 'GET', url: '/__emulator/faults' })), { faults: [] });
  });
});

void describe('connection-level faults over a real socket', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 40 });
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await t.app.close();
  });

  void test('reset destroys the connection without an answer', async () => {
    t.state.faults.clear();
    t.state.faults.add({ method: 'GET', path: '/api/v1/users', sequence: ['reset'] });
    await assert.rejects(fetch(`${base}/api/v1/users`, { headers: SSWS }), TypeError);
    const res = await fetch(`${base}/api/v1/users`, { headers: SSWS });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.equal(t.state.concurrency.inFlight, 0, 'the reset request released its slot');
  });

  void test('truncate announces the full length, sends part of it, and drops the connection', async () => {
    t.state.faults.clear();
    t.state.faults.add({ method: 'GET', path: '/api/v1/users', sequence: ['truncate'] });
    const res = await fetch(`${base}/api/v1/users`, { headers: SSWS });
    assert.equal(res.status, 200);
    const announced = Number(res.headers.get('content-length'));
    assert.ok(announced > 1000);
    await assert.rejects(res.text());
  });
});
