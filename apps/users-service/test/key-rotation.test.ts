// Key rotation without downtime, end to end: the service listening on 127.0.0.1:0 against the emulator, under
// steady load from concurrent callers; `okta-m2m keys rotate` (the command, spawned) adds a key and replaces the
// key file; the service switches keys; `okta-m2m keys retire OLD --delete` retires the old one. No call fails,
// and the emulator's stats show token requests signed with the new kid after the switch and none with the old
// kid after it was retired. The service's and the emulator's clocks are moved together so that new tokens are
// fetched during the run. Also: /readyz while no usable key is present, and SIGHUP on the real command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { startEmulator, type RunningEmulator, type ServiceAppCredentials } from 'okta-emulator';
import { generateApiKey } from '../src/api-keys.js';
import { buildApp } from '../src/app.js';
import { bearer } from './helpers/harness.js';

const CLI = join(
  dirname(createRequire(import.meta.url).resolve('okta-m2m-cli/package.json')),
  'bin',
  'okta-m2m.js',
);
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const MINUTE = 60_000;
const CALLERS = 16;

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), 'users-service-rotation-'));
before(async () => {
  // The load would exceed Okta's per-minute quotas for one org; they are not what this test is about.
  emu = await startEmulator({
    seedUsers: 40,
    seed: 15,
    quotas: {
      'GET /api/v1/users/{idOrLogin}': 1_000_000,
      '/api/v1': 1_000_000,
      '/oauth2/v1/token': 1_000_000,
    },
  });
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run the okta-m2m command; resolves to its exit code and output. */
function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function keyFileApp(
  name: string,
): Promise<{ app: ServiceAppCredentials; keyPath: string; env: Record<string, string> }> {
  const app = await emu.createServiceApp({ dpop: false, label: name });
  const keyPath = join(dir, `${name}.pem`);
  writeFileSync(keyPath, app.privateKeyPem, { mode: 0o600 });
  return {
    app,
    keyPath,
    env: {
      OKTA_DOMAIN: emu.url,
      OKTA_CLIENT_ID: app.clientId,
      OKTA_KEY_ID: app.keyId,
      OKTA_PRIVATE_KEY_PATH: keyPath,
      OKTA_API_TOKEN: emu.adminToken,
    },
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

function capture(): { logs: string[]; stream: Writable } {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logs, stream };
}

void test('rotation under load: keys rotate, the service switches, keys retire: zero failed calls; new kid after the switch, none of the old after retirement', async (t) => {
  const { app: oktaApp, keyPath, env } = await keyFileApp('rotation');
  const oldKid = oktaApp.keyId;
  const reader = generateApiKey('load', 'users:read');
  let offsetMs = 0; // the service's clock, moved together with the emulator's
  const { logs, stream } = capture();
  const service: FastifyInstance = await buildApp({
    okta: {
      orgUrl: emu.url,
      clientId: oktaApp.clientId,
      keyId: oldKid,
      privateKeyPath: keyPath,
      dpop: false,
      deps: { clock: () => Date.now() + offsetMs },
    },
    apiKeys: [reader.apiKey],
    logStream: stream,
    logLevel: 'info',
  });
  t.after(() => service.close());
  t.after(() => emu.clock.set(Date.now())); // the emulator's clock back for the next test
  const base = await service.listen({ host: '127.0.0.1', port: 0 });
  const moveClocks = (ms: number): void => {
    emu.clock.advance(ms);
    offsetMs += ms;
  };

  const ids = (
    (await (await fetch(`${base}/users?limit=40`, { headers: bearer(reader.key) })).json()) as {
      users: { id: string }[];
    }
  ).users.map((u) => u.id);
  assert.ok(ids.length >= 20, `${ids.length} users`);

  // Steady load: concurrent callers, each reading one user after another, until told to stop.
  const outcomes = new Map<string, number>();
  let stop = false;
  let calls = 0;
  const caller = async (n: number): Promise<void> => {
    for (let i = n; !stop; i++) {
      let outcome: string;
      try {
        const res = await fetch(`${base}/users/${ids[i % ids.length]!}`, { headers: bearer(reader.key) });
        await res.arrayBuffer();
        outcome = String(res.status);
      } catch (error) {
        outcome = `error ${(error as Error).message}`;
      }
      calls++;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  let oldRequestsAtRetirement: number | undefined;
  const started = Date.now();
  const load = Promise.all(Array.from({ length: CALLERS }, (_, n) => caller(n)));
  try {
    await until('the load is running', () => calls >= 200);
    assert.equal(emu.stats().tokensIssuedByKid[oldKid], 1, 'one token so far, with the old key');

    // 1. keys rotate: a new key ACTIVE beside the old one, the key file replaced.
    const rotate = await cli(['keys', 'rotate', '--json'], env);
    assert.equal(rotate.code, 0, rotate.stderr);
    const rotated = JSON.parse(rotate.stdout) as { kid: string; env: Record<string, string> };
    const newKid = rotated.kid;
    assert.notEqual(newKid, oldKid);
    assert.equal(
      readFileSync(`${keyPath}.kid`, 'utf8'),
      `${newKid} ${newKid}\n`,
      'the new kid and its key thumbprint',
    );

    // 2. The service notices the file (watch) and switches; the next token request signs with the new key.
    await until('the service switched keys', async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      return metrics.includes(`okta_client_key_info{kid="${newKid}",usable="true"} 1`);
    });
    assert.ok(
      logs.some(
        (l) =>
          l.includes('"msg":"Client key changed; the next token request signs with it"') &&
          l.includes(`"kid":"${newKid}"`) &&
          l.includes(`"previousKid":"${oldKid}"`),
      ),
    );
    moveClocks(50 * MINUTE); // past 80% of the token's hour: the next call refreshes it in the background
    await until('a token signed with the new kid', () => (emu.stats().tokensIssuedByKid[newKid] ?? 0) >= 1);
    const callsAtSwitch = calls;
    await until('calls after the switch', () => calls >= callsAtSwitch + 200);

    // 3. keys retire OLD --delete, from the new configuration.
    const retire = await cli(['keys', 'retire', '--delete', '--json', '--', oldKid], {
      ...env,
      ...rotated.env,
    });
    assert.equal(retire.code, 0, retire.stderr);
    assert.equal((JSON.parse(retire.stdout) as { status: string }).status, 'DELETED');
    oldRequestsAtRetirement = emu.stats().tokenRequestsByKid[oldKid];
    const newIssuedAtRetirement = emu.stats().tokensIssuedByKid[newKid]!;

    // 4. Tokens keep coming, all with the new key.
    const callsAtRetirement = calls;
    await until('calls after the retirement', () => calls >= callsAtRetirement + 200);
    moveClocks(50 * MINUTE);
    await until(
      'another token with the new kid',
      () => emu.stats().tokensIssuedByKid[newKid]! > newIssuedAtRetirement,
    );
    const callsAtEnd = calls;
    await until('calls with the last token', () => calls >= callsAtEnd + 200);
  } finally {
    stop = true;
    await load;
  }
  const seconds = (Date.now() - started) / 1000;
  const stats = emu.stats();
  const rotatedKids = Object.keys(stats.tokensIssuedByKid).filter((k) => k !== oldKid);
  t.diagnostic(
    `${calls} calls in ${seconds.toFixed(1)} s (${Math.round(calls / seconds)}/s) by ${CALLERS} callers; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; tokens by kid ${JSON.stringify(stats.tokensIssuedByKid)}; token requests by kid ${JSON.stringify(stats.tokenRequestsByKid)}`,
  );
  assert.deepEqual([...outcomes.keys()], ['200'], 'zero failed calls');
  assert.equal(rotatedKids.length, 1);
  assert.equal(
    stats.tokenRequestsByKid[oldKid],
    oldRequestsAtRetirement,
    'no token request with the old kid after it was retired',
  );
  assert.equal(stats.tokenRequestsByKid[oldKid], 1, 'the old kid signed only the first token request');
  assert.ok(stats.tokensIssuedByKid[rotatedKids[0]!]! >= 2, 'the new kid signed the later ones');
  assert.equal(stats.tokenRequestsByOutcome['invalid_client'] ?? 0, 0, 'no token request was refused');
});

void test('/readyz fails while no usable key is present, and passes once there is one', async (t) => {
  const oktaApp = await emu.createServiceApp({ dpop: false, label: 'ready' });
  let available = false;
  const reader = generateApiKey('probe', 'users:read');
  const service = await buildApp({
    okta: {
      orgUrl: emu.url,
      clientId: oktaApp.clientId,
      // A secret store that has no key yet.
      privateKey: () => {
        if (!available) throw new Error('not there yet');
        return { privateKey: oktaApp.privateKeyPem, keyId: oktaApp.keyId };
      },
      dpop: false,
    },
    apiKeys: [reader.apiKey],
    logLevel: 'silent',
    readinessCacheMs: 0,
  });
  t.after(() => service.close());
  const first = await service.inject({ url: '/readyz' });
  assert.equal(first.statusCode, 503);
  const problem = first.json() as { code: string; detail: string; hint: string };
  assert.equal(problem.code, 'OKTA_M2M_KEY');
  assert.match(problem.detail, /no usable client key \(The key function failed \(Error\)\.\)/);
  assert.doesNotMatch(first.body, /not there yet/);
  // Every later probe says the same until the store has a key (the key is checked on each probe).
  assert.equal((await service.inject({ url: '/readyz' })).statusCode, 503);
  const metrics = (await service.inject({ url: '/metrics' })).body;
  assert.doesNotMatch(metrics, /okta_client_key_info\{kid=/);
  available = true;
  assert.equal((await service.reloadOktaKey('test')).usable, true);
  const ready = await service.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200, ready.body);
  const after = (await service.inject({ url: '/metrics' })).body;
  assert.match(after, new RegExp(`okta_client_key_info\\{kid="${oktaApp.keyId}",usable="true"\\} 1`));
});

void test('/readyz fails while Okta refuses the only key in the key file, and passes once the file holds a registered key', async (t) => {
  const oktaApp = await emu.createServiceApp({ dpop: false, label: 'refused' });
  const stranger = await emu.createServiceApp({ dpop: false, label: 'stranger' });
  const keyPath = join(dir, 'refused.pem');
  writeFileSync(keyPath, stranger.privateKeyPem, { mode: 0o600 }); // another app's key
  const service = await buildApp({
    okta: { orgUrl: emu.url, clientId: oktaApp.clientId, privateKeyPath: keyPath, dpop: false },
    apiKeys: [generateApiKey('probe', 'users:read').apiKey],
    logLevel: 'silent',
    readinessCacheMs: 0,
  });
  t.after(() => service.close());
  const first = await service.inject({ url: '/readyz' });
  assert.equal(first.statusCode, 503);
  assert.equal(
    (first.json() as { code: string }).code,
    'OKTA_M2M_OAUTH',
    'the probe: the token request refused',
  );
  const second = await service.inject({ url: '/readyz' });
  assert.equal(second.statusCode, 503);
  const problem = second.json() as { code: string; detail: string };
  assert.equal(problem.code, 'OKTA_M2M_KEY', 'then the key itself is known to be unusable');
  assert.match(problem.detail, /no usable client key \(Okta refused the client key .* from .*refused\.pem/);
  assert.doesNotMatch(second.body, /PRIVATE KEY/);

  // The right key is written (atomically, with its kid): the watch reloads it, and the service is ready.
  writeFileSync(`${keyPath}.kid.tmp`, `${oktaApp.keyId}\n`, { mode: 0o600 });
  writeFileSync(`${keyPath}.tmp`, oktaApp.privateKeyPem, { mode: 0o600 });
  renameSync(`${keyPath}.kid.tmp`, `${keyPath}.kid`);
  renameSync(`${keyPath}.tmp`, keyPath);
  await until('ready again', async () => (await service.inject({ url: '/readyz' })).statusCode === 200);
});

void test('the command re-reads the key on SIGHUP', { skip: process.platform === 'win32' }, async () => {
  const { env } = await keyFileApp('sighup');
  const entry = generateApiKey('ops', 'users:read');
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(OKTA_|API_KEYS|PORT|HOST)/.test(k)),
  );
  const { OKTA_API_TOKEN: _token, ...oktaEnv } = env;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    env: { ...clean, ...oktaEnv, OKTA_DPOP: 'false', API_KEYS: entry.entry, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  try {
    await until('the service listens', () => /Press Ctrl-C to stop/.test(out), 120_000);
    child.kill('SIGHUP');
    await until('the key was re-read', () => /"reason":"SIGHUP".*"msg":"client key re-read"/.test(out));
    assert.match(out, /"changed":false,"usable":true/);
    assert.equal(child.exitCode, null, 'SIGHUP does not stop the service');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
  }
});

/** Whether the process has a handler for SIGHUP (Linux: the caught-signals mask in /proc, bit 0 for SIGHUP). */
function catchesSighup(pid: number): boolean {
  try {
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & 1n) === 1n;
  } catch {
    return false;
  }
}

void test(
  'a SIGHUP while the command starts does not end it: the key is re-read once the app exists',
  { skip: process.platform !== 'linux' },
  async () => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(OKTA_|API_KEYS|PORT|HOST|REDIS_URL|TOKEN_STORE_KEY)/.test(k),
      ),
    );
    // Without OKTA_DOMAIN the command first starts the embedded demo org: a start that takes a while.
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
      env: { ...clean, PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      // Send SIGHUP as soon as the process handles it (before, it would end any Node process).
      await until(
        'the process handles SIGHUP',
        () => catchesSighup(child.pid!) || child.exitCode !== null,
        120_000,
      );
      const listeningAlready = /Press Ctrl-C to stop/.test(out);
      child.kill('SIGHUP');
      await until(
        'the service listens',
        () => /Press Ctrl-C to stop/.test(out) || child.exitCode !== null,
        120_000,
      );
      assert.equal(child.exitCode, null, `SIGHUP while starting ended the process:\n${out}`);
      assert.equal(listeningAlready, false, 'the SIGHUP handler is in place before the service listens');
      await until('the key was re-read', () => /"reason":"SIGHUP".*"msg":"client key re-read"/.test(out));
      assert.match(out, /SIGHUP received while starting: re-reading the client key now/);
      assert.equal(child.exitCode, null);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('close', resolve));
    }
  },
);
