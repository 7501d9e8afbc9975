// HTTP mechanics of the transport against a plain local HTTP server (generic HTTP behaviour: keep-alive,
// redirects, header shapes, size cap, resets, timeouts, cancellation). Okta-shaped failures (5xx bursts, 429,
// outages) are tested against the emulator in transport.integration.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import {
  CircuitOpenError,
  ClosedError,
  NetworkError,
  ResponseError,
  TimeoutError,
} from '../../src/errors.js';
import { createTransport } from '../../src/http/transport.js';
import { resolveTransportOptions, type TransportOptions } from '../../src/config.js';
import type { RateLimitInfo } from '../../src/http/rate-limit.js';
import type { HttpRequest } from '../../src/http/types.js';
import { LIBRARY_VERSION } from '../../src/http/user-agent.js';
import { Metrics } from '../../src/observability/metrics.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
let connections = 0;
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function setup(options: TransportOptions = {}) {
  const delays: number[] = [];
  const metrics = new Metrics();
  const transport = createTransport(resolveTransportOptions({ breaker: false, ...options }), {
    clock: Date.now,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    metrics,
  });
  return { transport, delays, metrics };
}
const get =
  (path: string, headers: Record<string, string> = {}) =>
  (): HttpRequest => ({ method: 'GET', url: new URL(base + path), headers });

void test('adds Accept and User-Agent, keeps caller headers, returns status, lower-case headers and body', async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  let seen: IncomingMessage['headers'] = {};
  routes.set('/echo', (req, res) => {
    seen = req.headers;
    res.setHeader('X-Okta-Request-Id', 'req1');
    res.setHeader('Link', ['<http://a/1>; rel="self"', '<http://a/2>; rel="next"']);
    res.end('{"ok":true}');
  });
  const res = await transport.send(get('/echo?x=1', { Authorization: 'SSWS t', 'X-Extra': 'y' }), {
    operation: 'test',
    retryable: true,
  });
  assert.equal(res.status, 200);
  assert.equal(res.body, '{"ok":true}');
  assert.equal(res.headers['x-okta-request-id'], 'req1');
  assert.deepEqual(res.headers['link'], ['<http://a/1>; rel="self"', '<http://a/2>; rel="next"']);
  assert.equal(seen['accept'], 'application/json');
  assert.equal(seen['user-agent'], `okta-m2m/${LIBRARY_VERSION} node/${process.versions.node}`);
  assert.equal(seen['authorization'], 'SSWS t');
  assert.equal(seen['x-extra'], 'y');

  await transport.send(get('/echo', { accept: 'text/plain', 'User-Agent': 'mine' }), {
    operation: 'test',
    retryable: true,
  });
  assert.equal(seen['accept'], 'text/plain');
  assert.equal(seen['user-agent'], 'mine');
});

void test('LIBRARY_VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(LIBRARY_VERSION, pkg.version);
});

void test('keep-alive: sequential requests reuse connections', async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  routes.set('/ka', (_req, res) => res.end('x'));
  const before = connections;
  for (let i = 0; i < 10; i++) await transport.send(get('/ka'), { operation: 'test', retryable: true });
  // undici may open a second socket when the next request is dispatched just before the first socket is
  // released (same tick as the body's end); either way ten requests must not mean ten connections.
  assert.ok(connections - before <= 2, `${connections - before} connections for 10 requests`);
});

void test('redirects are not followed: the 3xx comes back as is', async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  routes.set('/moved', (_req, res) => res.writeHead(302, { location: '/target' }).end());
  routes.set('/target', (_req, res) => res.end('should not be reached'));
  const res = await transport.send(get('/moved'), { operation: 'test', retryable: true });
  assert.equal(res.status, 302);
  assert.equal(res.headers['location'], '/target');
  assert.equal(hits.get('/target'), undefined);
});

void test('a body over maxResponseBytes is a ResponseError and is not retried', async (t) => {
  const { transport } = setup({ maxResponseBytes: 1000 });
  t.after(() => transport.close());
  routes.set('/big', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('x'.repeat(5000));
  });
  routes.set('/big-chunked', (_req, res) => {
    res.write('y'.repeat(800));
    res.end('y'.repeat(800));
  });
  await assert.rejects(transport.send(get('/big'), { operation: 'test', retryable: true }), (e: unknown) => {
    assert.ok(e instanceof ResponseError);
    assert.match(e.message, /^GET \/big: the response body exceeds 1000 bytes/);
    return true;
  });
  await assert.rejects(
    transport.send(get('/big-chunked'), { operation: 'test', retryable: true }),
    ResponseError,
  );
  assert.equal(hits.get('/big'), 1);
  assert.equal(hits.get('/big-chunked'), 1);
});

