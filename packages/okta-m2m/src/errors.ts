/**
 * Every error the library throws. One base class with a stable `code` (a string union, safe to switch on),
 * a `hint` that says what to fix, and the original `cause`. Messages name the HTTP method and path, never a
 * query string, token, client assertion, DPoP proof or key. The raw response, where there is one, is attached
 * non-enumerably so that it never reaches a log by accident.
 *
 * `docs/errors.md` lists every code; a test keeps that file in step with {@link ERROR_CODES}.
 */

import type { HttpResponse } from './http/types.js';

/** Stable error codes. Adding one means adding it here, to the class that uses it, and to docs/errors.md. */
export const ERROR_CODES = [
  'OKTA_M2M_CONFIG',
  'OKTA_M2M_KEY',
  'OKTA_M2M_OAUTH',
  'OKTA_M2M_SCOPES_NOT_GRANTED',
  'OKTA_M2M_OKTA_API',
  'OKTA_M2M_RATE_LIMITED',
  'OKTA_M2M_TIMEOUT',
  'OKTA_M2M_NETWORK',
  'OKTA_M2M_CIRCUIT_OPEN',
  'OKTA_M2M_RESPONSE',
  'OKTA_M2M_DPOP',
  'OKTA_M2M_FOREIGN_ORIGIN',
  'OKTA_M2M_CLOSED',
  'OKTA_M2M_INVALID_ARGUMENT',
] as const;

/** A stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The code of an {@link OktaApiError}: a plain API error, or a 429 that outlasted the retries. */
export type OktaApiErrorCode = 'OKTA_M2M_OKTA_API' | 'OKTA_M2M_RATE_LIMITED';

/** Options common to every library error. */
export interface OktaM2MErrorOptions {
  /** What to do about it, in a sentence. */
  hint?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Base class of every error the library throws.
 * @example
 * try { await client.users.get('00u1') } catch (e) { if (e instanceof OktaM2MError) console.error(e.code, e.hint) }
 */
export class OktaM2MError<C extends ErrorCode = ErrorCode> extends Error {
  /** A stable code from {@link ERROR_CODES}; each subclass has its own literal, so `switch (err.code)` narrows. */
  readonly code: C;
  /** What to do about it. */
  readonly hint: string | undefined;

