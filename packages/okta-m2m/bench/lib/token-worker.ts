/**
 * Token-cache behaviour under load, in its own process, against the emulator (bench/token-cache.ts):
 * - `storm`: a new client, then `callers` concurrent first `users.get` calls (okta-m2m or the official SDK);
 *   the parent counts the token requests the emulator saw.
 * - `expiry`: steady `users.get` load from one okta-m2m client whose clock moves with the emulator's
 *   (`POST /__emulator/clock`) across several token lifetimes; counts the calls that waited on a token fetch
 *   (cache misses) and the 401s.
 */
import { parseArgs } from 'node:util';
import { createOktaClient, type OktaClient } from '../../src/client.js';
import type { EmulatorInfo } from './emulator-child.js';
import { createSdkClient } from './sdk-client.js';
import { percentile } from './stats.js';
import { serveCommands } from './worker.js';

const { values } = parseArgs({ options: { info: { type: 'string' } } });
const info = JSON.parse(values.info ?? '{}') as EmulatorInfo;

type Kind = 'okta-bearer' | 'okta-dpop' | 'sdk-bearer' | 'sdk-dpop';

function app(kind: Kind): EmulatorInfo['bearerApp'] {
  return kind.endsWith('dpop') ? info.dpopApp : info.bearerApp;
}

function oktaClient(kind: Kind, clock: () => number = Date.now): OktaClient {
  const a = app(kind);
  return createOktaClient({
    orgUrl: info.url,
    clientId: a.clientId,
    keyId: a.keyId,
    privateKey: a.privateKeyPem,
    scopes: ['okta.users.read'],
    deps: { clock },
  });
}

async function storm(
  kind: Kind,
  callers: number,
): Promise<{ seconds: number; errors: number; firstError?: string }> {
  let get: (id: string) => Promise<unknown>;
  let close = async (): Promise<void> => undefined;
  if (kind.startsWith('okta')) {
    const client = oktaClient(kind);
    get = (id) => client.users.get(id);
    close = () => client.close();
  } else {
    const a = app(kind);
    const sdk = await createSdkClient({
      orgUrl: info.url,
      clientId: a.clientId,
      keyId: a.keyId,
      privateKeyPem: a.privateKeyPem,
    });
    get = (id) => sdk.userApi.getUser({ userId: id });
  }
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      try {
        await get(info.userIds[i % info.userIds.length]!);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await close();
  return firstError === undefined ? { seconds, errors } : { seconds, errors, firstError };
}

async function advanceEmulator(ms: number): Promise<void> {
  const res = await fetch(`${info.url}/__emulator/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMs: ms }),
  });
  if (res.status !== 200) throw new Error(`clock control answered ${res.status}`);
  await res.arrayBuffer();
}

async function expiry(
  kind: Kind,
  concurrency: number,
  lifetimes: number,
  stepSeconds: number,
  stepEveryMs: number,
): Promise<Record<string, number>> {
  let offset = 0;
  const client = oktaClient(kind, () => Date.now() + offset);
  await client.users.get(info.userIds[0]!); // the first token
  const before = client.metrics();
  const tokenLifetimeMs = (await client.tokens.getToken()).expiresAt - Date.now() - offset;
  const steps = Math.ceil((lifetimes * tokenLifetimeMs) / (stepSeconds * 1000));
  let running = true;
  let calls = 0;
  let errors = 0;
  const latencies: number[] = [];
  const load = Array.from({ length: concurrency }, async (_, w) => {
    let i = w;
    while (running) {
      const start = performance.now();
      try {
        await client.users.get(info.userIds[i++ % info.userIds.length]!);
        calls++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - start);
    }
  });
  for (let s = 0; s < steps; s++) {
    await new Promise((resolve) => setTimeout(resolve, stepEveryMs));
    await advanceEmulator(stepSeconds * 1000);
    offset += stepSeconds * 1000;
  }
  running = false;
  await Promise.all(load);
  const after = client.metrics();
  await client.close();
  // Put the emulator's clock back for the next run.
  await advanceEmulator(-offset);
  return {
    calls,
    errors,
    steps,
    fakeSeconds: steps * stepSeconds,
    waitedOnFetch: after.token.cache.misses - before.token.cache.misses,
    refreshAhead: after.token.cache.refreshAhead - before.token.cache.refreshAhead,
    tokenFetches: after.token.fetches - before.token.fetches,
    status401: (after.requests.byStatus['401'] ?? 0) - (before.requests.byStatus['401'] ?? 0),
    p99Ms: percentile(latencies, 0.99),
    maxMs: Math.max(...latencies),
  };
}

serveCommands(
  {},
  {
    storm: (a) => storm(a['kind'] as Kind, Number(a['callers'])),
    expiry: (a) =>
      expiry(
        a['kind'] as Kind,
        Number(a['concurrency']),
        Number(a['lifetimes']),
        Number(a['stepSeconds']),
        Number(a['stepEveryMs']),
      ),
  },
);
