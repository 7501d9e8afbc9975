/**
 * DPoP end to end against the emulator: the token handshake in 'auto' and `true` modes (observed at the
 * emulator's counters and, in order, on the wire through a recording transport), Users API calls over DPoP,
 * the automatic switch logged once, nonce rotation and a stale nonce, logins containing `@`, and fresh proof
 * and assertion `jti`s on every retry (the emulator refuses replays of either).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { startEmulator } from 'okta-emulator';
import type { RunningEmulator, ServiceAppCredentials } from 'okta-emulator';
import { clientInternals, createOktaClient } from '../../src/client.js';
import type { OktaClient } from '../../src/client.js';
import { createDpopProver } from '../../src/auth/dpop.js';
import { loadSigningKey } from '../../src/auth/keys.js';
import { TokenProvider } from '../../src/auth/token-provider.js';
import { createTransport } from '../../src/http/transport.js';
import type { HttpRequest, HttpResponse, Transport } from '../../src/http/types.js';
import { defaultDeps } from '../../src/deps.js';
import type { Logger } from '../../src/deps.js';
import { Metrics } from '../../src/observability/metrics.js';
import { CHANNELS } from '../../src/observability/events.js';
import type { RequestEvent } from '../../src/observability/events.js';

const SCOPES = ['okta.users.read', 'okta.users.manage'];

/** Emulator token-request outcomes (`success` or the OAuth error), as a delta between two snapshots. */
function outcomes(emu: RunningEmulator): Record<string, number> {
  return { ...emu.built.stats().tokenRequestsByOutcome };
}
function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

