// The fault matrix: the library (createOktaClient, as users call it) through a fault-injecting proxy in front of
// the emulator (test/helpers/fault-proxy.ts), one fresh client per cell. Each cell states its expected outcome:
// calls that succeed, the typed error of those that fail, the attempts that reached the server (counted by the
// proxy or the emulator, never by the library), and a time bound. Every cell also checks: no unhandled rejection,
// no socket or timer left behind by the closed client, no call outliving its deadline, and no token, client
// assertion, DPoP proof or key in any log line, error message, hint, stack, util.inspect output, JSON of the error
// or metric. Backoff and rate-limit waits use an injected sleep, so only the attempt timeouts of the stall and
// trickle cells take real time. docs/reliability.md carries the same table; a test keeps the two in step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { startEmulator, type RunningEmulator, type ServiceAppCredentials } from 'okta-emulator';
import { createOktaClient, type OktaClient } from '../../src/client.js';
import type { OktaClientOptions } from '../../src/config.js';
import {
  DpopError,
  NetworkError,
  OAuthError,
  OktaApiError,
  RateLimitError,
  ResponseError,
  TimeoutError,
} from '../../src/errors.js';
import { capturingLogger } from '../helpers/token-fakes.js';
import { startFaultProxy, type FaultProxy, type ProxyStep } from '../helpers/fault-proxy.js';

const TIMEOUT_MS = 500;
const DEADLINE_MS = 4_000;
/** Scheduling slack for time bounds on a loaded machine. */
const SLACK_MS = 1_500;

let emu: RunningEmulator;
let nonceEmu: RunningEmulator;
let proxy: FaultProxy;
let app: ServiceAppCredentials;
let dpopApp: ServiceAppCredentials;
let userId: string;
let dpopUserId = '';
let refusedPort = 0;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  emu = await startEmulator({ seedUsers: 3 });
  // A second org whose DPoP nonces rotate every second, for the nonce-churn cells.
  nonceEmu = await startEmulator({ seedUsers: 3, nonceRotationMs: 1_000 });
  proxy = await startFaultProxy(emu.url);
  app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  dpopApp = await nonceEmu.createServiceApp({ dpop: true, role: 'SUPER_ADMIN' });
  const res = await fetch(`${emu.url}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  userId = ((await res.json()) as { id: string }[])[0]!.id;
  const dpopRes = await fetch(`${nonceEmu.url}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${nonceEmu.adminToken}`, accept: 'application/json' },
  });
  dpopUserId = ((await dpopRes.json()) as { id: string }[])[0]!.id;
  refusedPort = await closedPort();
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await proxy.close();
  await emu.close();
  await nonceEmu.close();
});

/** What one cell expects. `attempts` is counted at the server side (proxy or emulator). */
interface Expected {
  ok: number;
  error?: { new (...args: never[]): Error; name: string } | undefined;
  attempts: number | [number, number];
  boundMs: number;
}

interface Cell {
  name: string;
  fault: string;
  expected: Expected;
  /** Runs the calls; returns their results and the attempts the server side saw. */
  /** Runs the calls; returns their results, the attempts the server side saw, and (optionally) the time of the
   * faulted calls alone (the whole run otherwise). */
  run(
    h: Harness,
  ): Promise<{ results: PromiseSettledResult<unknown>[]; attempts: number; elapsedMs?: number }>;
}

interface Harness {
  client: OktaClient;
  logger: ReturnType<typeof capturingLogger>;
  waits: number[];
  /** Moves the client's clock (ms). */
  advance(ms: number): void;
  secrets: Set<string>;
}

function harness(
  options: Partial<OktaClientOptions> & { credentials?: ServiceAppCredentials } = {},
): Harness {
  const { credentials = app, ...rest } = options;
  const logger = capturingLogger();
  const waits: number[] = [];
  let offset = 0;
  const client = createOktaClient({
    orgUrl: proxy.url,
    clientId: credentials.clientId,
    keyId: credentials.keyId,
    privateKey: credentials.privateKeyPem,
    audience: emu.tokenEndpoint,
    dpop: false,
    scopes: ['okta.users.read'],
    logger,
    deps: {
      clock: () => Date.now() + offset,
      random: () => 0.5,
      sleep: async (ms, signal) => {
        waits.push(ms);
        signal?.throwIfAborted();
      },
    },
    transport: { timeoutMs: TIMEOUT_MS, deadlineMs: DEADLINE_MS, retry: { baseDelayMs: 10, maxDelayMs: 50 } },
    ...rest,
  });
  const secrets = new Set<string>([credentials.privateKeyPem.split('\n')[1]!]);
  return { client, logger, waits, advance: (ms) => (offset += ms), secrets };
}

const apiGet = (h: Harness, n = 1): Promise<PromiseSettledResult<unknown>[]> =>
  Promise.allSettled(Array.from({ length: n }, () => h.client.users.get(userId)));

async function sequential(h: Harness, n: number): Promise<PromiseSettledResult<unknown>[]> {
  const out: PromiseSettledResult<unknown>[] = [];
  for (let i = 0; i < n; i++) out.push(...(await apiGet(h)));
  return out;
}

const USERS = '/api/v1/users/';
const TOKEN = '/oauth2/v1/token';

/** Install a rule on the user path after warming the token, run `n` calls, count API attempts at the proxy. */
function apiCell(steps: ProxyStep[], repeat: boolean, n = 1) {
  return async (h: Harness) => {
    await h.client.tokens.getToken();
    const matched = proxy.rule('GET', USERS, steps, { repeat });
    const started = performance.now();
    const results = await sequential(h, n);
    return { results, attempts: matched(), elapsedMs: performance.now() - started };
  };
}

function html(status: number): ProxyStep {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><head><title>${status}</title></head><body><h1>Service unavailable</h1></body></html>`,
  };
}

