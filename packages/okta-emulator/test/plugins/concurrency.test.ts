import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertOktaError, buildManagementApp, SSWS } from '../helpers/management-app.js';

void describe('concurrency limit (facts §5)', () => {
  void test('§5 over the in-flight limit: 429 with X-Rate-Limit-Limit 0 and Remaining 0; slots come back', async () => {
    const waiting: (() => void)[] = [];
    const sleep = () => new Promise<void>((resolve) => waiting.push(resolve));
    const t = await buildManagementApp({ seedUsers: 3, concurrencyLimit: 2, sleep });
    try {
      t.state.faults.add({
        method: 'GET',
        path: '/api/v1/users',
        sequence: [{ type: 'latency', ms: 1 }],
        repeat: true,
      });
      const held = [
        t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS }),
        t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS }),
      ];
      while (waiting.length < 2) await new Promise((r) => setImmediate(r));
      assert.equal(t.state.concurrency.inFlight, 2);
      const refused = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS });
      assertOktaError(refused, 429, 'E0000047');
      assert.equal(refused.headers['x-rate-limit-limit'], '0');
      assert.equal(refused.headers['x-rate-limit-remaining'], '0');
      assert.match(String(refused.headers['x-rate-limit-reset']), /^\d{10}$/);
      for (const release of waiting.splice(0)) release();
      const done = await Promise.all(held);
      assert.deepEqual(
        done.map((r) => r.statusCode),
        [200, 200],
      );
      assert.equal(t.state.concurrency.inFlight, 0);
      t.state.faults.clear();
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS })).statusCode,
        200,
      );
      assert.equal(t.state.concurrency.rejected, 1);
    } finally {
      await t.app.close();
    }
  });

  void test('the limit must be a positive integer', async () => {
    await assert.rejects(
      buildManagementApp({ concurrencyLimit: -1 }),
      /concurrencyLimit must be a positive integer/,
    );
  });
});
