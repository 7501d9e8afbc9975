/**
 * `okta-m2m doctor`: the troubleshooting checks (doctor/run-doctor.ts), one line per finding, or
 * `{ ok, findings }` with --json. Exits with the code of the first failing finding's kind.
 */
import { stringOption, flag, type CommandContext } from '../command.js';
import { formatFindings } from '../doctor/finding.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { EXIT_CODES } from '../exit-codes.js';
import { jsonText } from '../io.js';

/** Run doctor. */
export async function run(ctx: CommandContext): Promise<number> {
  const findings = await runDoctor(ctx.settings, {
    user: stringOption(ctx, 'user'),
    writeProbe: stringOption(ctx, 'writeProbe'),
  });
  if (flag(ctx, 'json')) {
    ctx.io.out(
      jsonText({
        ok: findings.ok,
        findings: findings.list.map(({ check, status, message, hint }) => ({ check, status, message, hint })),
      }),
    );
  } else {
    ctx.io.out(formatFindings(findings.list));
  }
  const firstFailure = findings.list.find((f) => f.status === 'fail');
  return firstFailure === undefined ? 0 : EXIT_CODES[firstFailure.kind ?? 'auth'];
}