function tooMany(withReset: boolean, dateShiftMs = 0): ProxyStep {
  const serverNow = Date.now() + dateShiftMs;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    date: new Date(serverNow).toUTCString(),
  };
  if (withReset) {
    headers['x-rate-limit-limit'] = '600';
    headers['x-rate-limit-remaining'] = '0';
    headers['x-rate-limit-reset'] = String(Math.floor(serverNow / 1000) + 3);
  }
  return {
    status: 429,
    headers,
    body: JSON.stringify({
      errorCode: 'E0000047',
      errorSummary: 'API call exceeded rate limit due to too many requests.',
      errorLink: 'E0000047',
      errorId: 'oaeFaultMatrix',
      errorCauses: [],
    }),
  };
}

const cells: Cell[] = [
  {
    name: 'connection refused',
    fault: 'nothing listens on the org port',
    expected: { ok: 0, error: NetworkError, attempts: 3, boundMs: 1_000 },
    async run(h) {
      const results = await apiGet(h);
      // No server: the attempts are the first try plus the injected backoff waits.
      return { results, attempts: h.waits.length + 1 };
    },
  },
  {
    name: 'reset before headers, once',
    fault: 'the first attempt’s socket is destroyed',
    expected: { ok: 1, attempts: 2, boundMs: 1_000 },
    run: apiCell(['reset-before-headers'], false),
  },
  {
    name: 'reset before headers, always',
    fault: 'every socket destroyed',
    expected: { ok: 0, error: NetworkError, attempts: 3, boundMs: 1_000 },
    run: apiCell(['reset-before-headers'], true),
  },
  {
    name: 'reset mid-body, once',
    fault: 'headers and half the body, then reset',
    expected: { ok: 1, attempts: 2, boundMs: 1_000 },
    run: apiCell(['reset-mid-body'], false),
  },
  {
    name: 'stalled response, once',
    fault: 'no answer to the first attempt',
    expected: { ok: 1, attempts: 2, boundMs: TIMEOUT_MS + 1_000 },
    run: apiCell(['stall'], false),
  },
  {
    name: 'stalled response, always',
    fault: 'no answer at all',
    expected: { ok: 0, error: TimeoutError, attempts: 3, boundMs: 3 * TIMEOUT_MS + 1_000 },
    run: apiCell(['stall'], true),
  },
  {
    name: 'trickling body, within the timeout',
    fault: 'the body in 4 pieces, 20 ms apart',
    expected: { ok: 1, attempts: 1, boundMs: TIMEOUT_MS },
    run: apiCell([{ trickle: { pieces: 4, everyMs: 20 } }], true),
  },
  {
    name: 'trickling body, past the timeout',
    fault: 'the body in 100 pieces, 50 ms apart',
    expected: { ok: 0, error: TimeoutError, attempts: 3, boundMs: 3 * TIMEOUT_MS + 1_000 },
    run: apiCell([{ trickle: { pieces: 100, everyMs: 50 } }], true),
  },
  {
    name: 'truncated JSON',
    fault: '200, consistent Content-Length, half the JSON',
    expected: { ok: 0, error: ResponseError, attempts: 1, boundMs: 1_000 },
    run: apiCell(['truncate-json'], false),
  },
  {
    name: 'HTML error page with 200',
    fault: '200 text/html',
    expected: { ok: 0, error: ResponseError, attempts: 1, boundMs: 1_000 },
    run: apiCell([html(200)], false),
  },
  {
    name: 'HTML error page with 502, once',
    fault: '502 text/html, then the real answer',
    expected: { ok: 1, attempts: 2, boundMs: 1_000 },
    run: apiCell([html(502)], false),
  },
  {
    name: 'HTML error page with 502, always',
    fault: '502 text/html',
    expected: { ok: 0, error: OktaApiError, attempts: 3, boundMs: 1_000 },
    run: apiCell([html(502)], true),
  },
  {
    name: '5xx burst of 1',
    fault: '503',
    expected: { ok: 1, attempts: 2, boundMs: 1_000 },
    run: apiCell([{ status: 503 }], false),
  },
  {
    name: '5xx burst of 2',
    fault: '503, 500',
    expected: { ok: 1, attempts: 3, boundMs: 1_000 },
    run: apiCell([{ status: 503 }, { status: 500 }], false),
  },
  {
    name: '5xx burst of 3',
    fault: '503, 502, 504',
    expected: { ok: 0, error: OktaApiError, attempts: 3, boundMs: 1_000 },
    run: apiCell([{ status: 503 }, { status: 502 }, { status: 504 }], false),
  },
  {
    name: '5xx burst of 5 over 3 calls',
    fault: '503 ×5, calls one after another',
    expected: { ok: 2, error: OktaApiError, attempts: 7, boundMs: 1_000 },
    run: apiCell(
      [503, 503, 503, 503, 503].map((status) => ({ status })),
      false,
      3,
    ),
  },
  {
    name: '429 with reset headers',
    fault: '429, X-Rate-Limit-Reset = Date + 3 s',
    expected: { ok: 1, attempts: 2, boundMs: 1_000 },
    async run(h) {
      const out = await apiCell([tooMany(true)], false)(h);
      // One injected wait: reset − Date (2..3 s: Date is whole seconds) + jitter 0.5 × 1000.
      assert.equal(h.waits.length, 1);
      assert.ok(h.waits[0]! >= 2_500 && h.waits[0]! <= 3_500, `waited ${h.waits[0]} ms`);
      return out;
    },
  },
  {
    name: '429 without reset headers',
    fault: '429, no X-Rate-Limit-*',
    expected: { ok: 0, error: RateLimitError, attempts: 1, boundMs: 1_000 },
    run: apiCell([tooMany(false)], false),
  },
  {
    name: '429 with a skewed Date',
    fault: 'server clock 10 min behind; reset = its Date + 3 s',
    expected: { ok: 1, attempts: 2, boundMs: 1_000 },
    async run(h) {
      const out = await apiCell([tooMany(true, -600_000)], false)(h);
      // Measured against the server's Date, not the local clock (which would give 0 or a 10-minute wait).
      assert.equal(h.waits.length, 1);
      assert.ok(h.waits[0]! >= 2_500 && h.waits[0]! <= 3_500, `waited ${h.waits[0]} ms`);
      return out;
    },
  },
  {
    name: 'token endpoint outage, cached token',
    fault: 'token endpoint 503 always; 20 API calls',
    expected: { ok: 20, attempts: 20, boundMs: 2_000 },
    async run(h) {
      await h.client.tokens.getToken();
      const outage = proxy.rule(
        'POST',
        TOKEN,
        [
          {
            status: 503,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ error: 'server_error', error_description: 'Service unavailable.' }),
          },
        ],
        { repeat: true },
      );
      const api = proxy.rule('GET', USERS, ['pass'], { repeat: true });
      const results = await sequential(h, 20);
      assert.equal(outage(), 0, 'no token request: the cached token serves');
      // A scope set without a cached token fails after its 3 token attempts (a 5xx is not negatively cached);
      // the API circuit stays closed.
      await assert.rejects(
        h.client.tokens.getToken(['okta.users.manage']),
        (e) => e instanceof OAuthError && e.status === 503,
      );
      assert.equal(outage(), 3);
      assert.deepEqual(h.client.transport.breakerStates, { api: 'closed', token: 'closed' });
      return { results, attempts: api() };
    },
  },
  {
    name: 'token endpoint answering invalid_client for a while',
    fault: '401 invalid_client until cleared; 50 API calls, then 1 s later one more',
    expected: { ok: 1, error: OAuthError, attempts: 2, boundMs: 2_000 },
    async run(h) {
      const refuse = proxy.rule(
        'POST',
        TOKEN,
        [
          {
            status: 401,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              error: 'invalid_client',
              error_description: 'Client authentication failed.',
            }),
          },
        ],
        { repeat: true },
      );
      const results = await apiGet(h, 50);
      assert.equal(refuse(), 1, 'one token request for 50 calls (negative cache)');
      proxy.clear();
      h.advance(1_000);
      results.push(...(await apiGet(h)));
      // attempts: token requests that reached the proxy (1 refused + 1 that succeeded).
      return { results, attempts: 1 + proxy.count('POST', TOKEN) };
    },
  },
  {
    name: 'DPoP nonce churn',
    fault: 'resource nonce rotated before every call; the previous one stays valid one period',
    expected: { ok: 10, attempts: 15, boundMs: 3_000 },
    async run(h) {
      await h.client.tokens.getToken();
      nonceEmu.setDpopResourceNonce(true);
      const before = nonceEmu.stats().apiRequests;
      const results: PromiseSettledResult<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        nonceEmu.clock.advance(2_000); // the nonce the client holds is now two rotations old
        results.push(...(await Promise.allSettled([h.client.users.get(dpopUserId)])));
      }
      h.secrets.add((await h.client.tokens.getToken()).value);
      return { results, attempts: nonceEmu.stats().apiRequests - before };
    },
  },
  {
    name: 'DPoP nonce never accepted',
    fault: 'every DPoP-bound API request refused with a new nonce',
    expected: { ok: 0, error: DpopError, attempts: 2, boundMs: 1_000 },
    async run(h) {
      await h.client.tokens.getToken();
      nonceEmu.setDpopResourceNonce('always');
      const before = nonceEmu.stats().apiRequests;
      const results = await Promise.allSettled([h.client.users.get(dpopUserId)]);
      nonceEmu.setDpopResourceNonce(false);
      h.secrets.add((await h.client.tokens.getToken()).value);
      return { results, attempts: nonceEmu.stats().apiRequests - before };
    },
  },
  {
    name: 'keep-alive sockets closed between requests',
    fault: 'every answer followed by a server-side close (no Connection: close)',
    expected: { ok: 20, attempts: [20, 40], boundMs: 3_000 },
    run: apiCell(['close-after'], true, 20),
  },
];