  constructor(code: C, message: string, options: OktaM2MErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** One problem found while validating configuration. */
export interface ConfigProblem {
  /** The option or environment variable, e.g. `clientId` or `OKTA_CLIENT_ID`. */
  option: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/**
 * Invalid configuration. Lists every problem at once, each naming the option and the fix.
 * @example
 * catch (e) { if (e instanceof ConfigError) for (const p of e.problems) console.error(`${p.option}: ${p.message}`) }
 */
export class ConfigError extends OktaM2MError<'OKTA_M2M_CONFIG'> {
  /** Every problem found, in option order. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options: OktaM2MErrorOptions = {}) {
    const lines = problems.map((p) => `  - ${p.option}: ${p.message}`).join('\n');
    super('OKTA_M2M_CONFIG', `Invalid okta-m2m configuration:\n${lines}`, options);
    this.problems = problems;
  }
}

/** A key could not be used: malformed, public where private is needed, too short, kid mismatch, loose file mode. */
export class KeyError extends OktaM2MError<'OKTA_M2M_KEY'> {
  constructor(message: string, options: OktaM2MErrorOptions = {}) {
    super('OKTA_M2M_KEY', message, options);
  }
}

/** Fields of an OAuth error response from a token endpoint. */
export interface OAuthErrorDetails {
  /** HTTP status of the token response. */
  status: number;
  /** The `error` field, e.g. `invalid_client`. */
  error: string;
  /** The `error_description` field, when the server sent one. */
  errorDescription?: string | undefined;
  /** `X-Okta-Request-Id`, when present. */
  requestId?: string | undefined;
}

/**
 * The token endpoint refused: `invalid_client`, `invalid_scope`, `consent_required`, `invalid_dpop_proof`...
 * @example
 * catch (e) { if (e instanceof OAuthError && e.error === 'invalid_client') console.error(e.hint) }
 */
export class OAuthError extends OktaM2MError<'OKTA_M2M_OAUTH'> {
  /** The raw response (non-enumerable: JSON and loggers skip it). */
  declare readonly response?: HttpResponse | undefined;
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly requestId: string | undefined;

  constructor(
    message: string,
    details: OAuthErrorDetails,
    options: OktaM2MErrorOptions & { response?: HttpResponse | undefined } = {},
  ) {
    super('OKTA_M2M_OAUTH', message, options);
    this.status = details.status;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.requestId = details.requestId;
    attachResponse(this, options.response);
  }
}

/** The server granted fewer scopes than were requested, and the caller asked to treat that as an error. */
export class ScopesNotGrantedError extends OktaM2MError<'OKTA_M2M_SCOPES_NOT_GRANTED'> {
  readonly requested: readonly string[];
  readonly granted: readonly string[];
  readonly missing: readonly string[];

  constructor(requested: readonly string[], granted: readonly string[], options: OktaM2MErrorOptions = {}) {
    const missing = requested.filter((s) => !granted.includes(s));
    super(
      'OKTA_M2M_SCOPES_NOT_GRANTED',
      `The token does not carry the requested scopes: ${missing.join(', ')}`,
      options,
    );
    this.requested = requested;
    this.granted = granted;
    this.missing = missing;
  }
}

/** A parsed `WWW-Authenticate` challenge (RFC 9110 auth-params; RFC 6750 / RFC 9449 fields). */
export interface AuthChallenge {
  /** `Bearer` or `DPoP`. */
  scheme: string;
  /** Lower-cased parameter names to values, e.g. `error`, `error_description`, `scope`, `resource`, `algs`. */
  params: Readonly<Record<string, string>>;
}

/** Fields of an Okta management API error. */
export interface OktaApiErrorDetails {
  status: number;
  method: string;
  /** Path only, never the query. */
  path: string;
  errorCode?: string | undefined;
  errorSummary?: string | undefined;
  errorCauses?: readonly { errorSummary: string }[] | undefined;
  errorId?: string | undefined;
  requestId?: string | undefined;
  challenge?: AuthChallenge | undefined;
}

/**
 * An Okta management API call failed with an error status (4xx/5xx).
 * @example
 * catch (e) { if (e instanceof OktaApiError && e.status === 403) console.error(e.hint) }
 */
export class OktaApiError extends OktaM2MError<OktaApiErrorCode> {
  /** The raw response (non-enumerable: JSON and loggers skip it). */
  declare readonly response?: HttpResponse | undefined;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly errorCode: string | undefined;
  readonly errorSummary: string | undefined;
  readonly errorCauses: readonly { errorSummary: string }[];
  readonly errorId: string | undefined;
  readonly requestId: string | undefined;
  readonly challenge: AuthChallenge | undefined;

  constructor(
    message: string,
    details: OktaApiErrorDetails,
    options: OktaM2MErrorOptions & { response?: HttpResponse | undefined; code?: OktaApiErrorCode } = {},
  ) {
    super(options.code ?? 'OKTA_M2M_OKTA_API', message, options);
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.errorCode = details.errorCode;
    this.errorSummary = details.errorSummary;
    this.errorCauses = details.errorCauses ?? [];
    this.errorId = details.errorId;
    this.requestId = details.requestId;
    this.challenge = details.challenge;
    attachResponse(this, options.response);
  }
}

/**
 * Okta answered 429 and waiting for the reset would cross the deadline or exhaust the retries.
 * @example
 * catch (e) { if (e instanceof RateLimitError) scheduleLater(e.resetAt) }
 */
export class RateLimitError extends OktaApiError {
  declare readonly code: 'OKTA_M2M_RATE_LIMITED';
  /** When the rate-limit window resets (ms since epoch), from `X-Rate-Limit-Reset`, if known. */
  readonly resetAt: number | undefined;
  readonly limit: number | undefined;

  constructor(
    message: string,
    details: OktaApiErrorDetails & { resetAt?: number | undefined; limit?: number | undefined },
    options: OktaM2MErrorOptions & { response?: HttpResponse | undefined } = {},
  ) {
    super(message, details, { ...options, code: 'OKTA_M2M_RATE_LIMITED' });
    this.resetAt = details.resetAt;
    this.limit = details.limit;
  }
}

/** A request attempt or the whole call ran past its time limit. */
export class TimeoutError extends OktaM2MError<'OKTA_M2M_TIMEOUT'> {
  /** `attempt` (one try) or `deadline` (the call's overall budget, retries included). */
  readonly kind: 'attempt' | 'deadline';
  readonly timeoutMs: number;

  constructor(
    message: string,
    kind: 'attempt' | 'deadline',
    timeoutMs: number,
    options: OktaM2MErrorOptions = {},
  ) {
    super('OKTA_M2M_TIMEOUT', message, options);
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

/** The connection failed (refused, reset, DNS, TLS). */
export class NetworkError extends OktaM2MError<'OKTA_M2M_NETWORK'> {
  constructor(message: string, options: OktaM2MErrorOptions = {}) {
    super('OKTA_M2M_NETWORK', message, options);
  }
}

/** The circuit breaker is open: Okta failed repeatedly, so calls fail fast until it has had time to recover. */
export class CircuitOpenError extends OktaM2MError<'OKTA_M2M_CIRCUIT_OPEN'> {
  /** When the breaker will let a trial request through (ms since epoch). */
  readonly retryAt: number;

  constructor(message: string, retryAt: number, options: OktaM2MErrorOptions = {}) {
    super('OKTA_M2M_CIRCUIT_OPEN', message, options);
    this.retryAt = retryAt;
  }
}

/** A response could not be understood: bad JSON, or JSON of an unexpected shape. */
export class ResponseError extends OktaM2MError<'OKTA_M2M_RESPONSE'> {
  /** The raw response (non-enumerable: JSON and loggers skip it). */
  declare readonly response?: HttpResponse | undefined;
  readonly status: number;

  constructor(
    message: string,
    status: number,
    options: OktaM2MErrorOptions & { response?: HttpResponse | undefined } = {},
  ) {
    super('OKTA_M2M_RESPONSE', message, options);
    this.status = status;
    attachResponse(this, options.response);
  }
}

/** A DPoP problem: a proof was refused, a bound token misused, or the nonce handshake did not converge. */
export class DpopError extends OktaM2MError<'OKTA_M2M_DPOP'> {
  /** The raw response (non-enumerable: JSON and loggers skip it). */
  declare readonly response?: HttpResponse | undefined;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;

  constructor(
    message: string,
    details: {
      status?: number | undefined;
      error?: string | undefined;
      errorDescription?: string | undefined;
    } = {},
    options: OktaM2MErrorOptions & { response?: HttpResponse | undefined } = {},
  ) {
    super('OKTA_M2M_DPOP', message, options);
    this.status = details.status;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    attachResponse(this, options.response);
  }
}

/** A `link` URL or redirect pointed at another origin; credentials are only ever sent to the configured org. */
export class ForeignOriginError extends OktaM2MError<'OKTA_M2M_FOREIGN_ORIGIN'> {
  constructor(message: string, options: OktaM2MErrorOptions = {}) {
    super('OKTA_M2M_FOREIGN_ORIGIN', message, options);
  }
}

/**
 * A method was called with a bad argument (an empty user id, a name longer than Okta allows, a `limit` out of
 * range). The message names the argument and what is accepted.
 * @example
 * catch (e) { if (e instanceof InvalidArgumentError) console.error(e.argument, e.message) }
 */
export class InvalidArgumentError extends OktaM2MError<'OKTA_M2M_INVALID_ARGUMENT'> {
  /** The argument's name, e.g. `firstName` or `limit`. */
  readonly argument: string;

  constructor(argument: string, message: string, options: OktaM2MErrorOptions = {}) {
    super('OKTA_M2M_INVALID_ARGUMENT', message, options);
    this.argument = argument;
  }
}

/** The client was closed. */
export class ClosedError extends OktaM2MError<'OKTA_M2M_CLOSED'> {
  constructor(message = 'The Okta client is closed.', options: OktaM2MErrorOptions = {}) {
    super('OKTA_M2M_CLOSED', message, options);
  }
}

/**
 * Every error the library throws, as a union discriminated by `code`: `switch (err.code)` narrows to the class.
 * @example
 * if (isOktaM2MError(e)) switch (e.code) {
 *   case 'OKTA_M2M_RATE_LIMITED': retryAt(e.resetAt); break;
 *   case 'OKTA_M2M_CONFIG': for (const p of e.problems) console.error(p.option, p.message); break;
 * }
 */
export type AnyOktaM2MError =
  | ConfigError
  | KeyError
  | OAuthError
  | ScopesNotGrantedError
  | (OktaApiError & { readonly code: 'OKTA_M2M_OKTA_API' })
  | RateLimitError
  | TimeoutError
  | NetworkError
  | CircuitOpenError
  | ResponseError
  | DpopError
  | ForeignOriginError
  | InvalidArgumentError
  | ClosedError;

/**
 * True for every error the library throws, typed as {@link AnyOktaM2MError} so that `switch (e.code)` narrows.
 * @example
 * catch (e) { if (isOktaM2MError(e) && e.code === 'OKTA_M2M_OKTA_API') console.error(e.status, e.errorCode) }
 */
export function isOktaM2MError(value: unknown): value is AnyOktaM2MError {
  return value instanceof OktaM2MError;
}

/** Attach the raw response without making it enumerable (so JSON.stringify and loggers skip it). */
function attachResponse(error: Error, response: HttpResponse | undefined): void {
  if (response !== undefined) {
    Object.defineProperty(error, 'response', { value: response, enumerable: false, writable: false });
  }
}
