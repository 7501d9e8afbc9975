/**
 * The emulator's one error module. Every failure is thrown as one of three errors and rendered by the app's
 * single error handler (`plugins/error-handler.ts`): `OktaApiError` (Okta's error object
 * `{errorCode, errorSummary, errorLink, errorId, errorCauses}` with the catalogue status), `OAuthProtocolError`
 * (`{error, error_description}` from Okta's OAuth catalogue) and `ChallengeResponse` (an empty body whose
 * meaning is in `WWW-Authenticate`). This module also builds the two bodies and offers the shorthands the
 * stores and routes throw.
 */
import type { FastifyReply } from 'fastify';
import { createIdGenerator } from './ids.js';
import { OAUTH_ERRORS, type OAuthErrorKey } from './oauth-error-catalog.js';
import { OKTA_ERROR_CATALOG } from './okta-error-catalog.js';

/** Okta's error object, as every `/api/v1` failure (and a 429 anywhere) carries it. */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

/** How to fill an Okta error object. */
export interface OktaErrorOptions {
  /** Values for the catalogue summary's `{0}`, `{1}`, ... placeholders. */
  summaryArgs?: readonly string[];
  /** Replace the catalogue summary entirely. */
  summary?: string;
  /** `errorCauses`, each a string or an `{errorSummary}` object. */
  causes?: readonly (string | { errorSummary: string })[];
  /** Override the catalogue's HTTP status. */
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

// errorIds need no determinism (they are never stored), so they always come from the CSPRNG.
const errorIds = createIdGenerator();

/** Replaces `{0}`, `{1}`, ... with the given values (missing values become empty strings). */
export function fillTemplate(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => args[Number(i)] ?? '');
}

/**
 * Builds Okta's error object for a catalogue code.
 *
 * @example
 * oktaErrorBody('E0000007', { summaryArgs: ['Resource not found: 00u1 (User)'] });
 * // { errorCode: 'E0000007', errorSummary: 'Not found: Resource not found: 00u1 (User)', errorLink: 'E0000007', ... }
 */
export function oktaErrorBody(code: string, options: OktaErrorOptions = {}): OktaErrorBody {
  const entry = OKTA_ERROR_CATALOG[code];
  const template = options.summary ?? entry?.[1] ?? 'Internal Server Error';
  return {
    errorCode: code,
    errorSummary: options.summary ?? fillTemplate(template, options.summaryArgs ?? []),
    errorLink: code,
    errorId: errorIds.errorId(),
    errorCauses: (options.causes ?? []).map((c) => (typeof c === 'string' ? { errorSummary: c } : c)),
  };
}

/** The catalogue's HTTP status for an E-code (500 for an unknown code). */
export function oktaErrorStatus(code: string): number {
  return OKTA_ERROR_CATALOG[code]?.[0] ?? 500;
}

/**
 * An Okta API error that can be thrown from any handler, hook or store; the app's error handler renders it.
 *
 * @example
 * throw new OktaApiError('E0000001', { summaryArgs: ['label'], causes: ['label: The field cannot be left blank'] });
 */
export class OktaApiError extends Error {
  readonly errorCode: string;
  readonly statusCode: number;
  readonly options: OktaErrorOptions;

  constructor(code: string, options: OktaErrorOptions = {}) {
    const status = options.status ?? oktaErrorStatus(code);
    super(`${code} (${status})`);
    this.name = 'OktaApiError';
    this.errorCode = code;
    this.statusCode = status;
    this.options = options;
  }
}

/**
 * 404 E0000007 "Not found: Resource not found: {id} ({type})", to throw.
 *
 * @example
 * throw notFound(userId, 'User');
 */
export function notFound(id: string, type: string): OktaApiError {
  return new OktaApiError('E0000007', { summaryArgs: [`Resource not found: ${id} (${type})`] });
}

/**
 * 400 E0000001 "Api validation failed: {field}" with one `errorCauses` entry per message, to throw.
 *
 * @example
 * throw validationFailed('login', ['login: An object with this field already exists in the current organization']);
 */
export function validationFailed(field: string, causes: readonly string[]): OktaApiError {
  return new OktaApiError('E0000001', { summaryArgs: [field], causes });
}

/**
 * Any other catalogue error with its catalogue summary, e.g. `problem('E0000029')` for a bad cursor.
 *
 * @example
 * throw problem('E0000006');
 */
export function problem(code: string): OktaApiError {
  return new OktaApiError(code);
}

/** Options of an {@link OAuthProtocolError}. */
export interface OAuthErrorOptions {
  /** Values for the catalogue description's `{0}`, `{1}`, ... placeholders. */
  args?: readonly string[];
  /** Extra response headers (e.g. `dpop-nonce`). */
  headers?: Record<string, string>;
  /** Override the status, `error` and description (injected faults answer with any status). */
  status?: number;
  error?: string;
  description?: string;
}

/**
 * An OAuth protocol error, rendered as `{"error": ..., "error_description": ...}` by the app's error handler
 * (or, for resource-server errors, turned into a `WWW-Authenticate` challenge by the API-auth hook).
 *
 * @example
 * throw new OAuthProtocolError('client_assertion_already_used');
 * throw new OAuthProtocolError('illegal_duplicated_parameters', { args: ['scope'] });
 */
export class OAuthProtocolError extends Error {
  /** Okta's internal error name (catalogue key). */
  readonly key: OAuthErrorKey;
  /** HTTP status. */
  readonly statusCode: number;
  /** The `error` field. */
  readonly error: string;
  /** The `error_description` field, placeholders filled in. */
  readonly description: string;
  /** Extra response headers (e.g. `dpop-nonce`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(key: OAuthErrorKey, options: OAuthErrorOptions = {}) {
    const [status, error, template] = OAUTH_ERRORS[key];
    const description = options.description ?? fillTemplate(template, options.args ?? []);
    super(description);
    this.name = 'OAuthProtocolError';
    this.key = key;
    this.statusCode = options.status ?? status;
    this.error = options.error ?? error;
    this.description = description;
    this.headers = options.headers ?? {};
  }
}

/**
 * A response with an empty body whose meaning lives in headers: a resource-server OAuth challenge
 * (`WWW-Authenticate` with `insufficient_scope` or `invalid_dpop_proof`), as Okta sends at `/api/v1`,
 * or a bare status such as 411.
 *
 * @example
 * throw new ChallengeResponse(403, { 'www-authenticate': challenge });
 */
export class ChallengeResponse extends Error {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, headers: Record<string, string> = {}) {
    super(`challenge ${statusCode}`);
    this.name = 'ChallengeResponse';
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

/**
 * Writes an `OktaApiError` as Okta's error object (the error handler's renderer).
 *
 * @example
 * renderOktaError(reply, new OktaApiError('E0000011'));
 */
export function renderOktaError(reply: FastifyReply, err: OktaApiError): FastifyReply {
  if (err.options.headers) reply.headers(err.options.headers);
  return reply.code(err.statusCode).type('application/json').send(oktaErrorBody(err.errorCode, err.options));
}

/**
 * Writes an `OAuthProtocolError` as `{error, error_description}` with no-store caching (the error handler's
 * renderer).
 *
 * @example
 * renderOAuthError(reply, new OAuthProtocolError('missing_scopes'));
 */
export function renderOAuthError(reply: FastifyReply, err: OAuthProtocolError): FastifyReply {
  reply.headers(err.headers);
  reply.header('cache-control', 'no-cache, no-store').header('pragma', 'no-cache');
  return reply
    .code(err.statusCode)
    .type('application/json')
    .send({ error: err.error, error_description: err.description });
}
