/**
 * Listing users: okta-m2m `users.list` against the official SDK's `listUsers().each`, 10,000 and 100,000 users
 * at 200 per page from the fake org (bench/lib/fake-org.ts, a synthetic org of 100,000 Okta-shaped users with
 * `link` headers, in its own process). Every run is a fresh client process, so its peak RSS is that run's; runs
 * alternate between the clients. Medians of time, client CPU and peak RSS.
 *
 * Run: node --conditions=source --import tsx packages/okta-m2m/bench/listing.ts [--rounds 2] [--large-rounds 1] [--sizes 10000,100000]
 */
import { parseArgs } from 'node:util';
import { report, type GoalCheck } from './lib/report.js';
import { fmt, median, table } from './lib/stats.js';
import { startWorker } from './lib/worker.js';
import type { ListResult } from './lib/list-worker.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    'large-rounds': { type: 'string', default: '1' },
    sizes: { type: 'string', default: '10000,100000' },
  },
});
const rounds = Number(values.rounds);
const largeRounds = Number(values['large-rounds']);
const sizes = values.sizes.split(',').map(Number);
const KINDS = [
  { kind: 'okta', label: 'okta-m2m `users.list`' },
  { kind: 'sdk', label: '`@okta/okta-sdk-nodejs` 8.1 `listUsers().each`' },
];
const here = (file: string): URL => new URL(file, import.meta.url);
const org = await startWorker<{ url: string }>(
  here('./lib/fake-org.ts'),
  ['--users', String(Math.max(...sizes))],
  'fake-org',
);
const results = new Map<string, ListResult[]>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const size of sizes) {
      if (size === Math.max(...sizes) && sizes.length > 1 && round >= largeRounds) continue;
      for (const k of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
        const w = await startWorker(
          here('./lib/list-worker.ts'),
          ['--kind', k.kind, '--url', org.ready.url, '--max', String(size)],
          `list-${k.kind}`,
        );
        const r = await w.call<ListResult>('list');
        await w.close();
        if (r.users !== size) throw new Error(`${k.kind} listed ${r.users} users, expected ${size}`);
        results.set(`${k.kind}@${size}`, [...(results.get(`${k.kind}@${size}`) ?? []), r]);
      }
    }
  }
} finally {
  await org.close();
}
const med = (key: string, f: keyof ListResult): number => median((results.get(key) ?? []).map((r) => r[f]));
const rows: string[][] = [];
for (const size of sizes) {
  for (const k of KINDS) {
    const key = `${k.kind}@${size}`;
    rows.push([
      k.label,
      fmt(size),
      fmt(med(key, 'seconds'), 2),
      fmt(med(key, 'cpuMs')),
      fmt(med(key, 'peakRssMb')),
      fmt(med(key, 'peakRssMb') - med(key, 'startRssMb')),
    ]);
  }
}
const goals: GoalCheck[] = [];
const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
const o = (f: keyof ListResult, s = small): number => med(`okta@${s}`, f);
const s = (f: keyof ListResult, sz = small): number => med(`sdk@${sz}`, f);
goals.push({
  goal: `listing ${fmt(small)} users: less time, CPU and memory than the SDK`,
  measured: `time ${fmt(o('seconds') / s('seconds'), 2)}×, CPU ${fmt(o('cpuMs') / s('cpuMs'), 2)}×, peak RSS ${fmt(o('peakRssMb') / s('peakRssMb'), 2)}× the SDK's`,
  met: o('seconds') < s('seconds') && o('cpuMs') < s('cpuMs') && o('peakRssMb') < s('peakRssMb'),
});
if (large !== small) {
  const growth = o('peakRssMb', large) - o('peakRssMb', small);
  goals.push({
    goal: `okta-m2m lists ${fmt(large)} users in constant memory (peak RSS within 10% of the ${fmt(small)}-user run)`,
    measured: `${fmt(o('peakRssMb', large))} MB vs ${fmt(o('peakRssMb', small))} MB (${growth >= 0 ? '+' : ''}${fmt(growth)} MB)`,
    met: o('peakRssMb', large) <= 1.1 * o('peakRssMb', small),
  });
}
report({
  title: 'Listing users',
  markdown: [
    `${rounds} rounds (${largeRounds} for the largest listing), clients alternating, each run a fresh process; page size 200; the consumer reads each user's login. ` +
      'Peak RSS is the process maximum (`resourceUsage().maxRSS`), growth is peak minus the RSS before listing.',
    '',
    table(['client', 'users', 'seconds', 'client CPU ms', 'peak RSS MB', 'growth MB'], rows),
  ].join('\n'),
  goals,
});
