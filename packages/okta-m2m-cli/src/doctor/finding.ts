/**
 * A doctor finding: which check, its verdict, what was seen and, when something is wrong, the fix. The kind
 * of the first failing finding decides doctor's exit code.
 */
import type { FailureKind } from '../cli-error.js';

/** A verdict. */
export type FindingStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One line of doctor's report. */
export interface Finding {
  check: string;
  status: FindingStatus;
  message: string;
  hint: string | null;
  /** For a failure: its kind (exit code). Not printed. */
  kind?: FailureKind;
}

/** Collects findings in order. */
export class Findings {
  readonly list: Finding[] = [];

  /** A passing check. */
  pass(check: string, message: string): void {
    this.list.push({ check, status: 'pass', message, hint: null });
  }

  /** A failing check with its fix. */
  fail(check: string, message: string, hint: string | undefined, kind: FailureKind = 'auth'): void {
    this.list.push({ check, status: 'fail', message, hint: hint ?? null, kind });
  }

  /** Something to look at that does not fail. */
  warn(check: string, message: string, hint?: string): void {
    this.list.push({ check, status: 'warn', message, hint: hint ?? null });
  }

  /** A check that could not run, and how to make it run. */
  skip(check: string, message: string, hint?: string): void {
    this.list.push({ check, status: 'skip', message, hint: hint ?? null });
  }

  /** True when no finding failed. */
  get ok(): boolean {
    return !this.list.some((f) => f.status === 'fail');
  }
}

/**
 * The report as text: one line per finding (verdict, check, message), the fix indented under a failure.
 * @example
 * io.out(formatFindings(findings.list));
 */
export function formatFindings(findings: readonly Finding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length), 8);
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.status.toUpperCase().padEnd(4)}  ${f.check.padEnd(width)}  ${f.message}`);
    if (f.hint !== null && f.status !== 'pass') lines.push(`${' '.repeat(width + 8)}fix: ${f.hint}`);
  }
  const failed = findings.filter((f) => f.status === 'fail').length;
  lines.push(failed === 0 ? 'No problem found.' : `${failed} problem${failed === 1 ? '' : 's'} found.`);
  return `${lines.join('\n')}\n`;
}
