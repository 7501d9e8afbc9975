/**
 * The contract between the command table and each command file: what `run()` receives and returns.
 */
import type { Io } from './io.js';
import type { Settings } from './settings.js';

/**
 * What one command run gets: its positional arguments, its parsed options, the merged settings and the
 * streams.
 * @example
 * export async function run(ctx: CommandContext): Promise<number> { ctx.io.out('hi\n'); return 0; }
 */
export interface CommandContext {
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly settings: Settings;
  readonly io: Io;
  /** The working directory (relative paths resolve against it). */
  readonly cwd: string;
}

/** A command module: one `run()` returning the exit code (0 on success). */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}

/**
 * Read a string option.
 * @example
 * const label = stringOption(ctx, 'name') ?? 'okta-m2m service';
 */
export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Read a boolean option (commander gives `true`, `false` or undefined).
 * @example
 * if (flag(ctx, 'json')) ctx.io.out(jsonText(result));
 */
export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}
