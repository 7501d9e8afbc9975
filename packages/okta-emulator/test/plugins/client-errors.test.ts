import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type RunningEmulator } from '../../src/index.js';

/** A URL far past Node's 16 KB limit on the request line and headers. */
const LONG_PATH = `/api/v1/users?search=${'a'.repeat(20_000)}`;

/** Sends raw bytes on a fresh socket and resolves with everything read until the server closes it. */
function exchange(port: number, raw: string): Promise<{ text: string; reset: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let reset = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => (reset = true));
    socket.on('close', () => resolve({ text, reset }));
    socket.write(raw);
  });
}

/** GET over a keep-alive agent; resolves with the status or the socket error code. */
function get(agent: Agent, port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
}

void describe('a request the HTTP parser refuses (431) closes its keep-alive connection cleanly', () => {
  let emu: RunningEmulator;
  let port: number;
  before(async () => {
    emu = await startEmulator({ control: false });
    port = Number(new URL(emu.url).port);
  });
  after(() => emu.close());

  void test('an over-long URL on a keep-alive socket → 431 with Connection: close and an Okta error body, then a clean close', async () => {
    const { text, reset } = await exchange(
      port,
      `GET ${LONG_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`,
    );
    assert.equal(reset, false, 'the socket ends with a FIN, not a reset');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 431 /);
    assert.match(head, /\r\nconnection: close\r\n/i);
    const error = JSON.parse(body) as { errorCode: string; errorCauses: { errorSummary: string }[] };
    assert.equal(error.errorCode, 'E0000001');
    assert.match(error.errorCauses[0]?.errorSummary ?? '', /Shorten the URL/);
  });

  void test('the next request on the same keep-alive agent gets its answer, not a reset', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let round = 0; round < 3; round++) {
        assert.equal(await get(agent, port, LONG_PATH), 431);
        assert.equal(await get(agent, port, '/.well-known/openid-configuration'), 200);
      }
    } finally {
      agent.destroy();
    }
  });
});
