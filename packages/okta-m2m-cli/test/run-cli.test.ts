// The test helper itself: a command that hangs (here against an org that accepts connections and never answers)
// is killed when its time is up, the call rejects with what it printed, and no process is left holding the
// connection (the server sees it closed).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { runCli, tempDir } from './helpers/run-cli.js';

const sockets: Socket[] = [];
// Reads (and ignores) what arrives, so the end of a connection is seen; never answers.
const server = createServer((socket) => void sockets.push(socket.resume()));
after(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

void test('a hung command is killed at its time limit and the run rejects', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const dir = tempDir();
  const keyPath = join(dir, 'key.pem');
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  writeFileSync(keyPath, key.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  const env = {
    OKTA_DOMAIN: `http://127.0.0.1:${port}`,
    OKTA_CLIENT_ID: '0oahung',
    OKTA_PRIVATE_KEY_PATH: keyPath,
  };
  const started = Date.now();
  const run = runCli(['token'], { env, cwd: dir, timeoutMs: 8_000 });
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.match(String(error), /did not exit within 8000 ms/);
  assert.ok(sockets.length > 0, 'the command was waiting on the server');
  assert.ok(Date.now() - started < 20_000, `rejected after ${Date.now() - started} ms`);
  // The killed command's connections are closed by the kernel: the server sees every one end.
  for (const s of sockets) {
    if (!s.destroyed && !s.readableEnded) await new Promise((r) => s.once('close', r));
  }
});
