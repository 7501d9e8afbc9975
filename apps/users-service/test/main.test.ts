// The command as `npm start` runs it: with no OKTA_DOMAIN it starts the embedded demo org, prints the service
// URL, two keys and three curl commands that work as printed; on SIGTERM it stops accepting, lets a request in
// flight finish and exits 0. With bad variables it lists every problem and exits 1 without a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function start(env: Record<string, string>): { child: ChildProcess; lines: string[]; stderr: string[] } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(OKTA_|API_KEYS|PORT|HOST|REDIS_URL|TOKEN_STORE_KEY)/.test(k),
    ),
  );
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  return { child, lines, stderr };
}

async function waitFor(lines: string[], pattern: RegExp, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!lines.some((l) => pattern.test(l))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; got:\n${lines.join('\n')}`);
    await sleep(50);
  }
}

/** Runs a printed curl command with fetch: its method, headers, body and URL, exactly as printed. */
async function runCurl(command: string): Promise<Response> {
  const url = /'(http:[^']+)'\s*$/.exec(command)?.[1];
  assert.ok(url, command);
  const headers = Object.fromEntries(
    [...command.matchAll(/-H '([^:]+): ([^']+)'/g)].map((m) => [m[1] as string, m[2] as string]),
  );
  const body = /-d '([^']+)'/.exec(command)?.[1];
  const method = /-X (\w+)/.exec(command)?.[1] ?? 'GET';
  return fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
}

void test('npm start without OKTA_DOMAIN: demo org, keys, three working curl commands, graceful SIGTERM', async () => {
  const { child, lines, stderr } = start({ PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' });
  try {
    await waitFor(lines, /Press Ctrl-C to stop/);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\nstderr:\n${stderr.join('\n')}`);
  }
  const text = lines.join('\n');
  const url = /^Service: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(text)?.[1];
  const emulatorUrl = /^Okta emulator: (http:\/\/127\.0\.0\.1:\d+)/m.exec(text)?.[1];
  assert.ok(url && emulatorUrl, text);
  assert.match(text, /read key {2}\(users:read\): {2}usk_/);
  assert.match(text, /write key \(users:write\): usk_/);

  // The three commands, joined where the rename continues on a second line.
  const commands = text
    .replace(/\\\n\s+/g, '')
    .split('\n')
    .filter((l) => l.trim().startsWith('curl '));
  assert.equal(commands.length, 3);
  const list = await runCurl(commands[0]!);
  assert.equal(list.status, 200);
  assert.equal(((await list.json()) as { users: unknown[] }).users.length, 3);
  const one = await runCurl(commands[1]!);
  assert.equal(one.status, 200);
  const renamed = await runCurl(commands[2]!);
  assert.equal(renamed.status, 200);
  assert.deepEqual(
    [(await renamed.json()) as { firstName: string; lastName: string }].map((u) => [
      u.firstName,
      u.lastName,
    ])[0],
    ['Ada', 'Lovelace'],
  );

  // A slow Okta answer, then SIGTERM while the request is in flight.
  const fault = await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: '/api/v1/users/:id', sequence: [{ type: 'latency', ms: 1500 }] }),
  });
  assert.equal(fault.status, 201);
  const readKey = /read key {2}\(users:read\): {2}(\S+)/.exec(text)![1]!;
  const sampleId = /\/users\/([^/]+)\/name'/.exec(commands[2]!)![1]!;
  const started = Date.now();
  const inFlight = fetch(`${url}/users/${sampleId}`, { headers: { authorization: `Bearer ${readKey}` } });
  await sleep(400);
  child.kill('SIGTERM');
  await sleep(200);
  const refused = await fetch(`${url}/healthz`).then(
    (r) => r.status,
    () => 'refused',
  );
  const res = await inFlight;
  assert.equal(res.status, 200, 'the request in flight completed');
  assert.ok(Date.now() - started >= 1400, 'it really waited for Okta');
  assert.ok(refused === 'refused' || refused === 503, `a new request after SIGTERM: ${refused}`);
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  const logs = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(logs.some((l) => l['msg'] === 'shutting down'));
  assert.ok(logs.some((l) => l['msg'] === 'stopped' && l['clean'] === true));
  assert.ok(!lines.join('\n').includes('eyJ'), 'no token printed or logged');
});

void test('bad configuration: every problem listed, exit 1, no stack trace', async () => {
  const { child, stderr } = start({
    OKTA_DOMAIN: 'acme.okta.com',
    PORT: 'eighty',
    API_KEYS: 'nope',
    REDIS_URL: 'redis://127.0.0.1:6379',
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const text = stderr.join('\n');
  assert.equal(code, 1);
  assert.match(text, /- TOKEN_STORE_KEY: Required with REDIS_URL.*openssl rand -base64 32/);
  for (const variable of ['PORT', 'API_KEYS', 'OKTA_CLIENT_ID', 'OKTA_PRIVATE_KEY']) {
    assert.match(text, new RegExp(`- ${variable}: `));
  }
  assert.ok(!/\n\s+at /.test(text), text);
});
