import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmulator } from '../../src/server.js';
import { loadSnapshot, saveSnapshot } from '../../src/state/state-file.js';
import { rememberOnce } from '../../src/state/replay-cache.js';
import { ORG, bearerToken, harness } from '../helpers/platform-fixtures.js';

void test('a snapshot restores apps, keys, grants, admin token and signing key', async () => {
  const h = await harness();
  const app = await h.app({ dpop: false });
  const snapshot = h.emu.snapshot();
  await h.close();
  const h2 = await harness({ snapshot });
  try {
    assert.equal(
      h2.emu.adminToken,
      snapshot.platform && (snapshot.platform as { adminToken: string }).adminToken,
    );
    const restored = h2.emu.state.apps.get(app.appId);
    assert.ok(restored);
    assert.equal(restored.keys[0]?.jwk.kid, app.keyId);
    // The client's key and grants still work after the restart.
    const at = await bearerToken(h2, app);
    assert.ok(at.length > 100);
  } finally {
    await h2.close();
  }
});

void test('saveSnapshot writes mode 0600 and loadSnapshot reads it back; a foreign file is refused with its name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okta-emu-state-'));
  const emu = await buildEmulator({ orgUrl: ORG });
  const path = join(dir, 'state.json');
  saveSnapshot(path, emu.snapshot());
  await emu.app.close();
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(loadSnapshot(path)?.kind, 'okta-emulator-state');
  assert.equal(loadSnapshot(join(dir, 'missing.json')), undefined);
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, '{"hello":1}');
  assert.throws(() => loadSnapshot(foreign), /foreign\.json is not an okta-emulator state file/);
  writeFileSync(foreign, '{not json');
  assert.throws(() => loadSnapshot(foreign), /Cannot read the state file/);
});

void test('rememberOnce refuses a key until it expires', () => {
  const cache = new Map<string, number>();
  assert.equal(rememberOnce(cache, 'a', 2000, 1000), true);
  assert.equal(rememberOnce(cache, 'a', 2000, 1500), false);
  assert.equal(rememberOnce(cache, 'a', 4000, 2500), true, 'forgotten after its expiry');
});

void test('rememberOnce sweeps expired keys as the cache grows, and keeps live ones', () => {
  const cache = new Map<string, number>();
  for (let i = 0; i < 5000; i++) rememberOnce(cache, `old ${i}`, 2000, 1000);
  assert.equal(rememberOnce(cache, 'live', 1_000_000, 3000), true);
  for (let i = 0; i < 20_000; i++) rememberOnce(cache, `new ${i}`, 1_000_000, 3000);
  assert.equal([...cache.keys()].filter((k) => k.startsWith('old ')).length, 0, 'expired keys swept');
  assert.equal(rememberOnce(cache, 'live', 1_000_000, 3000), false, 'a live key is still a replay');
});
