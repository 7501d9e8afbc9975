// close(): graceful by default (a request on the wire finishes, then the sockets close), and close({ force: true })
// aborting requests in flight at once, against a loopback server that holds its answers until the test releases
// them (no timing guesses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClosedError } from '../../src/errors.js';
import { resolveTransportOptions } from '../../src/config.js';
import { createTransport } from '../../src/http/transport.js';
import { Metrics } from '../../src/observability/metrics.js';
import { UsersApi } from '../../src/users/users-api.js';
import { sendJson, startLoopbackServer } from '../helpers/loopback-server.js';
import { SswsAuthorizer } from '../helpers/ssws-authorizer.js';

async function heldServer() {
  let arrived!: () => void;
  const arrival = new Promise<void>((r) => (arrived = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let socketClosed = false;
  const srv = await startLoopbackServer(async (req, res) => {
    req.socket.once('close', () => (socketClosed = true));
    arrived();
    await released;
    if (!res.destroyed) sendJson(res, 200, { id: 'u1', profile: {} });
  });
  const transport = createTransport(resolveTransportOptions({ timeoutMs: 60_000, deadlineMs: 60_000 }), {
    clock: Date.now,
    sleep: async () => undefined,
    random: () => 0,
    metrics: new Metrics(),
  });
  const users = new UsersApi({ transport, authorizer: new SswsAuthorizer(['t']), orgUrl: srv.url });
  return { srv, transport, users, arrival, release, socketClosed: () => socketClosed };
}

void test('close({ force: true }) aborts a request in flight: ClosedError at once, the socket closed', async (t) => {
  const h = await heldServer();
  t.after(() => h.srv.close());
  t.after(() => h.release());
  const call = h.users.get('u1').then(
    () => assert.fail('expected ClosedError'),
    (e: unknown) => e,
  );
  await h.arrival;
  const started = Date.now();
  await h.transport.close({ force: true });
  const e = await call;
  assert.ok(e instanceof ClosedError, String(e));
  assert.match(e.message, /closed with force/);
  assert.ok(Date.now() - started < 5_000, 'not waiting for the held answer');
  for (let i = 0; i < 100 && !h.socketClosed(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(h.socketClosed(), 'the server saw the connection closed');
  await assert.rejects(h.users.get('u1'), ClosedError, 'later calls are refused');
});

void test('close() without force is graceful: the request in flight completes, then the transport is closed', async (t) => {
  const h = await heldServer();
  t.after(() => h.srv.close());
  const call = h.users.get('u1');
  await h.arrival;
  let closed = false;
  const closing = h.transport.close().then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(closed, false, 'close() waits for the request on the wire');
  h.release();
  assert.equal((await call).id, 'u1', 'the in-flight call succeeded');
  await closing;
  assert.equal(closed, true);
  await assert.rejects(h.users.get('u1'), ClosedError);
});
