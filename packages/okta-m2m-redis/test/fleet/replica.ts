/**
 * One replica of the fleet test: a child process driven by IPC messages from fleet.test.ts. It runs two
 * clients side by side, each against its own emulator app: `redis` shares tokens through a RedisTokenStore,
 * `memory` keeps them in process (the default store). Its clock is the real one plus the offset the test gives
 * it, so it moves with the emulators' clock control.
 *
 * Messages in: `{ cmd: 'calls', id, n }` (on each client: n concurrent getToken calls and one Users API call,
 * then wait for background refreshes), `{ cmd: 'clock', id, offsetMs }`, `{ cmd: 'hold', id, scopes }` (start a
 * fetch on the redis client and do not wait), `{ cmd: 'get', id, scopes }`, `{ cmd: 'mode', id }` (ask Redis now:
 * the store's mode), `{ cmd: 'close', id }`. Each is answered `{ id, ... }`. No token value is ever sent to the
 * parent or printed.
 *
 * A call "waited" when it took longer than {@link WAITED_MS} from its start to its token, timed here (not the
 * library's own counters): a call served from the cache answers in well under a millisecond.
 */
import { createOktaClient, type OktaClient } from 'okta-m2m';
// The client's own token provider, to wait for background refreshes (not part of the public surface).
import { clientInternals } from '../../../okta-m2m/src/client.js';
import { RedisTokenStore } from '../../src/index.js';
import type { CallsResult, ReplicaConfig } from './fleet-harness.js';

type Message =
  | { cmd: 'calls'; id: number; n: number }
  | { cmd: 'clock'; id: number; offsetMs: number }
  | { cmd: 'hold'; id: number; scopes: string[] }
  | { cmd: 'get'; id: number; scopes: string[] }
  | { cmd: 'mode'; id: number }
  | { cmd: 'close'; id: number };

/** A call that took longer than this (ms) for its token waited for a token request. */
const WAITED_MS = 50;

const config = JSON.parse(process.env.FLEET_REPLICA ?? '{}') as ReplicaConfig;
let offsetMs = 0;
const clock = (): number => Date.now() + offsetMs;
const store = new RedisTokenStore({
  redis: config.redisUrl,
  encryptionKey: config.encryptionKey,
  leaseMs: config.leaseMs,
  commandTimeoutMs: 1000,
  probeIntervalMs: 250,
});

function clientFor(app: ReplicaConfig['redis'], tokenStore: RedisTokenStore | undefined): OktaClient {
  return createOktaClient({
    orgUrl: app.orgUrl,
    clientId: app.clientId,
    keyId: app.keyId,
    privateKeyPath: app.privateKeyPath,
    dpop: { keyPath: app.dpopKeyPath },
    transport: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    deps: { clock },
    ...(tokenStore === undefined ? {} : { tokenStore }),
  });
}
const shared = clientFor(config.redis, store);
const local = clientFor(config.memory, undefined);

async function calls(client: OktaClient, n: number, mode: string): Promise<CallsResult> {
  let waited = 0;
  const timed = async (): Promise<unknown> => {
    const started = performance.now();
    try {
      return await client.tokens.getToken();
    } finally {
      if (performance.now() - started > WAITED_MS) waited++;
    }
  };
  const results = await Promise.allSettled(Array.from({ length: n }, timed));
  const api = await Promise.allSettled([client.users.list({ limit: 1 }).next()]);
  await clientInternals(client).tokens.settled();
  const failures = [...results, ...api].filter((r) => r.status === 'rejected');
  return {
    ok: results.length + api.length - failures.length,
    failed: failures.length,
    errors: failures.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3),
    waited,
    mode,
  };
}

async function handle(message: Message): Promise<Record<string, unknown>> {
  switch (message.cmd) {
    case 'calls': {
      const [redis, memory] = await Promise.all([
        calls(shared, message.n, store.mode).then((r) => ({ ...r, degraded: store.metrics().degraded })),
        calls(local, message.n, 'memory'),
      ]);
      return { redis, memory };
    }
    case 'mode':
      return { mode: await store.check() };
    case 'clock':
      offsetMs = message.offsetMs;
      return {};
    case 'hold':
      shared.tokens.getToken(message.scopes).catch(() => undefined);
      return {};
    case 'get': {
      const token = await shared.tokens.getToken(message.scopes);
      return { type: token.type, obtainedAt: token.obtainedAt };
    }
    case 'close':
      await Promise.all([shared.close(), local.close()]);
      await store.close();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (message: Message) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, ...result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});
void (async () => {
  if (!(await store.ready())) throw new Error('Redis did not become ready');
  process.send?.({ ready: true });
})();