interface LogLine {
  level: string;
  msg: string | undefined;
}
function captureLogger(lines: LogLine[]): Logger {
  const push = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
  return { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

function client(emu: RunningEmulator, app: ServiceAppCredentials, dpop: 'auto' | boolean, logger?: Logger) {
  return createOktaClient({
    orgUrl: emu.url,
    clientId: app.clientId,
    keyId: app.keyId,
    privateKey: app.privateKeyPem,
    scopes: SCOPES,
    dpop,
    ...(logger ? { logger } : {}),
  });
}

/** Statuses of the token requests the library made while `fn` ran (from its diagnostics channel). */
async function tokenStatuses(fn: () => Promise<unknown>): Promise<(number | undefined)[]> {
  const statuses: (number | undefined)[] = [];
  const listener = (message: unknown) => {
    const event = message as RequestEvent;
    if (event.operation === 'token') statuses.push(event.status);
  };
  subscribe(CHANNELS.request, listener);
  try {
    await fn();
  } finally {
    unsubscribe(CHANNELS.request, listener);
  }
  return statuses;
}

/** One token request/response pair as a test-only recording transport saw it. */
interface WireRecord {
  dpop: Record<string, unknown> | undefined;
  assertionJti: string | undefined;
  status: number;
  error: string | undefined;
  tokenType: string | undefined;
}

function decode(jwt: string | undefined): Record<string, unknown> | undefined {
  if (jwt === undefined) return undefined;
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Wraps the real transport and records each token request and its answer (test-only hook). */
function recordingTransport(inner: Transport, log: WireRecord[]): Transport {
  return {
    close: () => inner.close(),
    async send(factory, options) {
      let sent: HttpRequest | undefined;
      const response: HttpResponse = await inner.send(async (attempt, signal) => {
        sent = await factory(attempt, signal);
        return sent;
      }, options);
      if (options.operation === 'token' && sent !== undefined) {
        const body = JSON.parse(response.body || '{}') as Record<string, unknown>;
        const form = new URLSearchParams(sent.body ?? '');
        log.push({
          dpop: decode(sent.headers['DPoP'] ?? sent.headers['dpop']),
          assertionJti: decode(form.get('client_assertion') ?? undefined)?.['jti'] as string | undefined,
          status: response.status,
          error: typeof body['error'] === 'string' ? body['error'] : undefined,
          tokenType: typeof body['token_type'] === 'string' ? body['token_type'] : undefined,
        });
      }
      return response;
    },
  };
}

async function recordedProvider(emu: RunningEmulator, app: ServiceAppCredentials, dpop: 'auto' | boolean) {
  const log: WireRecord[] = [];
  const deps = defaultDeps();
  const transport = createTransport({ retry: false }, { ...deps, metrics: new Metrics() });
  const signingKey = loadSigningKey({ privateKey: app.privateKeyPem, keyId: app.keyId });
  const tokens = new TokenProvider({
    transport: recordingTransport(transport, log),
    tokenEndpoint: new URL(emu.tokenEndpoint),
    clientId: app.clientId,
    signingKey,
    scopes: SCOPES,
    dpop,
    dpopProver: () => createDpopProver({ clientAuthThumbprint: signingKey.thumbprint, deps }),
    refreshTimer: false,
  });
  return {
    log,
    tokens,
    close: async () => {
      tokens.close();
      await transport.close();
    },
  };
}

async function rotateNonce(emu: RunningEmulator): Promise<void> {
  const response = await fetch(`${emu.url}/__emulator/dpop/rotate-nonce`, { method: 'POST' });
  assert.equal(response.status, 200);
}

void describe('DPoP against the emulator', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ seedUsers: 20 });
  });
  after(() => emu.close());

  void it("'auto': no proof → invalid_dpop_proof, proof → use_dpop_nonce, proof+nonce → DPoP token (in order)", async (t) => {
    const app = await emu.createServiceApp({ dpop: true });
    const p = await recordedProvider(emu, app, 'auto');
    t.after(p.close);
    const token = await p.tokens.getToken();
    assert.equal(token.type, 'DPoP');
    assert.deepEqual(
      p.log.map((r) => [
        r.dpop === undefined ? 'no proof' : r.dpop['nonce'] === undefined ? 'proof' : 'proof+nonce',
        r.status,
        r.error ?? r.tokenType,
      ]),
      [
        ['no proof', 400, 'invalid_dpop_proof'],
        ['proof', 400, 'use_dpop_nonce'],
        ['proof+nonce', 200, 'DPoP'],
      ],
    );
    // Every attempt signed anew: the emulator would refuse a replayed assertion or proof.
    assert.equal(new Set(p.log.map((r) => r.assertionJti)).size, 3);
    assert.notEqual(p.log[1]?.dpop?.['jti'], p.log[2]?.dpop?.['jti']);
    assert.equal(p.log[2]?.dpop?.['htu'], emu.tokenEndpoint);
  });

  void it('dpop: true: only the nonce round trip (two requests)', async (t) => {
    const app = await emu.createServiceApp({ dpop: true });
    const p = await recordedProvider(emu, app, true);
    t.after(p.close);
    assert.equal((await p.tokens.getToken()).type, 'DPoP');
    assert.deepEqual(
      p.log.map((r) => [
        r.dpop?.['nonce'] === undefined ? 'proof' : 'proof+nonce',
        r.status,
        r.error ?? r.tokenType,
      ]),
      [
        ['proof', 400, 'use_dpop_nonce'],
        ['proof+nonce', 200, 'DPoP'],
      ],
    );
  });

  void it("createOktaClient 'auto': the emulator sees the three-step handshake; the switch is logged once", async (t) => {
    const app = await emu.createServiceApp({ dpop: true });
    const lines: LogLine[] = [];
    const okta = client(emu, app, 'auto', captureLogger(lines));
    t.after(() => okta.close());
    const before = outcomes(emu);
    const statuses = await tokenStatuses(() => okta.tokens.getToken());
    assert.deepEqual(statuses, [400, 400, 200]);
    assert.deepEqual(delta(before, outcomes(emu)), { invalid_dpop_proof: 1, use_dpop_nonce: 1, success: 1 });
    assert.equal(okta.tokens.dpopActive, true);
    // Another fetch (other scopes) does not switch or log again, and needs one request (nonce remembered).
    const again = await tokenStatuses(() => okta.tokens.getToken(['okta.users.read']));
    assert.deepEqual(again, [200]);
    const switches = lines.filter((l) => /switching to DPoP/i.test(l.msg ?? ''));
    assert.equal(switches.length, 1, JSON.stringify(lines));
    assert.equal(switches[0]?.level, 'info');
  });

  void it("a Bearer app in 'auto' mode: one token request, no proof, Bearer token", async (t) => {
    const app = await emu.createServiceApp({ dpop: false });
    const okta = client(emu, app, 'auto');
    t.after(() => okta.close());
    const before = outcomes(emu);
    const token = await okta.tokens.getToken();
    assert.equal(token.type, 'Bearer');
    assert.deepEqual(delta(before, outcomes(emu)), { success: 1 });
    assert.equal(okta.tokens.dpopActive, false);
  });

  void describe('Users API over DPoP', () => {
    let okta: OktaClient;
    before(async () => {
      okta = client(emu, await emu.createServiceApp({ dpop: true }), 'auto');
    });
    after(() => okta.close());

    void it('lists, gets (by id and by a login containing @) and updates users with a DPoP-bound token', async () => {
      const users = [];
      for await (const user of okta.users.list({ limit: 7 })) users.push(user);
      assert.ok(users.length >= 20, `listed ${users.length} users across pages`);
      const first = users[0];
      assert.ok(first);
      assert.equal((await okta.users.get(first.id)).id, first.id);

      // The login contains '@': the path carries %40 and the proof's htu the decoded '@' (what Okta checks).
      const login = first.profile.login;
      assert.match(login, /@/);
      assert.equal((await okta.users.get(login)).id, first.id);

      const updated = await okta.users.updateName(first.id, { firstName: 'Ada', lastName: 'Lovelace' });
      assert.equal(updated.profile.firstName, 'Ada');
      assert.equal((await okta.tokens.getToken()).type, 'DPoP');
    });

    void it('proofs for API calls carry ath and the decoded htu, and a new jti each time', async () => {
      const url = new URL(`${emu.url}/api/v1/users/ada%40example.com?expand=x`);
      const a = await clientInternals(okta).tokens.authorize({ method: 'GET', url });
      const b = await clientInternals(okta).tokens.authorize({ method: 'GET', url });
      assert.equal(a.headers['Authorization'], `DPoP ${a.token.value}`);
      const ca = decode(a.headers['DPoP']);
      assert.equal(ca?.['htu'], `${emu.url}/api/v1/users/ada@example.com`);
      assert.equal(typeof ca?.['ath'], 'string');
      assert.notEqual(ca?.['jti'], decode(b.headers['DPoP'])?.['jti']);
    });
  });

  void it('nonce rotation: one rotation is absorbed (old nonce still valid); a stale nonce costs one extra request', async (t) => {
    const app = await emu.createServiceApp({ dpop: true });
    const okta = client(emu, app, true);
    t.after(() => okta.close());
    assert.deepEqual(await tokenStatuses(() => okta.tokens.getToken()), [400, 200]);

    // One rotation: the remembered nonce is now the previous one, which Okta (and the emulator) still accepts.
    await rotateNonce(emu);
    let before = outcomes(emu);
    assert.deepEqual(await tokenStatuses(() => okta.tokens.getToken(['okta.users.read'])), [200]);
    assert.deepEqual(delta(before, outcomes(emu)), { success: 1 });

    // Two more rotations: the remembered nonce is stale. The fetch recovers with exactly one extra request.
    await rotateNonce(emu);
    await rotateNonce(emu);
    before = outcomes(emu);
    const statuses = await tokenStatuses(() => okta.tokens.getToken(['okta.users.manage']));
    assert.deepEqual(statuses, [400, 200]);
    assert.deepEqual(delta(before, outcomes(emu)), { use_dpop_nonce: 1, success: 1 });

    // The new nonce is remembered: the next fetch is one request again.
    assert.deepEqual(
      await tokenStatuses(() => okta.tokens.getToken(['okta.users.read', 'okta.apps.read'])),
      [200],
    );
  });
});
