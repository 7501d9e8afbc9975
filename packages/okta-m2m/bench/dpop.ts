/**
 * DPoP cost benchmark. Run: node --conditions=source --import tsx packages/okta-m2m/bench/dpop.ts
 *   [--seconds 2] [--rounds 3] [--concurrency 32]
 *
 * One emulator (in a child process, so its own DPoP checks do not share the client's event loop), two service
 * apps (DPoP required, and Bearer), one okta-m2m client for each. The same workload — `users.get` of random
 * seeded users at the given concurrency for the given time — runs for each client in alternating order, several
 * rounds; the table shows median calls/s, client and emulator CPU per call, and the DPoP/Bearer ratio. The cost of
 * one proof and of authorize() is measured by users-get.ts.
 * Numbers depend on the machine; compare ratios, not absolutes.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from 'okta-emulator';
import type { ServiceAppCredentials } from 'okta-emulator';
import { createOktaClient } from '../src/client.js';
import type { OktaClient } from '../src/client.js';
import { report } from './lib/report.js';
import { fmt, median, table } from './lib/stats.js';

interface EmulatorReady {
  url: string;
  dpopApp: ServiceAppCredentials;
  bearerApp: ServiceAppCredentials;
  userIds: string[];
}

const UNLIMITED = 100_000_000;
const BUCKETS = [
  'GET|POST /api/v1/users',
  'GET /api/v1/users/{idOrLogin}',
  'POST|PUT|DELETE /api/v1/users/{id}',
  '/oauth2/v1/token',
  '/api/v1/apps',
  '/api/v1/groups',
  '/api/v1/iam',
  '/api/v1',
];

if (process.argv.includes('--emulator-child')) {
  await runEmulatorChild();
} else {
  await main();
}

/** Child: start the emulator without rate limits, create both apps, report, and close when told. */
async function runEmulatorChild(): Promise<void> {
  const emu = await startEmulator({
    seedUsers: 200,
    quotas: Object.fromEntries(BUCKETS.map((b) => [b, UNLIMITED])),
    concurrencyLimit: UNLIMITED,
  });
  const dpopApp = await emu.createServiceApp({ dpop: true });
  const bearerApp = await emu.createServiceApp({ dpop: false });
  const response = await fetch(`${emu.url}/api/v1/users?limit=200`, {
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  const users = (await response.json()) as { id: string }[];
  const ready: EmulatorReady = { url: emu.url, dpopApp, bearerApp, userIds: users.map((u) => u.id) };
  process.send?.(ready);
  process.on('message', (message) => {
    if (message === 'cpu') {
      process.send?.({ cpu: process.cpuUsage() });
      return;
    }
    void emu.close().then(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '32' },
    },
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);

  const child = fork(fileURLToPath(import.meta.url), ['--emulator-child'], { execArgv: process.execArgv });
  const ready = await new Promise<EmulatorReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as EmulatorReady));
    child.once('exit', (code) => reject(new Error(`emulator child exited with ${String(code)}`)));
  });
  const make = (app: ServiceAppCredentials, dpop: boolean): OktaClient =>
    createOktaClient({
      orgUrl: ready.url,
      clientId: app.clientId,
      keyId: app.keyId,
      privateKey: app.privateKeyPem,
      scopes: ['okta.users.read'],
      dpop,
      transport: { connections: concurrency },
    });
  const clients = { DPoP: make(ready.dpopApp, true), Bearer: make(ready.bearerApp, false) };

  try {
    for (const c of Object.values(clients)) await workload(c, ready.userIds, concurrency, 1); // warm-up
    const results: Record<'DPoP' | 'Bearer', number[]> = { DPoP: [], Bearer: [] };
    const cpu: Record<'DPoP' | 'Bearer', number[]> = { DPoP: [], Bearer: [] };
    const serverCpu: Record<'DPoP' | 'Bearer', number[]> = { DPoP: [], Bearer: [] };
    const childCpu = () =>
      new Promise<number>((resolve) => {
        child.once('message', (m) => {
          const { cpu: usage } = m as { cpu: NodeJS.CpuUsage };
          resolve(usage.user + usage.system);
        });
        child.send('cpu');
      });
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['DPoP', 'Bearer'] as const) : (['Bearer', 'DPoP'] as const);
      for (const kind of order) {
        const serverStart = await childCpu();
        const started = process.cpuUsage();
        const { calls, errors } = await workload(clients[kind], ready.userIds, concurrency, seconds);
        const used = process.cpuUsage(started);
        serverCpu[kind].push(((await childCpu()) - serverStart) / calls);
        if (errors > 0) throw new Error(`${kind} run had ${errors} failed calls`);
        results[kind].push(calls / seconds);
        cpu[kind].push((used.user + used.system) / calls);
      }
    }
    const dpop = median(results.DPoP);
    const bearer = median(results.Bearer);
    const rows = (['Bearer', 'DPoP'] as const).map((kind) => [
      kind,
      results[kind].map((r) => fmt(r)).join(', '),
      fmt(median(results[kind])),
      fmt(median(cpu[kind])),
      fmt(median(serverCpu[kind])),
    ]);
    const clientExtra = median(cpu.DPoP) - median(cpu.Bearer);
    const serverExtra = median(serverCpu.DPoP) - median(serverCpu.Bearer);
    report({
      title: 'DPoP end to end (the emulator verifying every proof)',
      markdown: [
        `\`users.get\` of ${ready.userIds.length} seeded users, concurrency ${concurrency}, ${seconds} s per run, ${rounds} ` +
          'runs per client alternating, the emulator in a child process with rate limits off. On loopback both sides ' +
          'share the two cores, so throughput is bounded by client + emulator CPU per call.',
        '',
        table(
          ['client', 'runs (calls/s)', 'median calls/s', 'client CPU µs/call', 'emulator CPU µs/call'],
          rows,
          'llrrr',
        ),
        '',
        `DPoP/Bearer throughput ${fmt(dpop / bearer, 2)}; DPoP adds ${fmt(clientExtra)} µs of client CPU and ` +
          `${fmt(serverExtra)} µs of emulator CPU (proof verification) per call.`,
      ].join('\n'),
    });
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    child.send('close');
  }
}

/** `concurrency` workers calling users.get for `seconds`; counts completed and failed calls. */
async function workload(
  client: OktaClient,
  userIds: readonly string[],
  concurrency: number,
  seconds: number,
): Promise<{ calls: number; errors: number }> {
  const end = performance.now() + seconds * 1000;
  let calls = 0;
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const id = userIds[next++ % userIds.length] as string;
      try {
        await client.users.get(id);
        calls++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls, errors };
}
