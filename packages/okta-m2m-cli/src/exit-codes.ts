/**
 * The documented exit codes of `okta-m2m`, and the one mapping from an error to its code and its printed form.
 * Every command's failure goes through {@link describeFailure}, called by the top-level handler in main.ts.
 */
import {
  ConfigError,
  DpopError,
  KeyError,
  OAuthError,
  OktaApiError,
  OktaM2MError,
  ScopesNotGrantedError,
} from 'okta-m2m';
import { CliError, type FailureKind } from './cli-error.js';

/**
 * Exit codes by failure kind. 0 is success.
 * @example
 * process.exitCode = EXIT_CODES.config; // 3
 */
export const EXIT_CODES: Readonly<Record<FailureKind, number>> = Object.freeze({
  internal: 1,
  usage: 2,
  config: 3,
  auth: 4,
  api: 5,
  network: 6,
});

/**
 * The exit-code table as printed by `--help` and the README.
 * @example
 * process.stdout.write(EXIT_CODE_HELP);
 */
export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  internal error (a bug: run again with --debug and report the stack trace)
  2  usage: unknown command or option, missing or malformed argument
  3  configuration: missing or invalid settings, unreadable or unsafe key file
  4  authentication or authorization: the token request was refused, or Okta answered 401/403
  5  API: Okta answered another error (404, 400, 429, 5xx) or an unreadable response
  6  network: Okta (or the emulator) could not be reached, or the request timed out`;

/** What the top-level handler prints and returns for a failure. */
export interface Failure {
  kind: FailureKind;
  message: string;
  hint: string | undefined;
  /** A stable code, e.g. `OKTA_M2M_OAUTH` or `CLI_USAGE`. */
  code: string;
}

/**
 * Classify an error: its kind (and so its exit code), its message and its fix.
 * @example
 * const { kind, message, hint } = describeFailure(error);
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) {
    return { kind: error.kind, message: error.message, hint: error.hint, code: error.code };
  }
  if (error instanceof OktaM2MError) {
    return { kind: kindOf(error), message: error.message, hint: error.hint, code: error.code };
  }
  return {
    kind: 'internal',
    message: error instanceof Error ? error.message : String(error),
    hint: 'This is a bug in okta-m2m. Run the command again with --debug and report the stack trace.',
    code: 'CLI_INTERNAL',
  };
}

/** The failure kind of a library error. */
export function kindOf(error: OktaM2MError): FailureKind {
  if (error instanceof ConfigError || error instanceof KeyError) return 'config';
  if (error instanceof OAuthError || error instanceof DpopError || error instanceof ScopesNotGrantedError)
    return 'auth';
  if (error instanceof OktaApiError) {
    if (error.code === 'OKTA_M2M_RATE_LIMITED') return 'api';
    return error.status === 401 || error.status === 403 ? 'auth' : 'api';
  }
  switch (error.code) {
    case 'OKTA_M2M_NETWORK':
    case 'OKTA_M2M_TIMEOUT':
    case 'OKTA_M2M_CIRCUIT_OPEN':
      return 'network';
    case 'OKTA_M2M_INVALID_ARGUMENT':
      return 'usage';
    case 'OKTA_M2M_RESPONSE':
    case 'OKTA_M2M_FOREIGN_ORIGIN':
      return 'api';
    default:
      return 'internal';
  }
}
