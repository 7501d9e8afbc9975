import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKeySource, functionKeySource, KID_SIDECAR_SUFFIX } from '../../src/auth/key-source.js';
import { jwkThumbprint } from '../../src/auth/keys.js';
import { KeyError } from '../../src/errors.js';
import { Metrics } from '../../src/observability/metrics.js';

function pem(): { pem: string; thumbprint: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    pem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    thumbprint: jwkThumbprint(pair.publicKey.export({ format: 'jwk' })),
  };
}

/** A log that records every line, to check what was said and that no key material was. */
function recordingLogger(): {
  lines: { level: string; obj: object; msg: string | undefined }[];
  logger: never;
} {
  const lines: { level: string; obj: object; msg: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as never,
  };
}

/** Replace a file the way `keys rotate` does: a temporary sibling renamed over it. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

function setup(): { dir: string; path: string; a: ReturnType<typeof pem>; b: ReturnType<typeof pem> } {
  const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-key-source-'));
  const path = join(dir, 'client.pem');
  const a = pem();
  writeFileSync(path, a.pem, { mode: 0o600 });
  return { dir, path, a, b: pem() };
}

test('a key file is re-read when it changes; its kid comes from the .kid sidecar; the change is logged and counted by kid', async () => {
  const { path, a, b } = setup();
  const metrics = new Metrics();
  const log = recordingLogger();
  const source = fileKeySource({ path, keyId: 'kid-a' }, { metrics, logger: log.logger });
  const first = await source.current();
  assert.equal(first.kid, 'kid-a');
  assert.equal(first.thumbprint, a.thumbprint);
  assert.equal(await source.current(), first, 'unchanged file: same key, not re-read');

  writeFileSync(`${path}${KID_SIDECAR_SUFFIX}`, 'kid-b\n', { mode: 0o600 });
  replace(path, b.pem);
  const second = await source.current();
  assert.equal(second.thumbprint, b.thumbprint);
  assert.equal(second.kid, 'kid-b');
  assert.deepEqual(metrics.snapshot().key, {
    kid: 'kid-b',
    changes: 1,
    loadFailures: 0,
    refusals: 0,
    reverts: 0,
  });
  const info = log.lines.find((l) => l.level === 'info');
  assert.deepEqual(info?.obj, { kid: 'kid-b', previousKid: 'kid-a', source: path });
  assert.doesNotMatch(JSON.stringify(log.lines), /PRIVATE KEY|"d":/);
  assert.equal(source.status().changes, 1);
});

test('without a sidecar a new key in the file is sent without kid, not with the keyId configured for the old key', async () => {
  const { path, b } = setup();
  const source = fileKeySource({ path, keyId: 'kid-a' });
  assert.equal((await source.current()).kid, 'kid-a');
  replace(path, b.pem);
  const next = await source.current();
  assert.equal(next.thumbprint, b.thumbprint);
  assert.equal(next.kid, undefined);
});

test('a half-written key file is never loaded: the key in use stays, with a log line and a metric; the complete file is then loaded', async () => {
  const { path, a, b } = setup();
  const metrics = new Metrics();
  const log = recordingLogger();
  const source = fileKeySource({ path, keyId: 'kid-a' }, { metrics, logger: log.logger });
  const first = await source.current();
  for (const partial of [b.pem.slice(0, 120), '', b.pem.slice(0, b.pem.length - 40)]) {
    writeFileSync(path, partial);
    assert.equal(await source.current(), first, `partial file of ${partial.length} bytes`);
  }
  assert.equal(metrics.snapshot().key.loadFailures, 3);
  assert.equal(metrics.snapshot().key.kid, 'kid-a');
  assert.equal(first.thumbprint, a.thumbprint);
  const warn = log.lines.filter((l) => l.level === 'warn');
  assert.equal(warn.length, 3);
  assert.match(warn[0]!.msg ?? '', /cannot be loaded; the key in use stays/);
  assert.doesNotMatch(JSON.stringify(log.lines), /BEGIN PRIVATE KEY/);
  assert.equal(source.status().usable, true);
  assert.match(source.status().problem?.message ?? '', /client\.pem/);
  writeFileSync(path, b.pem);
  assert.equal((await source.current()).thumbprint, b.thumbprint);
  assert.equal(source.status().problem, undefined);
});

test('a new key that Okta refuses: back to the accepted key, a clear error in the status, not tried again until the file changes', async () => {
  const { path, a, b } = setup();
  const metrics = new Metrics();
  const log = recordingLogger();
  const source = fileKeySource({ path, keyId: 'kid-a' }, { metrics, logger: log.logger });
  const old = await source.current();
  assert.equal(old.thumbprint, a.thumbprint);
  source.accepted(old);
  replace(path, b.pem);
  const unregistered = await source.current();
  assert.equal(unregistered.thumbprint, b.thumbprint);

  assert.equal(await source.refused(unregistered), true, 'retry with the previous key');
  assert.equal(await source.current(), old);
  const status = source.status();
  assert.equal(status.kid, 'kid-a');
  assert.equal(status.usable, true);
  assert.match(
    status.problem?.message ?? '',
    new RegExp(
      `Okta refused the key without kid \\(public key thumbprint ${b.thumbprint}\\) .*previous key kid-a stays in use`,
    ),
  );
  assert.match(status.problem?.hint ?? '', /Register/);
  assert.equal(log.lines.filter((l) => l.level === 'error').length, 1);
  assert.deepEqual(metrics.snapshot().key, {
    kid: 'kid-a',
    changes: 1,
    loadFailures: 0,
    refusals: 1,
    reverts: 1,
  });

  // The same refused key rewritten: not switched to again.
  replace(path, b.pem);
  assert.equal(await source.current(), old);
  // When the old key is refused too there is nothing left: not usable.
  assert.equal(await source.refused(old), false);
  assert.equal(source.status().usable, false);
  assert.match(source.status().problem?.message ?? '', /holds no other key/);
  // An operator reload forgets the refusals and reads the file again.
  assert.equal(await source.reload(), true);
  assert.equal((await source.current()).thumbprint, b.thumbprint);
});

test('a refusal re-reads the source: a key written since is used at once', async () => {
  const { path, b } = setup();
  const source = fileKeySource({ path });
  const old = await source.current();
  source.accepted(old);
  // Written without changing what stat shows would be unusual; a refusal reads the file whatever the stat says.
  replace(path, b.pem);
  assert.equal(await source.refused(old), true);
  assert.equal((await source.current()).thumbprint, b.thumbprint);
});

test('a key file that cannot be read at start is a KeyError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'okta-m2m-key-source-'));
  assert.throws(() => fileKeySource({ path: join(dir, 'missing.pem') }), KeyError);
  writeFileSync(join(dir, 'half.pem'), pem().pem.slice(0, 100), { mode: 0o600 });
  assert.throws(() => fileKeySource({ path: join(dir, 'half.pem') }), /not a valid PEM/);
});

test('a key function is asked before each token request; a failing function keeps the key in use', async () => {
  const a = pem();
  const b = pem();
  let current: unknown = { privateKey: a.pem, keyId: 'fn-a' };
  let calls = 0;
  const metrics = new Metrics();
  const source = functionKeySource(
    async () => {
      calls++;
      if (current instanceof Error) throw current;
      return current as { privateKey: string };
    },
    { metrics },
  );
  const first = await source.current();
  assert.equal(first.kid, 'fn-a');
  current = new Error('vault sealed: token s.abcdef');
  assert.equal(await source.current(), first);
  assert.match(source.status().problem?.message ?? '', /The key function failed \(Error\)/);
  assert.doesNotMatch(
    source.status().problem?.message ?? '',
    /abcdef/,
    "the function's message is not repeated",
  );
  current = b.pem;
  assert.equal((await source.current()).thumbprint, b.thumbprint);
  assert.equal(calls, 3);
  assert.equal(metrics.snapshot().key.changes, 1);
  const none = functionKeySource(() => {
    throw new Error('down');
  });
  await assert.rejects(none.current(), /The key function failed/);
  assert.equal(none.status().usable, false);
});