void test('connection reset: NetworkError naming method and path (never the query); retried for GET, not for POST', async (t) => {
  const { transport, delays, metrics } = setup();
  t.after(() => transport.close());
  routes.set('/reset', (req) => req.socket.destroy());
  await assert.rejects(
    transport.send(get('/reset?token=secret'), { operation: 'test', retryable: true }),
    (e: unknown) => {
      assert.ok(e instanceof NetworkError);
      assert.match(e.message, /^GET \/reset: /);
      assert.doesNotMatch(e.message, /secret/);
      assert.ok(e.cause instanceof Error);
      return true;
    },
  );
  assert.equal(hits.get('/reset'), 3);
  assert.deepEqual(delays, [50, 100], 'full-jitter backoff with random = 0.5');
  assert.equal(metrics.snapshot().retries.byReason['network'], 2);
  assert.equal(metrics.snapshot().requests.byClass.failed, 3);

  const post = (): HttpRequest => ({
    method: 'POST',
    url: new URL(base + '/reset'),
    headers: {},
    body: '{}',
  });
  await assert.rejects(transport.send(post, { operation: 'test', retryable: false }), NetworkError);
  assert.equal(hits.get('/reset'), 4);
});

void test('a truncated body is a NetworkError and a GET is retried (and can then succeed)', async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  let n = 0;
  routes.set('/trunc', (_req, res) => {
    n++;
    if (n === 1) {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 10);
    } else res.end('{"whole":true}');
  });
  const res = await transport.send(get('/trunc'), { operation: 'test', retryable: true });
  assert.equal(res.body, '{"whole":true}');
  assert.equal(n, 2);
});

void test('per-attempt timeout: TimeoutError kind attempt after maxAttempts tries', async (t) => {
  const { transport } = setup({ timeoutMs: 100, retry: { maxAttempts: 2 } });
  t.after(() => transport.close());
  const timers = new Set<NodeJS.Timeout>();
  t.after(() => timers.forEach(clearTimeout));
  routes.set('/slow', (_req, res) => {
    timers.add(setTimeout(() => res.end('late'), 2000));
  });
  await assert.rejects(transport.send(get('/slow'), { operation: 'test', retryable: true }), (e: unknown) => {
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.kind, 'attempt');
    assert.equal(e.timeoutMs, 100);
    assert.match(e.message, /^GET \/slow: no complete answer within 100 ms \(attempt 2\)/);
    return true;
  });
  assert.equal(hits.get('/slow'), 2);
});

void test('overall deadline: TimeoutError kind deadline', async (t) => {
  const { transport } = setup({ timeoutMs: 5000 });
  t.after(() => transport.close());
  const timers = new Set<NodeJS.Timeout>();
  t.after(() => timers.forEach(clearTimeout));
  routes.set('/slower', (_req, res) => {
    timers.add(setTimeout(() => res.end('late'), 3000));
  });
  await assert.rejects(
    transport.send(get('/slower'), { operation: 'test', retryable: true, deadlineMs: 150 }),
    (e: unknown) => {
      assert.ok(e instanceof TimeoutError);
      assert.equal(e.kind, 'deadline');
      return true;
    },
  );
  assert.equal(hits.get('/slower'), 1);
});

void test("the caller's abort rejects with the caller's reason and is not retried", async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  const timers = new Set<NodeJS.Timeout>();
  t.after(() => timers.forEach(clearTimeout));
  const controller = new AbortController();
  const reason = new Error('shutting down');
  routes.set('/hang', (_req, res) => {
    timers.add(setTimeout(() => res.end('late'), 3000));
    // Abort once the server holds the request (not after a guessed delay).
    controller.abort(reason);
  });
  await assert.rejects(
    transport.send(get('/hang'), { operation: 'test', retryable: true, signal: controller.signal }),
    (e) => e === reason,
  );
  assert.equal(hits.get('/hang'), 1);
});

