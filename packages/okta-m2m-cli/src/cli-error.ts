/**
 * The CLI's own error: a failure kind (which decides the exit code), a message and the fix. Library errors
 * keep their own classes; the top-level handler classifies both (exit-codes.ts).
 */

/** What went wrong, from the user's side; each kind has one exit code. */
export type FailureKind = 'usage' | 'config' | 'auth' | 'api' | 'network' | 'internal';

/**
 * A failure the CLI detected itself (a bad argument, a refusing Management API, an unreachable org).
 * @example
 * throw new CliError('usage', '--limit must be a whole number from 1 to 200.', 'e.g. --limit 50');
 */
export class CliError extends Error {
  readonly kind: FailureKind;
  readonly hint: string | undefined;
  readonly code: string;

  constructor(kind: FailureKind, message: string, hint?: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.kind = kind;
    this.hint = hint;
    this.code = `CLI_${kind.toUpperCase()}`;
  }
}
