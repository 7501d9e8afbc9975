/**
 * One client in its own process, for the `users.get` benchmark (bench/users-get.ts). `--kind` picks it:
 * `undici` (undici `request` on a keep-alive Agent with a fixed header: the floor), `fetch` (Node's global
 * fetch), `bearer` / `dpop` (okta-m2m `users.get`, ES256 DPoP), `sdk` (@okta/okta-sdk-nodejs `getUser`, cache
 * off), or `micro` (the cost of one DPoP proof, one raw ES256 signature and `authorize()`).
 * Command `run {calls, concurrency}` answers client CPU µs per call, calls/s and latency percentiles.
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { createDpopProver } from '../../src/auth/dpop.js';
import { clientInternals, createOktaClient, type OktaClient } from '../../src/client.js';
import { createSdkClient } from './sdk-client.js';
import { percentile } from './stats.js';
import { serveCommands } from './worker.js';

const { values } = parseArgs({
  options: { kind: { type: 'string' }, url: { type: 'string' }, user: { type: 'string' } },
});
const kind = values.kind ?? '';
const orgUrl = values.url ?? '';
const userId = values.user ?? '';
const userUrl = `${orgUrl}/api/v1/users/${userId}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/** Run result, per call. */
export interface RunResult {
  cpuUsPerCall: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function oktaClient(dpop: boolean): OktaClient {
  return createOktaClient({
    orgUrl,
    clientId: dpop ? 'dpop-client' : 'bearer-client',
    keyId: 'bench',
    privateKey: pem,
    scopes: ['okta.users.read'],
    dpop,
  });
}

/**
 * Diagnostic kinds `undici+sign` and `bearer+sign`: the same client plus one ES256 signature of a proof-sized
 * input per call, to tell the cost of a signature inside the request loop from the cost of DPoP's other work.
 */
async function build(): Promise<{ get: () => Promise<unknown>; close: () => Promise<void> }> {
  if (kind.endsWith('+sign')) {
    const inner = await build0(kind.slice(0, -'+sign'.length));
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const input = Buffer.alloc(560, 'e');
    const options = { key, dsaEncoding: 'ieee-p1363' as const };
    return {
      get: () => {
        sign('sha256', input, options);
        return inner.get();
      },
      close: inner.close,
    };
  }
  return build0(kind);
}

async function build0(kind: string): Promise<{ get: () => Promise<unknown>; close: () => Promise<void> }> {
  switch (kind) {
    case 'undici': {
      const agent = new Agent({ connections: 32, pipelining: 1, keepAliveTimeout: 30_000 });
      const headers = { authorization: 'Bearer fixed-token', accept: 'application/json' };
      return {
        get: async () => {
          const res = await request(userUrl, { dispatcher: agent, headers });
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
          return res.body.json();
        },
        close: () => agent.close(),
      };
    }
    case 'fetch': {
      const headers = { authorization: 'Bearer fixed-token', accept: 'application/json' };
      return {
        get: async () => {
          const res = await fetch(userUrl, { headers });
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          return res.json();
        },
        close: async () => undefined,
      };
    }
    case 'bearer':
    case 'dpop': {
      const client = oktaClient(kind === 'dpop');
      return { get: () => client.users.get(userId), close: () => client.close() };
    }
    case 'sdk': {
      const sdk = await createSdkClient({
        orgUrl,
        clientId: 'bearer-sdk',
        keyId: 'bench',
        privateKeyPem: pem,
      });
      return { get: () => sdk.userApi.getUser({ userId }), close: async () => undefined };
    }
    default:
      throw new Error(`unknown --kind ${kind}`);
  }
}

async function run(get: () => Promise<unknown>, calls: number, concurrency: number): Promise<RunResult> {
  const latencies = new Float64Array(calls);
  let next = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const i = next++;
        const start = performance.now();
        try {
          await get();
        } catch {
          errors++;
        }
        latencies[i] = performance.now() - start;
      }
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    callsPerSecond: calls / (wall / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
  };
}

/** CPU µs per operation of `n` sequential awaits of `op`. */
async function cpuPerOp(op: () => unknown, n: number): Promise<number> {
  for (let i = 0; i < Math.min(n, 500); i++) await op();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await op();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

/** The micro costs: one DPoP proof, one raw ES256 signature of a proof-sized input, authorize() for each mode. */
async function micro(n: number): Promise<Record<string, number>> {
  const bearer = oktaClient(false);
  const dpop = oktaClient(true);
  await bearer.users.get(userId);
  await dpop.users.get(userId);
  const url = new URL(userUrl);
  const bearerTokens = clientInternals(bearer).tokens;
  const dpopTokens = clientInternals(dpop).tokens;
  const accessToken = (await dpopTokens.getToken()).value;
  const prover = await createDpopProver({ alg: 'ES256', deps: { clock: Date.now, uuid: randomUUID } });
  const proof = await prover.proof({ method: 'GET', url, accessToken });
  const signingInput = Buffer.from(proof.slice(0, proof.lastIndexOf('.')), 'ascii');
  const ecKey = createPrivateKey(
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
  );
  const result = {
    signUs: await cpuPerOp(() => sign('sha256', signingInput, { key: ecKey, dsaEncoding: 'ieee-p1363' }), n),
    proofUs: await cpuPerOp(() => prover.proof({ method: 'GET', url, accessToken }), n),
    authorizeBearerUs: await cpuPerOp(() => bearerTokens.authorize({ method: 'GET', url }), n),
    authorizeDpopUs: await cpuPerOp(() => dpopTokens.authorize({ method: 'GET', url }), n),
  };
  await Promise.all([bearer.close(), dpop.close()]);
  return result;
}

if (kind === 'micro') {
  serveCommands({ kind }, { micro: (a) => micro(Number(a['n'] ?? 5000)) });
} else {
  const client = await build();
  serveCommands({ kind }, { run: (a) => run(client.get, Number(a['calls']), Number(a['concurrency'])) }, () =>
    client.close(),
  );
}
