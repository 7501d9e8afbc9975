/**
 * How a benchmark script hands its results to `npm run bench` (scripts/bench.mjs): it prints its section, and
 * when the runner set `BENCH_REPORT_FILE`, writes the section and its goal checks there as JSON, so the runner
 * can print one summary and rewrite the numbers section of docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';

/** One goal of the issue, checked against numbers measured in the same run. */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

/** One script's results. */
export interface BenchSection {
  /** Heading of the section in docs/benchmarks.md. */
  title: string;
  /** Markdown body: how it was measured and the tables. */
  markdown: string;
  goals?: GoalCheck[] | undefined;
}

/** Print the section and hand it to the runner. */
export function report(section: BenchSection): void {
  console.log(`\n### ${section.title}\n\n${section.markdown}\n`);
  for (const g of section.goals ?? [])
    console.log(`- ${g.met ? 'MET' : 'MISSED'}: ${g.goal} (${g.measured})`);
  const file = process.env['BENCH_REPORT_FILE'];
  if (file !== undefined && file !== '') writeFileSync(file, JSON.stringify(section));
}
