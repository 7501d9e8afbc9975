/**
 * DPoP cost benchmark. Run: node --conditions=source --import tsx packages/okta-m2m/bench/dpop.ts
 *   [--seconds 5] [--rounds 3] [--concurrency 32]
 *
 * One emulator (in a child process, so its own DPoP checks do not share the client's event loop), two service
 * apps (DPoP required, and Bearer), one okta-m2m client for each. The same workload — `users.get` of random
 * seeded users at the given concurrency for the given time — runs for each client in alternating order, several
 * rounds; the table shows median calls/s and the DPoP/Bearer ratio. A second table gives the cost of one proof.
 * Numbers depend on the machine; compare ratios, not absolutes.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from 'okta-emulator';
import type { ServiceAppCredentials } from 'okta-emulator';
import { clientInternals, createOktaClient } from '../src/client.js';
import type { OktaClient } from '../src/client.js';
import { median, proofCost } from './lib/dpop-proof-cost.js';

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
      seconds: { type: 'string', default: '5' },
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
    console.log(
      `\nUsers GET throughput, concurrency ${concurrency}, ${seconds} s per run, ${rounds} runs each`,
    );
    console.log(
      `(Node ${process.version}, ${process.platform}/${process.arch}, emulator in a child process)\n`,
    );
    console.log('| client | runs (calls/s) | median calls/s | client CPU µs/call | emulator CPU µs/call |');
    console.log('| --- | --- | ---: | ---: | ---: |');
    for (const kind of ['Bearer', 'DPoP'] as const) {
      const runs = results[kind].map((r) => r.toFixed(0)).join(', ');
      const [rate, client, server] = [results[kind], cpu[kind], serverCpu[kind]].map((v) =>
        median(v).toFixed(0),
      );
      console.log(`| ${kind} | ${runs} | ${rate} | ${client} | ${server} |`);
    }
    const clientExtra = median(cpu.DPoP) - median(cpu.Bearer);
    const share = (clientExtra / median(cpu.Bearer)) * 100;
    console.log(
      `\nClient CPU added by DPoP: ${clientExtra.toFixed(0)} µs/call (+${share.toFixed(0)}% over Bearer).`,
    );
    console.log(
      `\nDPoP/Bearer throughput ratio: ${(dpop / bearer).toFixed(3)} (cost ${((1 - dpop / bearer) * 100).toFixed(1)}%)\n`,
    );

    console.log(
      '| authorize() (headers for one API call, token cached) | µs per call (median of 5 × 5000) |',
    );
    console.log('| --- | ---: |');
    const url = new URL(`${ready.url}/api/v1/users/${ready.userIds[0] ?? '00u1'}`);
    for (const kind of ['Bearer', 'DPoP'] as const) {
      const tokens = clientInternals(clients[kind]).tokens;
      const means: number[] = [];
      for (let r = 0; r < 5; r++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < 5000; i++) await tokens.authorize({ method: 'GET', url });
        means.push(Number(process.hrtime.bigint() - start) / 1000 / 5000);
      }
      console.log(`| ${kind} | ${median(means).toFixed(1)} |`);
    }
    console.log('');

    console.log('| proof signer | proofs | µs per proof (median of 5 rounds) |');
    console.log('| --- | --- | --- |');
    for (const row of await proofCost()) {
      console.log(`| ${row.signer} | ${row.proofs} | ${row.usPerProof.toFixed(1)} |`);
    }
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
