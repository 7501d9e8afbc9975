/**
 * The token cache under load, end to end against the emulator (its own process; rate limits off):
 * - Cold storm: a new client and 500 concurrent first `users.get` calls; the emulator counts the token requests
 *   (okta-m2m: one for Bearer, three for the DPoP handshake of `dpop: 'auto'`; the official SDK beside it).
 * - Expiry boundary: steady `users.get` load (concurrency 16) while the client's clock and the emulator's move
 *   together, 60 s every 15 ms, across two token lifetimes; counts the calls that waited on a token fetch.
 *
 * Run: node --conditions=source --import tsx packages/okta-m2m/bench/token-cache.ts [--rounds 3] [--sdk-rounds 1] [--expiry-rounds 1] [--callers 500]
 */
import { parseArgs } from 'node:util';
import type { EmulatorInfo } from './lib/emulator-child.js';
import { report, type GoalCheck } from './lib/report.js';
import { fmt, median, table } from './lib/stats.js';
import { startWorker } from './lib/worker.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'sdk-rounds': { type: 'string', default: '1' },
    'expiry-rounds': { type: 'string', default: '1' },
    callers: { type: 'string', default: '500' },
  },
});
const rounds = Number(values.rounds);
const sdkRounds = Number(values['sdk-rounds']);
const expiryRounds = Number(values['expiry-rounds']);
const callers = Number(values.callers);
const here = (file: string): URL => new URL(file, import.meta.url);

interface Stats {
  tokenRequestsByClient: Record<string, number>;
}
const STORM = [
  { kind: 'okta-bearer', label: 'okta-m2m, Bearer app', expected: 1 },
  { kind: 'okta-dpop', label: "okta-m2m, DPoP app (`dpop: 'auto'`: no proof → proof → nonce)", expected: 3 },
  { kind: 'sdk-bearer', label: '`@okta/okta-sdk-nodejs` 8.1, Bearer app', expected: undefined },
  { kind: 'sdk-dpop', label: '`@okta/okta-sdk-nodejs` 8.1, DPoP app', expected: undefined },
] as const;

const emu = await startWorker<EmulatorInfo>(here('./lib/emulator-child.ts'), ['--users', '100'], 'emulator');
const worker = await startWorker(
  here('./lib/token-worker.ts'),
  ['--info', JSON.stringify(emu.ready)],
  'token-worker',
);
const storms = new Map<string, { requests: number; seconds: number; errors: number }[]>();
const expiries = new Map<string, Record<string, number>[]>();
try {
  for (let round = 0; round < rounds; round++) {
    const kinds = STORM.filter((s) => s.kind.startsWith('okta') || round < sdkRounds);
    for (const s of round % 2 === 0 ? kinds : [...kinds].reverse()) {
      const clientId = s.kind.endsWith('dpop') ? emu.ready.dpopApp.clientId : emu.ready.bearerApp.clientId;
      const before = (await emu.call<Stats>('stats')).tokenRequestsByClient[clientId] ?? 0;
      const r = await worker.call<{ seconds: number; errors: number; firstError?: string }>('storm', {
        kind: s.kind,
        callers,
      });
      const after = (await emu.call<Stats>('stats')).tokenRequestsByClient[clientId] ?? 0;
      if (r.firstError !== undefined) console.error(`${s.kind}: ${r.errors} errors, first: ${r.firstError}`);
      storms.set(s.kind, [
        ...(storms.get(s.kind) ?? []),
        { requests: after - before, seconds: r.seconds, errors: r.errors },
      ]);
    }
    if (round >= expiryRounds) continue;
    for (const kind of round % 2 === 0 ? ['okta-bearer', 'okta-dpop'] : ['okta-dpop', 'okta-bearer']) {
      const r = await worker.call<Record<string, number>>('expiry', {
        kind,
        concurrency: 16,
        lifetimes: 2,
        stepSeconds: 60,
        stepEveryMs: 15,
      });
      expiries.set(kind, [...(expiries.get(kind) ?? []), r]);
    }
  }
} finally {
  await worker.close();
  await emu.close();
}

const stormRows = STORM.map((s) => {
  const runs = storms.get(s.kind) ?? [];
  return [
    s.label,
    runs.map((r) => String(r.requests)).join(', '),
    fmt(median(runs.map((r) => r.seconds)), 2),
    runs.map((r) => String(r.errors)).join(', '),
  ];
});
const expiryRows = ['okta-bearer', 'okta-dpop'].map((kind) => {
  const runs = expiries.get(kind) ?? [];
  const col = (f: string): string => runs.map((r) => fmt(r[f] ?? NaN)).join(', ');
  return [
    kind === 'okta-bearer' ? 'okta-m2m, Bearer' : 'okta-m2m, DPoP',
    col('calls'),
    col('tokenFetches'),
    col('waitedOnFetch'),
    col('status401'),
    col('errors'),
    fmt(median(runs.map((r) => r['p99Ms'] ?? NaN)), 1),
    fmt(median(runs.map((r) => r['maxMs'] ?? NaN)), 1),
  ];
});
const goals: GoalCheck[] = [];
for (const s of STORM) {
  if (s.expected === undefined) continue;
  const runs = storms.get(s.kind) ?? [];
  goals.push({
    goal: `cold storm, ${s.label}: ${callers} concurrent first calls → exactly ${s.expected} token request${s.expected > 1 ? 's' : ''}`,
    measured: `${runs.map((r) => r.requests).join(', ')} token requests; ${runs.reduce((n, r) => n + r.errors, 0)} failed calls`,
    met: runs.every((r) => r.requests === s.expected && r.errors === 0),
  });
}
const allExpiry = [...expiries.values()].flat();
goals.push({
  goal: 'expiry boundary under steady load: zero calls wait on a token fetch',
  measured: `${allExpiry.reduce((n, r) => n + (r['waitedOnFetch'] ?? 0), 0)} waited, ${allExpiry.reduce((n, r) => n + (r['status401'] ?? 0), 0)} answered 401, ${allExpiry.reduce((n, r) => n + (r['errors'] ?? 0), 0)} failed, over ${allExpiry.reduce((n, r) => n + (r['tokenFetches'] ?? 0), 0)} background refreshes`,
  met: allExpiry.every((r) => r['waitedOnFetch'] === 0 && r['status401'] === 0 && r['errors'] === 0),
});
report({
  title: 'Token cache: cold storm and expiry boundary',
  markdown: [
    `Cold storm: a new client, ${callers} concurrent first \`users.get\` calls, ${rounds} rounds (the SDK ${sdkRounds}); token requests as counted by the emulator (one number per round).`,
    '',
    table(['client', 'token requests', 'seconds for all calls (median)', 'failed calls'], stormRows),
    '',
    'The SDK has no single flight: every caller that finds no token fetches one (and on a DPoP app each fetch is two requests, the first answered `use_dpop_nonce`).',
    '',
    'Expiry boundary: concurrency 16, the client clock and the emulator clock advanced together 60 s every 15 ms across two ' +
      'token lifetimes (one number per round). "Waited" counts token-cache misses: calls that found no usable token ' +
      'and waited for a fetch. The SDK cannot run this one: it keeps a token until a 401 (no expiry tracking) and signs ' +
      'its client assertions with the real clock, which the moved emulator clock refuses.',
    '',
    table(
      ['client', 'calls', 'token fetches', 'waited on a fetch', '401s', 'failed', 'p99 ms', 'max ms'],
      expiryRows,
    ),
  ].join('\n'),
  goals,
});
