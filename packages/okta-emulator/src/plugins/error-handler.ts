/**
 * The app's one error handler. It renders what handlers and hooks throw (`OktaApiError`,
 * `OAuthProtocolError`, `ChallengeResponse`, from `lib/errors.ts`) and maps fastify's own errors (bad JSON,
 * body too large, wrong media type, validation, a malformed path) to Okta's error shapes, so hostile input
 * never yields a stack trace or an HTML page. Anything unexpected becomes 500 `E0000009` and is logged
 * without request bodies or headers.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ChallengeResponse,
  OAuthProtocolError,
  OktaApiError,
  renderOAuthError,
  renderOktaError,
} from '../lib/errors.js';
import { isOAuthPath } from '../lib/http-paths.js';

/** What a fastify error means, in Okta's terms; undefined for an unexpected error. */
function translate(
  error: FastifyError | Error,
  oauth: boolean,
): OktaApiError | OAuthProtocolError | undefined {
  const code = (error as FastifyError).code;
  const status = (error as FastifyError).statusCode;
  const oauthUnreadable = () =>
    new OAuthProtocolError('token_request_missing_grant_type', { args: ['client_credentials'] });
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return oauth ? oauthUnreadable() : new OktaApiError('E0000003');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return oauth
        ? new OAuthProtocolError('server_error', {
            status: 413,
            error: 'invalid_request',
            description: 'The request body is too large.',
          })
        : new OktaApiError('E0000003', { status: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return oauth ? oauthUnreadable() : new OktaApiError('E0000021');
    case 'FST_ERR_VALIDATION':
      return new OktaApiError('E0000001', { summaryArgs: ['request'], causes: [error.message] });
    default:
      break;
  }
  if (error instanceof SyntaxError || status === 400) return new OktaApiError('E0000003');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) return new OktaApiError('E0000007', { summaryArgs: ['Resource not found'] });
    if (status === 405) return new OktaApiError('E0000022');
    return new OktaApiError('E0000001', { status, summaryArgs: ['request'] });
  }
  return undefined;
}

/**
 * Installs the one error handler of the app.
 *
 * @example
 * installErrorHandler(app);
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (reply.sent) return;
    if (error instanceof OAuthProtocolError) return renderOAuthError(reply, error);
    if (error instanceof OktaApiError) return renderOktaError(reply, error);
    if (error instanceof ChallengeResponse) return reply.code(error.statusCode).headers(error.headers).send();
    const known = translate(error, isOAuthPath(request.url));
    if (known instanceof OAuthProtocolError) return renderOAuthError(reply, known);
    if (known !== undefined) return renderOktaError(reply, known);
    request.log.error(
      { err: { name: error.name, message: error.message, stack: error.stack } },
      'unhandled error',
    );
    return renderOktaError(reply, new OktaApiError('E0000009'));
  });
}

/**
 * Fastify's `frameworkErrors` hook: errors raised before routing (a malformed percent-encoding in the path,
 * an over-long path parameter) become Okta's 404 E0000008 instead of fastify's own JSON.
 *
 * @example
 * Fastify({ frameworkErrors: frameworkErrorHandler(() => ({ 'x-okta-request-id': ids.requestId() })) });
 */
export function frameworkErrorHandler(
  headers: () => Record<string, string>,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (_error, _request, reply) => {
    reply.headers(headers());
    void renderOktaError(reply, new OktaApiError('E0000008'));
  };
}
