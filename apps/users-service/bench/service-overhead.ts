// The service's own overhead per proxied GET: `GET /users/:id` through the users service (HTTP in, API-key
// check, validation, the library call, JSON out, a log line, metrics) against `client.users.get(id)` with the
// library alone, both against the emulator at concurrency 32. Each side runs in its own process so its CPU is
// measured alone; the emulator and the load generator run in other processes. Runs alternate; medians shown.
// Usage: npm run bench -- service-overhead   [--runs 3] [--requests 2000]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateApiKey } from '../src/api-keys.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
  },
});
const RUNS = Number(values.runs);
const N = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);

const emulatorMain = fileURLToPath(new URL('../../../packages/okta-emulator/dist/main.js', import.meta.url));
const workerPath = fileURLToPath(new URL('./lib/worker.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'users-service-bench-'));
const emulator = spawn(
  process.execPath,
  [
    emulatorMain,
    ...['--seed-users', '200', '--seed', '7', '--demo-app', dir, '--concurrency', '1000'],
    ...['--quota', '/oauth2/v1/token=1000000', '--quota', 'GET /api/v1/users/{idOrLogin}=1000000'],
    ...['--quota', 'GET|POST /api/v1/users=1000000'],
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
const info = (await new Promise((resolve, reject) => {
  createInterface({ input: emulator.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
  emulator.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
})) as {
  url: string;
  adminToken: string;
  demoApp: { clientId: string; keyId: string; privateKeyPath: string };
};

const listed = await fetch(`${info.url}/api/v1/users?limit=200`, {
  headers: { authorization: `SSWS ${info.adminToken}`, accept: 'application/json' },
});
const ids = ((await listed.json()) as { id: string }[]).map((u) => u.id);
const key = generateApiKey('bench', 'users:read');
const env = {
  ...process.env,
  OKTA_DOMAIN: info.url,
  OKTA_CLIENT_ID: info.demoApp.clientId,
  OKTA_KEY_ID: info.demoApp.keyId,
  OKTA_PRIVATE_KEY_PATH: info.demoApp.privateKeyPath,
  OKTA_DPOP: 'true',
  API_KEYS: key.entry,
};

function startWorker(mode: 'library' | 'service'): Promise<{ child: ChildProcess; url?: string }> {
  const child = fork(workerPath, [mode], {
    env,
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url?: string }) => resolve({ child, ...(m.url ? { url: m.url } : {}) }));
    child.once('exit', (code) => reject(new Error(`${mode} worker exited with ${code}`)));
  });
}

function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }): void => {
      if (m.type !== type) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(message);
  });
}

interface Sample {
  cpuUsPerRequest: number;
  p50: number;
  p99: number;
}

async function runLibrary(child: ChildProcess, n: number): Promise<Sample> {
  const r = await ask<{ cpuUs: number; latencies: number[] }>(
    child,
    { type: 'run', n, concurrency: CONCURRENCY, ids },
    'done',
  );
  return { cpuUsPerRequest: r.cpuUs / n, ...percentiles(r.latencies) };
}

async function runService(child: ChildProcess, url: string, n: number): Promise<Sample> {
  const before = (await ask<{ cpuUs: number }>(child, { type: 'cpu' }, 'cpu')).cpuUs;
  const latencies: number[] = [];
  let next = 0;
  const headers = { authorization: `Bearer ${key.key}` };
  const worker = async (): Promise<void> => {
    while (next < n) {
      const id = ids[next++ % ids.length] as string;
      const t = performance.now();
      const res = await fetch(`${url}/users/${id}`, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`service answered ${res.status}`);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const after = (await ask<{ cpuUs: number }>(child, { type: 'cpu' }, 'cpu')).cpuUs;
  return { cpuUsPerRequest: (after - before) / n, ...percentiles(latencies) };
}

function percentiles(values: number[]): { p50: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const library = await startWorker('library');
const service = await startWorker('service');
try {
  // Warm-up: token, DPoP nonce, connection pools, JIT.
  await runLibrary(library.child, 500);
  await runService(service.child, service.url as string, 500);
  const lib: Sample[] = [];
  const svc: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      lib.push(await runLibrary(library.child, N));
      svc.push(await runService(service.child, service.url as string, N));
    } else {
      svc.push(await runService(service.child, service.url as string, N));
      lib.push(await runLibrary(library.child, N));
    }
  }
  const m = (xs: Sample[], k: keyof Sample): number => median(xs.map((x) => x[k]));
  const row = (name: string, cpu: number, p50: number, p99: number): string =>
    `| ${name.padEnd(44)} | ${cpu.toFixed(0).padStart(8)} | ${p50.toFixed(2).padStart(7)} | ${p99.toFixed(2).padStart(7)} |`;
  console.log(
    `users-service overhead: GET by id, ${N} requests per run, concurrency ${CONCURRENCY}, ${RUNS} alternated runs, medians; ` +
      `emulator on loopback (DPoP-bound token, cached)\n`,
  );
  console.log(`| ${'path'.padEnd(44)} | CPU µs/req | p50 ms | p99 ms |`);
  console.log(`| ${'-'.repeat(44)} | ---------: | -----: | -----: |`);
  const libCpu = m(lib, 'cpuUsPerRequest');
  const svcCpu = m(svc, 'cpuUsPerRequest');
  console.log(row('library alone: client.users.get(id)', libCpu, m(lib, 'p50'), m(lib, 'p99')));
  console.log(row('service: GET /users/:id over HTTP', svcCpu, m(svc, 'p50'), m(svc, 'p99')));
  console.log(
    row(
      "service's own overhead (difference)",
      svcCpu - libCpu,
      m(svc, 'p50') - m(lib, 'p50'),
      m(svc, 'p99') - m(lib, 'p99'),
    ),
  );
  console.log(`\nservice CPU per request / library CPU per request: ${(svcCpu / libCpu).toFixed(2)}x`);
} finally {
  library.child.send({ type: 'stop' });
  service.child.send({ type: 'stop' });
  emulator.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
