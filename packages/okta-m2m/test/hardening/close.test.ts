// close(): graceful by default (a request on the wire finishes, then the sockets close), and close({ force: true })
// aborting requests in flight at once, against a loopback server that holds its answers until the test releases
// them (no timing guesses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Agent, request } from 'undici';
import { createOktaClient } from '../../src/client.js';
import { ClosedError } from '../../src/errors.js';
import { resolveTransportOptions } from '../../src/config.js';
import { createTransport } from '../../src/http/transport.js';
import { Metrics } from '../../src/observability/metrics.js';
import { UsersApi } from '../../src/users/users-api.js';
import { sendJson, startLoopbackServer } from '../helpers/loopback-server.js';
import { SswsAuthorizer } from '../helpers/ssws-authorizer.js';
import { capturingLogger } from '../helpers/token-fakes.js';

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

const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

void test("close({ force: true }) with the caller's dispatcher: the call ends with ClosedError, the dispatcher stays usable", async (t) => {
  const h = await heldServer();
  t.after(() => h.srv.close());
  t.after(() => h.release());
  const tokenServer = await startLoopbackServer((_req, res) =>
    sendJson(res, 200, {
      access_token: 'at-'.padEnd(40, 'x'),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'okta.users.read',
    }),
  );
  t.after(() => tokenServer.close());
  const agent = new Agent();
  t.after(() => agent.close());
  const client = createOktaClient({
    orgUrl: h.srv.url,
    clientId: '0oa1',
    privateKey: ecKey,
    dpop: false,
    tokenEndpoint: `${tokenServer.url}/oauth2/v1/token`,
    transport: { dispatcher: agent, timeoutMs: 60_000, deadlineMs: 60_000 },
  });
  const call = client.users.get('u1').then(
    () => assert.fail('expected ClosedError'),
    (e: unknown) => e,
  );
  await h.arrival;
  await client.close({ force: true });
  assert.ok((await call) instanceof ClosedError);
  assert.equal(agent.destroyed, false, "the caller's dispatcher is not destroyed");
  const res = await request(`${tokenServer.url}/oauth2/v1/token`, { dispatcher: agent, method: 'POST' });
  assert.equal(res.statusCode, 200, 'and still answers');
  await res.body.dump();
});

void test('close({ force: true }) during a background refresh logs no refresh failure', async (t) => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const arrival = new Promise<void>((r) => (arrived = r));
  let n = 0;
  const srv = await startLoopbackServer(async (_req, res) => {
    if (n++ > 0) {
      arrived();
      await released;
    }
    if (!res.destroyed)
      sendJson(res, 200, {
        access_token: `at-${n}`.padEnd(40, 'x'),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'okta.users.read',
      });
  });
  t.after(() => srv.close());
  t.after(() => release());
  const logger = capturingLogger();
  let now = Date.now();
  const client = createOktaClient({
    orgUrl: srv.url,
    clientId: '0oa1',
    privateKey: ecKey,
    dpop: false,
    logger,
    deps: { clock: () => now },
  });
  await client.tokens.getToken();
  now += 3_300_000; // 55 minutes on: the token is still valid and due for refresh
  await client.tokens.getToken(); // a hit that starts the background refresh
  await arrival;
  await client.close({ force: true });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    logger.entries.filter((e) => /refresh failed/i.test(e.msg ?? '')).map((e) => e.msg),
    [],
  );
});
