import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { OktaApiError } from '../../src/lib/errors.js';
import { installErrorHandler } from '../../src/plugins/error-handler.js';
import { registerRateLimit } from '../../src/plugins/rate-limit.js';
import { registerUserRoutes } from '../../src/routes/users.js';
import { bucketOf, DEFAULT_QUOTAS, RateLimiter } from '../../src/state/rate-limits.js';
import {
  assertOktaError,
  buildManagementApp,
  SSWS,
  testClock,
  testState,
} from '../helpers/management-app.js';

void describe('rate limits (facts §5)', () => {
  void test('bucketOf maps routes to Okta-style buckets; keys and well-known are unlimited', () => {
    assert.equal(bucketOf('GET', '/api/v1/users'), 'GET|POST /api/v1/users');
    assert.equal(bucketOf('POST', '/api/v1/users'), 'GET|POST /api/v1/users');
    assert.equal(bucketOf('GET', '/api/v1/users/:id'), 'GET /api/v1/users/{idOrLogin}');
    assert.equal(bucketOf('PUT', '/api/v1/users/:id'), 'POST|PUT|DELETE /api/v1/users/{id}');
    assert.equal(bucketOf('POST', '/oauth2/v1/token'), '/oauth2/v1/token');
    assert.equal(bucketOf('GET', '/api/v1/apps/:appId/credentials/jwks'), '/api/v1/apps');
    assert.equal(bucketOf('GET', '/api/v1/iam/roles'), '/api/v1/iam');
    assert.equal(bucketOf('POST', '/oauth2/v1/clients/:clientId/roles'), '/api/v1/iam');
    assert.equal(bucketOf('GET', '/api/v1/groups/:groupId/users'), '/api/v1/groups');
    assert.equal(bucketOf('GET', '/api/v1/meta/types/user'), '/api/v1');
    assert.equal(bucketOf('GET', '/oauth2/v1/keys'), undefined);
    assert.equal(bucketOf('GET', '/.well-known/openid-configuration'), undefined);
    assert.equal(bucketOf('GET', '/__emulator/state'), undefined);
  });

  void test('defaults are the historic per-minute quotas; unknown bucket names fail fast naming the valid ones', () => {
    assert.equal(DEFAULT_QUOTAS['GET /api/v1/users/{idOrLogin}'], 1000);
    assert.equal(DEFAULT_QUOTAS['/oauth2/v1/token'], 1200);
    assert.throws(
      () => new RateLimiter(testClock(), { '/api/v1/teapots': 5 }),
      /Unknown rate-limit bucket.*valid names: GET\|POST \/api\/v1\/users/,
    );
    assert.throws(() => new RateLimiter(testClock(), { '/api/v1/apps': 0 }), /positive integer/);
  });

  void test('§5 windows last 60 s from the first request (not wall-clock aligned); Reset is epoch seconds', () => {
    const clock = testClock(Date.UTC(2026, 0, 1, 12, 0, 12, 345));
    const limiter = new RateLimiter(clock, { '/api/v1/apps': 2 });
    const first = limiter.consume('/api/v1/apps');
    assert.deepEqual(first, {
      bucket: '/api/v1/apps',
      limit: 2,
      remaining: 1,
      reset: Math.ceil((clock.now() + 60_000) / 1000),
      exceeded: false,
    });
    clock.advance(59_000);
    assert.equal(limiter.consume('/api/v1/apps').remaining, 0);
    assert.equal(limiter.consume('/api/v1/apps').exceeded, true);
    clock.advance(1_000);
    const fresh = limiter.consume('/api/v1/apps');
    assert.equal(fresh.exceeded, false);
    assert.equal(fresh.remaining, 1);
    assert.equal(fresh.reset, Math.ceil((clock.now() + 60_000) / 1000));
  });

  void test('§5 over quota: 429 E0000047 with the catalogue text, Limit/Remaining/Reset, then recovery after the window', async () => {
    const t = await buildManagementApp({ seedUsers: 2, quotas: { 'GET /api/v1/users/{idOrLogin}': 2 } });
    try {
      const id = [...t.state.users.all()][0]!.id;
      const a = await t.app.inject({ method: 'GET', url: `/api/v1/users/${id}`, headers: SSWS });
      assert.equal(a.headers['x-rate-limit-limit'], '2');
      assert.equal(a.headers['x-rate-limit-remaining'], '1');
      await t.app.inject({ method: 'GET', url: `/api/v1/users/${id}`, headers: SSWS });
      const limited = await t.app.inject({ method: 'GET', url: `/api/v1/users/${id}`, headers: SSWS });
      assertOktaError(limited, 429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      assert.equal(limited.headers['x-rate-limit-remaining'], '0');
      assert.equal(limited.headers['x-rate-limit-reset'], String(Math.ceil((t.clock.now() + 60_000) / 1000)));
      const otherBucket = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS });
      assert.equal(otherBucket.statusCode, 200, 'buckets are independent');
      t.clock.advance(60_000);
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/v1/users/${id}`, headers: SSWS })).statusCode,
        200,
      );
    } finally {
      await t.app.close();
    }
  });

  void test('§1.5 the token endpoint is bucketed too and its 429 body is E0000047 "You exceeded the maximum number of requests..."', async () => {
    const t = await buildManagementApp({ tokenRoute: true, quotas: { '/oauth2/v1/token': 1 } });
    try {
      const ok = await t.app.inject({ method: 'POST', url: '/oauth2/v1/token' });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['x-rate-limit-limit'], '1');
      const limited = await t.app.inject({ method: 'POST', url: '/oauth2/v1/token' });
      assertOktaError(
        limited,
        429,
        'E0000047',
        'You exceeded the maximum number of requests. Try again in a while.',
      );
    } finally {
      await t.app.close();
    }
  });

  void test('§5 401s carry the headers, also when the auth hook answered before the rate-limit hook ran', async () => {
    const clock = testClock();
    const state = testState({ clock, quotas: { 'GET|POST /api/v1/users': 5 } });
    const app = Fastify();
    installErrorHandler(app);
    app.decorateRequest('oktaRequestId', '');
    // An auth hook registered BEFORE the rate-limit hook.
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/v1')) throw new OktaApiError('E0000011');
    });
    registerRateLimit(app, state.rateLimits);
    registerUserRoutes(app, state);
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/users' });
      assertOktaError(res, 401, 'E0000011');
      assert.equal(res.headers['x-rate-limit-limit'], '5');
      assert.equal(res.headers['x-rate-limit-remaining'], '4');
      const second = await app.inject({ method: 'GET', url: '/api/v1/users' });
      assert.equal(second.headers['x-rate-limit-remaining'], '3', 'counted');
    } finally {
      await app.close();
    }
  });
});