function optionsFor(cell: Cell): Partial<OktaClientOptions> & { credentials?: ServiceAppCredentials } {
  if (cell.name === 'connection refused') {
    return { orgUrl: `http://127.0.0.1:${refusedPort}`, audience: undefined };
  }
  if (cell.name.startsWith('DPoP nonce')) {
    return { orgUrl: nonceEmu.url, audience: undefined, credentials: dpopApp, dpop: true };
  }
  return {};
}

for (const cell of cells) {
  void test(`fault matrix: ${cell.name}`, async (t) => {
    proxy.clear();
    t.after(() => proxy.clear());
    const baseline = activeResources();
    const h = harness(optionsFor(cell));
    const started = performance.now();
    let outcome: Awaited<ReturnType<Cell['run']>>;
    const durations: number[] = [];
    try {
      outcome = await cell.run(h);
      durations.push(performance.now() - started);
    } finally {
      await h.client.close();
    }
    const { results, attempts } = outcome;
    const elapsed = outcome.elapsedMs ?? durations[0]!;
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));

    // The stated outcome.
    assert.equal(ok, cell.expected.ok, `calls that succeed: ${inspect(errors[0])}`);
    for (const e of errors) {
      assert.ok(cell.expected.error && e instanceof cell.expected.error, `typed error: ${String(e)}`);
    }
    const [lo, hi] = Array.isArray(cell.expected.attempts)
      ? cell.expected.attempts
      : [cell.expected.attempts, cell.expected.attempts];
    assert.ok(attempts >= lo && attempts <= hi, `attempts ${attempts}, expected ${lo}..${hi}`);
    assert.ok(elapsed <= cell.expected.boundMs + SLACK_MS, `took ${Math.round(elapsed)} ms`);
    assert.ok(
      elapsed <= DEADLINE_MS * Math.max(1, results.length) + SLACK_MS,
      'no call outlived its deadline',
    );

    // No unhandled rejection, no socket or timer left by the closed client.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
    await waitFor(() => leaked(baseline).length === 0, 3_000);
    assert.deepEqual(leaked(baseline), [], 'no leaked socket or timer');

    // No credential in any log line, error or metric.
    const secrets = new Set([...h.secrets, ...proxy.secrets]);
    if (!cell.name.startsWith('DPoP') && cell.name !== 'connection refused') {
      assert.ok(proxy.secrets.size > 0, 'the proxy saw credentials to look for');
    }
    const surfaces: string[] = [
      ...h.logger.entries.map((e) => `${e.msg ?? ''} ${safeJson(e.obj)} ${inspect(e.obj, { depth: 6 })}`),
      JSON.stringify(h.client.metrics()),
      ...errors.flatMap((e) => {
        const err = e as Error & { hint?: string };
        return [
          err.message,
          err.hint ?? '',
          err.stack ?? '',
          inspect(err, { depth: 6 }),
          safeJson(err),
          String(err),
        ];
      }),
    ];
    for (const secret of secrets) {
      for (const text of surfaces)
        assert.ok(!text.includes(secret), `a credential leaked into: ${text.slice(0, 200)}`);
    }
  });
}

void test('docs/reliability.md lists every cell with the numbers the suite checks', () => {
  const doc = readFileSync(
    fileURLToPath(new URL('../../../../docs/reliability.md', import.meta.url)),
    'utf8',
  );
  const missing = cells.map(row).filter((line) => !doc.includes(line));
  assert.deepEqual(missing, [], `rows missing from docs/reliability.md:\n${missing.join('\n')}`);
});

/** The row of a cell as docs/reliability.md shows it. */
function row(cell: Cell): string {
  const e = cell.expected;
  const attempts = Array.isArray(e.attempts) ? `${e.attempts[0]}–${e.attempts[1]}` : String(e.attempts);
  const failed = `${e.error === undefined ? '—' : `\`${e.error.name}\``}`;
  return `| ${cell.name} | ${cell.fault} | ${e.ok} | ${failed} | ${attempts} | ≤ ${e.boundMs} ms |`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Sockets and timers, by type. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (type === 'TCPSocketWrap' || type === 'Timeout') counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function leaked(baseline: Map<string, number>): string[] {
  const now = activeResources();
  return [...now]
    .filter(([type, n]) => n > (baseline.get(type) ?? 0))
    .map(([type, n]) => `${type} ${n} > ${baseline.get(type) ?? 0}`);
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
