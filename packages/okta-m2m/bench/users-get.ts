/**
 * `users.get` client cost, side by side: raw undici (the floor), Node's fetch, okta-m2m with Bearer and with DPoP
 * (ES256), and the official @okta/okta-sdk-nodejs 8.1 (cache off). Each client runs in its own process against
 * one minimal fake org in another process (bench/lib/fake-org.ts: it verifies nothing, so only client work is
 * measured). Every round runs every client at concurrency 32 and at concurrency 1, in a rotated order; between
 * rounds a separate process measures one DPoP proof, one raw ES256 signature and `authorize()`. The table shows
 * medians over the rounds and ratios against raw undici and the SDK measured in the same run.
 *
 * Run: node --conditions=source --import tsx packages/okta-m2m/bench/users-get.ts
 *   [--calls 2000] [--calls1 500] [--rounds 5] [--warmup 1500]
 * Profile one client: BENCH_PROFILE=bearer BENCH_PROFILE_DIR=/tmp/prof (kinds: undici fetch bearer dpop sdk; diagnostics with --only: undici+sign bearer+sign).
 */
import { parseArgs } from 'node:util';
import { report, type GoalCheck } from './lib/report.js';
import { fmt, median, table } from './lib/stats.js';
import { startWorker, type Worker } from './lib/worker.js';
import type { RunResult } from './lib/get-worker.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    calls1: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1500' },
    only: { type: 'string' },
    base: { type: 'string' },
  },
});
const calls = Number(values.calls);
const calls1 = Number(values.calls1);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

const CLIENTS = [
  { kind: 'undici', label: 'undici `request`, keep-alive Agent, fixed header (the floor)' },
  { kind: 'fetch', label: "Node's global `fetch`, fixed header" },
  { kind: 'bearer', label: 'okta-m2m `users.get`, Bearer' },
  { kind: 'dpop', label: 'okta-m2m `users.get`, DPoP (ES256)' },
  { kind: 'sdk', label: '`@okta/okta-sdk-nodejs` 8.1 `getUser`, cache off' },
  // Diagnostics, only with --only: the client plus one ES256 signature per call.
  { kind: 'undici+sign', label: 'undici + one ES256 signature per call (diagnostic)' },
  { kind: 'bearer+sign', label: 'okta-m2m Bearer + one ES256 signature per call (diagnostic)' },
].filter((c) =>
  values.only === undefined ? !c.kind.includes('+') : values.only.split(',').includes(c.kind),
);
// --base DIR[,DIR...]: also run the okta-m2m clients of other checkouts (e.g. the code before a change), in the
// same rounds; their kinds are `bearer@1`, `dpop@1`, ... in the order given.
const BASES = values.base === undefined ? [] : values.base.split(',');
for (const [i, dir] of BASES.entries()) {
  for (const c of CLIENTS.filter((x) => x.kind === 'bearer' || x.kind === 'dpop')) {
    CLIENTS.push({ kind: `${c.kind}@${i + 1}`, label: `${c.label} (${dir})` });
  }
}

