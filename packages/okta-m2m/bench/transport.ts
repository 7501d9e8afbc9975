// Transport benchmark: GET one user from the emulator at concurrency 32 over loopback, comparing client CPU per
// request (process.cpuUsage) and throughput for Node's global fetch, this library's transport (undici `request`
// on one keep-alive Agent) and the official @okta/okta-sdk-nodejs. The emulator runs in a child process so that
// its CPU is not counted as the client's. Several interleaved runs; medians; ratios against fetch.
//
// Run: node --conditions=source --import tsx packages/okta-m2m/bench/transport.ts [--requests 2000] [--runs 5]
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Metrics } from '../src/observability/metrics.js';
import { createTransport } from '../src/http/transport.js';
import { resolveTransportOptions } from '../src/config.js';
import { defaultDeps } from '../src/deps.js';

interface Target {
  url: string;
  adminToken: string;
  userId: string;
}

if (process.argv.includes('--emulator-child')) {
  await runEmulatorChild();
} else {
  await main();
}

/** Child mode: start the emulator, print where it is, stay up until stdin closes. */
async function runEmulatorChild(): Promise<void> {
  const { startEmulator } = await import('okta-emulator');
  // Quotas far above what a run sends: the benchmark measures the client, not Okta's rate limits.
  const big = 1_000_000_000;
  const emu = await startEmulator({
    seedUsers: 5,
    quotas: { 'GET /api/v1/users/{idOrLogin}': big, 'GET|POST /api/v1/users': big, '/api/v1': big },
    concurrencyLimit: 10_000,
  });
  const res = await fetch(`${emu.url}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  const [user] = (await res.json()) as { id: string }[];
  process.stdout.write(JSON.stringify({ url: emu.url, adminToken: emu.adminToken, userId: user?.id }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void emu.close().then(() => process.exit(0)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '2000' },
      runs: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      'no-sdk': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: false,
  });
  const requests = Number(values.requests);
  const runs = Number(values.runs);
  const concurrency = Number(values.concurrency);

  const { child, target } = await startChild();
  try {
    const clients = await buildClients(target, values['no-sdk'] === true);
    // Warm up every client (JIT, connection pools).
    for (const c of clients) await measure(c.get, Math.min(500, requests), concurrency);
    const samples = new Map<string, { cpuUs: number[]; rps: number[] }>(
      clients.map((c) => [c.name, { cpuUs: [], rps: [] }]),
    );
    for (let run = 0; run < runs; run++) {
      // Rotate the order each run so that no client always goes first.
      const order = clients.map((_, i) => clients[(i + run) % clients.length]!);
      for (const c of order) {
        const r = await measure(c.get, requests, concurrency);
        samples.get(c.name)!.cpuUs.push(r.cpuUsPerRequest);
        samples.get(c.name)!.rps.push(r.requestsPerSecond);
      }
    }
    const base = samples.get('fetch')!;
    const baseCpu = median(base.cpuUs);
    const baseRps = median(base.rps);
    console.log(
      `GET /api/v1/users/{id}, concurrency ${concurrency}, ${requests} requests x ${runs} runs, Node ${process.versions.node}, medians`,
    );
    console.log('| client | CPU µs/request | vs fetch | requests/s | vs fetch |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const c of clients) {
      const s = samples.get(c.name)!;
      const cpu = median(s.cpuUs);
      const rps = median(s.rps);
      console.log(
        `| ${c.name} | ${cpu.toFixed(0)} | ${(cpu / baseCpu).toFixed(2)} | ${rps.toFixed(0)} | ${(rps / baseRps).toFixed(2)} |`,
      );
    }
    for (const c of clients) await c.close();
  } finally {
    child.stdin?.end();
    child.kill();
  }
}

interface BenchClient {
  name: string;
  get: () => Promise<unknown>;
  close: () => Promise<void>;
}

async function buildClients(target: Target, skipSdk: boolean): Promise<BenchClient[]> {
  const url = `${target.url}/api/v1/users/${target.userId}`;
  const headers = { authorization: `SSWS ${target.adminToken}`, accept: 'application/json' };
  const clients: BenchClient[] = [
    {
      name: 'fetch',
      get: async () => {
        const res = await fetch(url, { headers });
        if (res.status !== 200) throw new Error(`fetch: status ${res.status}`);
        return res.json();
      },
      close: async () => undefined,
    },
  ];
  const transport = createTransport(resolveTransportOptions({ breaker: false }), {
    ...defaultDeps(),
    metrics: new Metrics(),
  });
  const parsed = new URL(url);
  clients.push({
    name: 'okta-m2m transport (undici request, keep-alive Agent)',
    get: async () => {
      const res = await transport.send(
        () => ({ method: 'GET', url: parsed, headers: { authorization: headers.authorization } }),
        {
          operation: 'bench',
          retryable: true,
        },
      );
      if (res.status !== 200) throw new Error(`transport: status ${res.status}`);
      return JSON.parse(res.body) as unknown;
    },
    close: () => transport.close(),
  });
  if (!skipSdk) {
    const okta = await import('@okta/okta-sdk-nodejs');
    const sdk = new okta.Client({ orgUrl: target.url, token: target.adminToken, cacheMiddleware: null });
    clients.push({
      name: '@okta/okta-sdk-nodejs 8.1 (cache off)',
      get: () => sdk.userApi.getUser({ userId: target.userId }),
      close: async () => undefined,
    });
  }
  return clients;
}

async function measure(
  get: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<{ cpuUsPerRequest: number; requestsPerSecond: number }> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await get();
      }
    }),
  );
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUsPerRequest: (cpu.user + cpu.system) / total, requestsPerSecond: total / elapsedS };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function startChild(): Promise<{ child: ChildProcess; target: Target }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', self, '--emulator-child'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) {
      const target = JSON.parse(line) as Target;
      if (!target.userId) throw new Error('the emulator returned no user');
      return { child, target };
    }
  }
  throw new Error('the emulator child exited before printing its URL');
}
