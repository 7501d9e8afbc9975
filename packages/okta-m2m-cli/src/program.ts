/**
 * Builds the commander program from the command table, and runs one command line through the one
 * top-level handler: every failure is classified (exit-codes.ts), printed as one message and its fix on
 * stderr (and as `{ ok: false, error }` on stdout with --json), with a stack trace only under --debug.
 */
import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { COMMANDS, COMMON_OPTIONS, type CommandSpec } from './commands.js';
import type { CommandContext } from './command.js';
import { describeFailure, EXIT_CODE_HELP, EXIT_CODES } from './exit-codes.js';
import { jsonText, type Io } from './io.js';
import { loadSettings } from './settings.js';

/** What a run needs from the process, injectable for tests. */
export interface RunEnvironment {
  io: Io;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * Parse and run one command line (without `node` and the script); resolves to the exit code.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { io: processIo(), env: process.env, cwd: process.cwd() });
 */
export async function runCli(argv: readonly string[], runEnv: RunEnvironment): Promise<number> {
  const { io } = runEnv;
  const wantsJson = argv.includes('--json');
  const debug = argv.includes('--debug');
  let outcome: Promise<number> | undefined;
  const program = buildProgram(io, (spec, command) => {
    outcome = execute(spec, command, runEnv);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      const message = error.message.replace(/^error: /, '').replace(/\n\((.*)\)\s*$/, ' ($1)');
      const where = commandWords(argv);
      io.err(`okta-m2m: ${message}\n  fix: run \`okta-m2m ${where}--help\` for the usage.\n`);
      if (wantsJson) io.out(jsonText({ ok: false, error: { kind: 'usage', code: 'CLI_USAGE', message } }));
      return EXIT_CODES.usage;
    }
    return report(error, io, wantsJson, debug);
  }
  if (outcome === undefined) return 0;
  try {
    return await outcome;
  } catch (error) {
    return report(error, io, wantsJson, debug);
  }
}

function report(error: unknown, io: Io, wantsJson: boolean, debug: boolean): number {
  io.endProgress();
  const failure = describeFailure(error);
  io.err(`okta-m2m: ${failure.message}\n${failure.hint ? `  fix: ${failure.hint}\n` : ''}`);
  if (debug && error instanceof Error) io.err(`${stackWithCauses(error)}\n`);
  else if (failure.kind === 'internal') io.err('  (run again with --debug for the stack trace)\n');
  if (wantsJson) {
    const { kind, code, message, hint } = failure;
    io.out(jsonText({ ok: false, error: { kind, code, message, ...(hint ? { hint } : {}) } }));
  }
  return EXIT_CODES[failure.kind];
}

function stackWithCauses(error: Error): string {
  const parts = [error.stack ?? String(error)];
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    parts.push(`Caused by: ${cause.stack ?? String(cause)}`);
    cause = cause.cause;
  }
  return parts.join('\n');
}

async function execute(spec: CommandSpec, command: Command, runEnv: RunEnvironment): Promise<number> {
  const options = command.opts();
  const settings = loadSettings(options, runEnv.env, runEnv.cwd);
  const ctx: CommandContext = {
    args: command.processedArgs.map((a) => String(a)),
    options,
    settings,
    io: runEnv.io,
    cwd: runEnv.cwd,
  };
  const module = await spec.load();
  return module.run(ctx);
}

/** The words of the command being run, for the usage hint (e.g. `users list `). */
function commandWords(argv: readonly string[]): string {
  const words: string[] = [];
  for (const spec of COMMANDS) {
    if (spec.path.every((w, i) => argv[i] === w) && spec.path.length > words.length)
      words.splice(0, words.length, ...spec.path);
  }
  if (words.length === 0 && (argv[0] === 'users' || argv[0] === 'keys')) words.push(argv[0]);
  return words.length === 0 ? '' : `${words.join(' ')} `;
}

/** Help goes to the run's streams; errors are printed by the top-level handler, not by commander. */
function output(io: Io): OutputConfiguration {
  return { writeOut: (text) => io.out(text), writeErr: (text) => io.err(text), outputError: () => undefined };
}

/**
 * The commander program for the table.
 * @example
 * buildProgram(io, (spec) => console.log(spec.path)).parse(['token'], { from: 'user' });
 */
export function buildProgram(io: Io, onRun: (spec: CommandSpec, command: Command) => void): Command {
  const program = new Command('okta-m2m')
    .description(
      'Set up an Okta API Services app, get a token, read and rename users, and diagnose 401/403 failures.\nSettings come from flags, then the environment (OKTA_DOMAIN, OKTA_CLIENT_ID, OKTA_KEY_ID,\nOKTA_PRIVATE_KEY_PATH, OKTA_SCOPES, OKTA_DPOP, OKTA_API_TOKEN), then ./.env.',
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput(output(io))
    .addHelpText(
      'after',
      `\nExamples:\n  okta-m2m demo\n  okta-m2m setup --org-url https://acme.okta.com\n  okta-m2m doctor\n\n${EXIT_CODE_HELP}\n`,
    );
  const groups = new Map<string, Command>();
  for (const spec of COMMANDS) {
    let parent = program;
    for (const word of spec.path.slice(0, -1)) {
      let group = groups.get(word);
      if (group === undefined) {
        group = parent.command(word).description(`${word} commands`).exitOverride();
        group.configureOutput(output(io));
        groups.set(word, group);
      }
      parent = group;
    }
    const command = parent.command(spec.path[spec.path.length - 1] as string).description(spec.summary);
    for (const argument of spec.arguments) command.argument(argument.name, argument.description);
    for (const option of [...spec.options, ...COMMON_OPTIONS]) {
      const opt = new Option(option.flags, option.description);
      if (option.choices) opt.choices([...option.choices]);
      if (option.repeatable)
        opt.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      command.addOption(opt);
    }
    command.exitOverride();
    command.configureOutput(output(io));
    command.addHelpText(
      'after',
      `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n\n${EXIT_CODE_HELP}\n`,
    );
    command.action((...params: unknown[]) => {
      onRun(spec, params[params.length - 1] as Command);
    });
  }
  return program;
}