void test('every attempt calls the factory again with its attempt number', async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  let n = 0;
  routes.set('/flaky', (_req, res) => res.writeHead(++n < 3 ? 503 : 200).end(String(n)));
  const attempts: number[] = [];
  const res = await transport.send(
    (attempt) => {
      attempts.push(attempt);
      return { method: 'GET', url: new URL(base + '/flaky'), headers: { 'x-attempt': String(attempt) } };
    },
    { operation: 'test', retryable: true },
  );
  assert.equal(res.status, 200);
  assert.deepEqual(attempts, [1, 2, 3]);
});

void test('close(): later sends reject with ClosedError', async () => {
  const { transport } = setup();
  await transport.close();
  await assert.rejects(transport.send(get('/echo'), { operation: 'test', retryable: true }), ClosedError);
});

void test('close() ends a wait before a retry at once, with ClosedError (no timer keeps the process alive)', async () => {
  let sleeping: () => void = () => undefined;
  const asleep = new Promise<void>((resolve) => (sleeping = resolve));
  // A sleep that only ends when its signal aborts: the deadline (2 s) or close().
  const transport = createTransport(resolveTransportOptions({ breaker: false }), {
    clock: Date.now,
    sleep: (_ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        sleeping();
      }),
    random: () => 0.5,
    metrics: new Metrics(),
  });
  routes.set('/down', (_req, res) => res.writeHead(503).end());
  const pending = transport.send(get('/down'), { operation: 'test', retryable: true, deadlineMs: 2000 });
  await asleep;
  const closed = assert.rejects(pending, ClosedError);
  await transport.close();
  await closed;
});

void test('breaker: failures open it, calls then fail fast without reaching the server, a trial after openMs closes it', async (t) => {
  let now = 1_000_000;
  const metrics = new Metrics();
  const transport = createTransport(
    resolveTransportOptions({ retry: false, breaker: { failureThreshold: 3, openMs: 30_000 } }),
    { clock: () => now, sleep: async () => undefined, random: () => 0, metrics },
  );
  t.after(() => transport.close());
  let down = true;
  routes.set('/outage', (_req, res) => res.writeHead(down ? 503 : 200).end());
  for (let i = 0; i < 3; i++) {
    assert.equal((await transport.send(get('/outage'), { operation: 'test', retryable: true })).status, 503);
  }
  assert.equal(transport.breakerState, 'open');
  await assert.rejects(
    transport.send(get('/outage'), { operation: 'users.get', retryable: true }),
    (e: unknown) => {
      assert.ok(e instanceof CircuitOpenError);
      assert.equal(e.retryAt, now + 30_000);
      assert.match(
        e.message,
        /^Okta request "users.get" not sent: the management API circuit breaker is open/,
      );
      return true;
    },
  );
  assert.equal(hits.get('/outage'), 3, 'the refused call did not reach the server');
  down = false;
  now += 30_000;
  assert.equal((await transport.send(get('/outage'), { operation: 'test', retryable: true })).status, 200);
  assert.equal(transport.breakerState, 'closed');
  assert.deepEqual(metrics.snapshot().breaker, {
    state: 'closed',
    opened: 1,
    token: { state: 'closed', opened: 0 },
  });
});

void test('rateLimit is read from the latest response that carried rate-limit headers', async (t) => {
  const { transport } = setup();
  t.after(() => transport.close());
  let reply: Record<string, string> = {};
  routes.set('/limited', (_req, res) => res.writeHead(200, reply).end('{}'));
  const send = () => transport.send(get('/limited'), { operation: 'test', retryable: true });
  const current = (): RateLimitInfo | undefined => transport.rateLimit;
  assert.equal(current(), undefined);
  reply = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': '1000' };
  await send();
  reply = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '598', 'x-rate-limit-reset': '1001' };
  await send();
  reply = {}; // no rate-limit headers: the last reading stays
  await send();
  reply = { 'x-rate-limit-remaining': 'unknown' }; // unreadable: the last reading stays
  await send();
  assert.deepEqual(
    { ...current() },
    { limit: 600, remaining: 598, resetAt: 1_001_000, serverNow: current()?.serverNow },
  );
  reply = { 'x-rate-limit-remaining': '7' };
  await send();
  assert.equal(current()?.remaining, 7);
  assert.equal(current()?.limit, undefined);
});
