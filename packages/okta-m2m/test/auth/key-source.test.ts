import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKeySource, functionKeySource } from '../../src/auth/key-source.js';
import {
  keyFileKid,
  KID_SIDECAR_SUFFIX,
  kidSidecarText,
  readKidSidecar,
} from '../../src/auth/kid-sidecar.js';
import { jwkThumbprint, loadSigningKey } from '../../src/auth/keys.js';
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
  // When the old key is refused too, the file's key is tried again (it may have been registered since)...
  assert.equal(await source.refused(old), true);
  const again = await source.current();
  assert.equal(again.thumbprint, b.thumbprint);
  // ...and when Okta refuses it again there is nothing left: not usable, and no going back to the refused old key.
  assert.equal(await source.refused(again), false);
  assert.equal(source.status().usable, false);
  assert.match(source.status().problem?.message ?? '', /holds no other key/);
  // An operator reload forgets the refusals and reads the file again.
  replace(path, a.pem);
  assert.equal(await source.reload(), true);
  assert.equal((await source.current()).thumbprint, a.thumbprint);
});

test('a new key put in place before it is registered, registered later, the old key retired: the source switches to the new key', async () => {
  const { path, a, b } = setup();
  const sidecar = `${path}${KID_SIDECAR_SUFFIX}`;
  writeFileSync(sidecar, kidSidecarText('kid-a', a.thumbprint), { mode: 0o600 });
  const source = fileKeySource({ path });
  const old = await source.current();
  source.accepted(old);
  replace(sidecar, kidSidecarText('kid-b', b.thumbprint));
  replace(path, b.pem);
  const unregistered = await source.current();
  assert.equal(unregistered.kid, 'kid-b');
  assert.equal(await source.refused(unregistered), true, 'not registered yet: back to the old key');
  assert.equal(await source.current(), old);
  // The operator registers kid-b, then retires kid-a: Okta refuses the old key.
  assert.equal(await source.refused(old), true, 'retry with what the file holds');
  const next = await source.current();
  assert.equal(next.kid, 'kid-b');
  assert.equal(next.thumbprint, b.thumbprint);
  source.accepted(next);
  assert.equal(source.status().usable, true);
  assert.equal(await source.current(), next, 'later token requests sign with the new key');
});

test('a .kid file naming another key (a rotation between its two renames, or a leftover) is not used; the key keeps its own kid', async () => {
  const { path, a, b } = setup();
  const sidecar = `${path}${KID_SIDECAR_SUFFIX}`;
  writeFileSync(sidecar, kidSidecarText('kid-a', a.thumbprint), { mode: 0o600 });
  const log = recordingLogger();
  const source = fileKeySource({ path, keyId: 'kid-a' }, { logger: log.logger });
  assert.equal((await source.current()).kid, 'kid-a');
  // keys rotate: the new kid file is in place, the key file not yet (or its write failed).
  replace(sidecar, kidSidecarText('kid-b', b.thumbprint));
  const between = await source.current();
  assert.equal(between.thumbprint, a.thumbprint);
  assert.equal(between.kid, 'kid-a', 'the old key with its own kid, not the new kid');
  const warning = log.lines.find((l) => l.level === 'warn');
  assert.match(warning?.msg ?? '', /names another key .*its kid is not used/);
  // A process started now: the old key with the configured kid (the file holds the key it was configured for).
  assert.equal((await fileKeySource({ path, keyId: 'kid-a' }).current()).kid, 'kid-a');
  assert.equal((await fileKeySource({ path }).current()).kid, undefined, 'no kid rather than a wrong one');
  // The key file follows: the new key with its kid.
  replace(path, b.pem);
  const after = await source.current();
  assert.equal(after.thumbprint, b.thumbprint);
  assert.equal(after.kid, 'kid-b');
  // A one-field kid file (written before thumbprints were recorded) is still read.
  replace(sidecar, 'kid-legacy\n');
  assert.equal((await source.current()).kid, 'kid-legacy');
  assert.deepEqual(readKidSidecar(sidecar), { kid: 'kid-legacy', thumbprint: undefined });
});

test('the kid of a JWK key file with a .kid file: one rule (keyFileKid), the thumbprint decides', () => {
  const { path, b } = setup();
  const jwk = { ...createPrivateKey(b.pem).export({ format: 'jwk' }), kid: 'kid-in-the-jwk' };
  writeFileSync(path, JSON.stringify(jwk), { mode: 0o600 });
  const key = loadSigningKey({ privateKeyPath: path });
  assert.deepEqual(keyFileKid(key, { kid: 'stale', thumbprint: 'other' }, 'env-kid'), {
    kid: 'kid-in-the-jwk',
    from: 'jwk',
    staleSidecar: { kid: 'stale', thumbprint: 'other' },
  });
  assert.equal(keyFileKid(key, { kid: 'stale', thumbprint: undefined }, undefined).kid, 'kid-in-the-jwk');
  assert.deepEqual(keyFileKid(key, { kid: 'registered', thumbprint: b.thumbprint }, undefined), {
    kid: 'registered',
    from: 'sidecar',
    staleSidecar: undefined,
  });
  writeFileSync(`${path}${KID_SIDECAR_SUFFIX}`, 'stale-sidecar-kid\n', { mode: 0o600 });
  const source = fileKeySource({ path });
  assert.equal(source.key?.kid, 'kid-in-the-jwk', 'a one-field kid file does not override the JWK');
});

test("when the key's kid comes from the .kid file, the refusal hint names that file", async () => {
  const { path, a } = setup();
  writeFileSync(`${path}${KID_SIDECAR_SUFFIX}`, kidSidecarText('kid-a', a.thumbprint), { mode: 0o600 });
  const source = fileKeySource({ path });
  assert.equal(await source.refused(await source.current()), false);
  assert.match(source.status().problem?.hint ?? '', /the kid comes from the kid file .*client\.pem\.kid/);
  const configured = fileKeySource({ path: setup().path, keyId: 'kid-x' });
  assert.equal(await configured.refused(await configured.current()), false);
  assert.match(configured.status().problem?.hint ?? '', /keyId \(OKTA_KEY_ID\)/);
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
