import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OKTA_ERROR_CATALOG } from './error-catalog.js';
import { createIdGenerator } from './ids.js';
import { OAuthProtocolError, fillTemplate } from './oauth/oauth-errors.js';

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
 * An Okta API error that can be thrown from any handler or hook; the app's error handler renders it.
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

/** 404 E0000007 "Not found: Resource not found: {id} ({type})" (facts §3.6), to throw. */
export function notFound(id: string, type: string): OktaApiError {
  return new OktaApiError('E0000007', { summaryArgs: [`Resource not found: ${id} (${type})`] });
}

/**
 * A response with an empty body whose meaning lives in headers: a resource-server OAuth challenge
 * (`WWW-Authenticate` with `insufficient_scope` or `invalid_dpop_proof`), as Okta sends at `/api/v1`.
 *
 * @example
 * throw new ChallengeResponse(403, { 'www-authenticate': challenge });
 */
export class ChallengeResponse extends Error {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, headers: Record<string, string>) {
    super(`challenge ${statusCode}`);
    this.name = 'ChallengeResponse';
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

/**
 * Sends an Okta error object now (for handlers that prefer replying to throwing).
 *
 * @example
 * return oktaError(reply, 'E0000007', { summaryArgs: [`Resource not found: ${id} (User)`] });
 */
export function oktaError(reply: FastifyReply, code: string, options: OktaErrorOptions = {}): FastifyReply {
  const status = options.status ?? oktaErrorStatus(code);
  if (options.headers) reply.headers(options.headers);
  return reply.code(status).type('application/json').send(oktaErrorBody(code, options));
}

/**
 * Sends an OAuth error body `{error, error_description}` now.
 *
 * @example
 * return oauthError(reply, new OAuthProtocolError('missing_scopes'));
 */
export function oauthError(reply: FastifyReply, err: OAuthProtocolError): FastifyReply {
  reply.headers(err.headers);
  reply.header('cache-control', 'no-cache, no-store').header('pragma', 'no-cache');
  return reply
    .code(err.statusCode)
    .type('application/json')
    .send({ error: err.error, error_description: err.description });
}

/** True for paths answered in OAuth's error format rather than Okta's error object. */
export function isOAuthPath(url: string): boolean {
  return url.startsWith('/oauth2/') && !url.startsWith('/oauth2/v1/clients');
}

/**
 * Installs the one error handler of the app: it renders thrown `OktaApiError`, `OAuthProtocolError` and
 * `ChallengeResponse`, and maps fastify's own errors (bad JSON, body too large, wrong media type,
 * validation) to Okta's error shapes, so hostile input never yields a stack trace or an HTML page.
 * Anything unexpected becomes 500 `E0000009` and is logged without request bodies or headers.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (reply.sent) return;
    if (error instanceof OAuthProtocolError) return oauthError(reply, error);
    if (error instanceof OktaApiError)
      return oktaError(reply, error.errorCode, { ...error.options, status: error.statusCode });
    if (error instanceof ChallengeResponse) return reply.code(error.statusCode).headers(error.headers).send();

    const code = (error as FastifyError).code;
    const status = (error as FastifyError).statusCode;
    const oauth = isOAuthPath(request.url);
    switch (code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return oauth
          ? oauthError(
              reply,
              new OAuthProtocolError('token_request_missing_grant_type', { args: ['client_credentials'] }),
            )
          : oktaError(reply, 'E0000003');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return oauth
          ? reply
              .code(413)
              .send({ error: 'invalid_request', error_description: 'The request body is too large.' })
          : oktaError(reply, 'E0000003', { status: 413 });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_TYPE':
        return oauth
          ? oauthError(
              reply,
              new OAuthProtocolError('token_request_missing_grant_type', { args: ['client_credentials'] }),
            )
          : oktaError(reply, 'E0000021');
      case 'FST_ERR_VALIDATION':
        return oktaError(reply, 'E0000001', { summaryArgs: ['request'], causes: [error.message] });
      default:
        break;
    }
    if (error instanceof SyntaxError || status === 400) return oktaError(reply, 'E0000003');
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (status === 404) return oktaError(reply, 'E0000007', { summaryArgs: ['Resource not found'] });
      if (status === 405) return oktaError(reply, 'E0000022');
      return oktaError(reply, 'E0000001', { status, summaryArgs: ['request'] });
    }
    request.log.error(
      { err: { name: error.name, message: error.message, stack: error.stack } },
      'unhandled error',
    );
    return oktaError(reply, 'E0000009');
  });
}

/**
 * Fastify's `frameworkErrors` hook: errors raised before routing (a malformed percent-encoding in the path,
 * an over-long path parameter) become Okta's 404 E0000008 instead of fastify's own JSON.
 */
export function frameworkErrorHandler(
  headers: () => Record<string, string>,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (_error, _request, reply) => {
    reply.headers(headers());
    void oktaError(reply, 'E0000008');
  };
}
