// /readyz against an emulator that goes away and comes back on the same port with the same state: ready,
// then not ready (503 naming the failure, with Retry-After) while it is down, then ready again; and the result
// is cached between probes so probes do not spend the org's rate limit.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { startHarness, type Harness } from './helpers/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'users-service-ready-'));
let h: Harness | undefined;
let restarted: RunningEmulator | undefined;
after(async () => {
  await h?.close();
  await restarted?.close();
  rmSync(dir, { recursive: true, force: true });
});

void test('readiness: ready, cached, failing while Okta is down, recovering after', async () => {
  const statePath = join(dir, 'state.json');
  h = await startHarness({
    users: 5,
    emulator: { statePath },
    okta: { transport: { timeoutMs: 3000, deadlineMs: 5000, breaker: { failureThreshold: 2, openMs: 300 } } },
    app: { readinessCacheMs: 250 },
  });
  const probe = () => h!.app.inject({ url: '/readyz' });
  const first = await probe();
  assert.equal(first.statusCode, 200);
  assert.equal((first.json() as { status: string }).status, 'ready');

  const before = h.apiRequests();
  for (let i = 0; i < 5; i++) assert.equal((await probe()).statusCode, 200);
  assert.equal(h.apiRequests(), before, 'probes within the cache period reuse the result');

  const port = Number(new URL(h.emu.url).port);
  await h.emu.close();
  await sleep(300);
  const down = await probe();
  assert.equal(down.statusCode, 503);
  assert.equal(down.headers['retry-after'], '5');
  const problem = down.json() as { code: string; detail: string };
  assert.match(problem.code, /^OKTA_M2M_(NETWORK|CIRCUIT_OPEN)$/);
  assert.match(problem.detail, /^Not ready/);
  // The process itself is fine.
  assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200);

  restarted = await startEmulator({ port, statePath });
  let recovered = false;
  for (let i = 0; i < 40 && !recovered; i++) {
    await sleep(150);
    recovered = (await probe()).statusCode === 200;
  }
  assert.ok(recovered, 'ready again once Okta answers');
});