const here = (file: string): URL => new URL(file, import.meta.url);
const org = await startWorker<{ url: string; userId: string }>(
  here('./lib/fake-org.ts'),
  ['--users', '1000'],
  'fake-org',
);
const workers = new Map<string, Worker<unknown>>();
let micro: Worker<unknown> | undefined;
try {
  for (const c of CLIENTS) {
    const args = ['--kind', c.kind, '--url', org.ready.url, '--user', org.ready.userId];
    const [kind, base] = c.kind.split('@');
    const script =
      base === undefined
        ? here('./lib/get-worker.ts')
        : new URL(`file://${BASES[Number(base) - 1]}/packages/okta-m2m/bench/lib/get-worker.ts`);
    args[1] = kind!;
    workers.set(c.kind, await startWorker(script, args, c.kind));
  }
  micro = await startWorker(
    here('./lib/get-worker.ts'),
    ['--kind', 'micro', '--url', org.ready.url, '--user', org.ready.userId],
    'micro',
  );
  for (const c of CLIENTS) {
    const w = workers.get(c.kind)!;
    const warm = await w.call<RunResult>('run', { calls: warmup, concurrency: 32 });
    await w.call<RunResult>('run', { calls: Math.ceil(warmup / 10), concurrency: 1 });
    if (warm.errors > 0) throw new Error(`${c.kind}: ${warm.errors} failed calls during warm-up`);
  }
  const samples = new Map<string, RunResult[]>();
  const microSamples: Record<string, number>[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = CLIENTS.map((_, i) => CLIENTS[(i + round) % CLIENTS.length]!);
    for (const concurrency of round % 2 === 0 ? [32, 1] : [1, 32]) {
      for (const c of order) {
        const r = await workers.get(c.kind)!.call<RunResult>('run', {
          calls: concurrency === 1 ? calls1 : calls,
          concurrency,
        });
        if (r.errors > 0) throw new Error(`${c.kind}: ${r.errors} failed calls`);
        const key = `${c.kind}@${concurrency}`;
        samples.set(key, [...(samples.get(key) ?? []), r]);
      }
    }
    microSamples.push(await micro.call<Record<string, number>>('micro', { n: 4000 }));
  }

  const med = (kind: string, c: number, f: keyof RunResult): number =>
    median((samples.get(`${kind}@${c}`) ?? []).map((r) => r[f]));
  const cpuOf = (kind: string, c: number): number[] =>
    (samples.get(`${kind}@${c}`) ?? []).map((r) => r.cpuUsPerCall);
  /** Median over the rounds of a ratio computed within each round (both sides measured minutes apart at most). */
  const paired = (num: (round: number) => number, den: (round: number) => number): number =>
    median(Array.from({ length: rounds }, (_, r) => num(r) / den(r)));
  const cpuAt = (kind: string, c: number) => (r: number) => cpuOf(kind, c)[r] ?? NaN;
  const rows: string[][] = [];
  for (const concurrency of [32, 1]) {
    for (const c of CLIENTS) {
      const cpus = (samples.get(`${c.kind}@${concurrency}`) ?? []).map((r) => r.cpuUsPerCall);
      const cpu = median(cpus);
      rows.push([
        c.label,
        String(concurrency),
        fmt(cpu),
        `${fmt(Math.min(...cpus))}–${fmt(Math.max(...cpus))}`,
        fmt(paired(cpuAt(c.kind, concurrency), cpuAt('undici', concurrency)), 2),
        fmt(paired(cpuAt(c.kind, concurrency), cpuAt('sdk', concurrency)), 2),
        fmt(med(c.kind, concurrency, 'callsPerSecond')),
        fmt(med(c.kind, concurrency, 'p50Ms'), 2),
        fmt(med(c.kind, concurrency, 'p99Ms'), 2),
      ]);
    }
  }
  const m = (k: string): number => median(microSamples.map((s) => s[k] ?? NaN));
  const proof = m('proofUs');
  const signUs = m('signUs');
  const bearer32 = med('bearer', 32, 'cpuUsPerCall');
  const dpop32 = med('dpop', 32, 'cpuUsPerCall');
  const undici32 = med('undici', 32, 'cpuUsPerCall');
  const sdk32 = med('sdk', 32, 'cpuUsPerCall');
  const extra = dpop32 - bearer32;
  const vsUndici = paired(cpuAt('bearer', 32), cpuAt('undici', 32));
  const vsSdk = paired(cpuAt('bearer', 32), cpuAt('sdk', 32));
  const dpopVsSdk = paired(cpuAt('dpop', 32), cpuAt('sdk', 32));
  const extraVsProof = paired(
    (r) => cpuAt('dpop', 32)(r) - cpuAt('bearer', 32)(r),
    (r) => microSamples[r]?.['proofUs'] ?? NaN,
  );
  const microRows = [
    ['one raw ES256 signature (`crypto.sign`, cached KeyObject, proof-sized input)', fmt(signUs, 1)],
    ['one DPoP proof (`prover.proof`, ES256: claims, base64url, signature)', fmt(proof, 1)],
    ['`authorize()`, Bearer, token cached', fmt(m('authorizeBearerUs'), 1)],
    ['`authorize()`, DPoP, token cached (one proof)', fmt(m('authorizeDpopUs'), 1)],
  ];
  const markdown = [
    `${calls} calls per client per round at concurrency 32 and ${calls1} at concurrency 1, ${rounds} rounds ` +
      `(client order rotated each round) after ${warmup} warm-up calls; each client in its own process, the fake ` +
      'org (no verification) in another. Client CPU is `process.cpuUsage()` (user + system) over the run ÷ calls; ' +
      'the range is the lowest–highest round; latency percentiles are per call. The ratios are medians of ratios ' +
      'taken within each round (the load on this shared machine changes between rounds).',
    '',
    table(
      [
        'client',
        'concurrency',
        'client CPU µs/call (median)',
        'range',
        'vs undici',
        'vs SDK',
        'calls/s',
        'p50 ms',
        'p99 ms',
      ],
      rows,
      'lrrrrrrrr',
    ),
    '',
    `One proof and \`authorize()\` (CPU µs per operation, ${microSamples.length} rounds of 4,000 in a separate process, medians):`,
    '',
    table(['operation', 'CPU µs'], microRows),
    '',
    `DPoP adds ${fmt(extra)} µs of client CPU per call over Bearer at concurrency 32 (median of each; the median of ` +
      `per-round ratios is ${fmt(extraVsProof, 2)}× one proof): ${fmt(extra / proof, 2)}× one ` +
      `proof (${fmt(proof, 1)} µs), ${fmt(extra / signUs, 2)}× one raw signature (${fmt(signUs, 1)} µs).`,
  ].join('\n');
  const goals: GoalCheck[] = [
    {
      goal: 'cached Bearer `users.get` client CPU ≤ 1.15× raw undici (c=32)',
      measured: `${fmt(vsUndici, 2)}× (medians ${fmt(bearer32)} vs ${fmt(undici32)} µs)`,
      met: vsUndici <= 1.15,
    },
    {
      goal: 'DPoP extra client CPU over Bearer ≤ 1.25× one proof signature (c=32)',
      measured: `${fmt(extraVsProof, 2)}× (medians: ${fmt(extra)} µs extra, proof ${fmt(proof, 1)} µs)`,
      met: extraVsProof <= 1.25,
    },
    {
      goal: 'okta-m2m Bearer client CPU ≤ 0.6× the official SDK (c=32)',
      measured: `${fmt(vsSdk, 2)}× (DPoP: ${fmt(dpopVsSdk, 2)}×; medians ${fmt(bearer32)} vs ${fmt(sdk32)} µs)`,
      met: vsSdk <= 0.6,
    },
  ];
  if (values.only === undefined) report({ title: '`users.get` client cost', markdown, goals });
  else console.log(markdown);
} finally {
  for (const w of workers.values()) await w.close();
  await micro?.close();
  await org.close();
}
