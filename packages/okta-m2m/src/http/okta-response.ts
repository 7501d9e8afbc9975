/**
 * Interprets a management API response (the pure half of "send, then interpret"): parsed JSON on 2xx, otherwise
 * a typed error carrying Okta's error object, the `X-Okta-Request-Id`, the parsed `WWW-Authenticate` challenge and
 * a hint that says what to fix. Messages name the method and path only: never the query string, never a token.
 */
import {
  DpopError,
  OktaApiError,
  RateLimitError,
  ResponseError,
  type AuthChallenge,
  type OktaApiErrorDetails,
  type OktaM2MError,
} from '../errors.js';
import { apiErrorHint, dpopHint } from './api-error-hints.js';
import { parseRateLimit } from './rate-limit.js';
import { headerValue, headerValues, type HttpResponse } from './types.js';
import { parseWwwAuthenticate, primaryChallenge } from './www-authenticate.js';

/** Which call the response answers (for messages). `path` defaults to the response URL's path. */
export interface ResponseContext {
  method: string;
  path?: string | undefined;
}

/**
 * Return the parsed JSON body of a 2xx response (`undefined` for 204 or an empty body), or throw the error it
 * describes: RateLimitError (429), DpopError (a refused DPoP proof), OktaApiError (everything else), ResponseError
 * (a 2xx whose body is not JSON). The type parameter is not checked; callers validate the shape they need.
 * @example
 * const user = processOktaResponse<OktaUser>(await transport.send(factory, opts), { method: 'GET' });
 */
export function processOktaResponse<T = unknown>(response: HttpResponse, context: ResponseContext): T {
  if (response.status >= 200 && response.status < 300) {
    if (response.status === 204 || response.body.trim() === '') return undefined as T;
    try {
      return JSON.parse(response.body) as T;
    } catch (error) {
      // The method and path are formatted only for an error: the success path does no string work.
      const method = context.method.toUpperCase();
      const path = context.path ?? response.url.pathname;
      throw new ResponseError(
        `${method} ${path}: Okta answered ${response.status} with a body that is not JSON`,
        response.status,
        {
          cause: error,
          response,
          hint: 'Check that the org URL points at Okta and not at a proxy or login page.',
        },
      );
    }
  }
  throw oktaErrorFromResponse(response, context);
}

/**
 * The error a non-2xx response describes (not thrown). Exposed for callers that inspect before throwing.
 * @example
 * if (res.status >= 400) logger.warn({ code: oktaErrorFromResponse(res, { method: 'GET' }).code })
 */
export function oktaErrorFromResponse(response: HttpResponse, context: ResponseContext): OktaM2MError {
  const method = context.method.toUpperCase();
  const path = context.path ?? response.url.pathname;
  const status = response.status;
  const body = parseErrorBody(response.body);
  const challenge = primaryChallenge(parseWwwAuthenticate(headerValues(response, 'www-authenticate')));
  const requestId = headerValue(response, 'x-okta-request-id');
  const challengeError = challenge?.params['error'];
  const challengeDescription = challenge?.params['error_description'];

  if (isDpopRefusal(status, challenge)) {
    return new DpopError(
      `${method} ${path} failed with ${status}: ${challengeError}${challengeDescription ? ` (${challengeDescription})` : ''}`,
      { status, error: challengeError, errorDescription: challengeDescription },
      { hint: dpopHint(challengeDescription), response },
    );
  }

  const details: OktaApiErrorDetails = {
    status,
    method,
    path,
    errorCode: body?.errorCode,
    errorSummary: body?.errorSummary,
    errorCauses: body?.errorCauses,
    errorId: body?.errorId,
    requestId,
    challenge,
  };
  const what = body?.errorCode
    ? `${body.errorCode}${body.errorSummary ? ` ${body.errorSummary}` : ''}`
    : challengeError
      ? `${challengeError}${challengeDescription ? ` (${challengeDescription})` : ''}`
      : undefined;
  const message = `${method} ${path} failed with ${status}${what ? `: ${what}` : ''}`;
  const rateLimit = status === 429 ? parseRateLimit(response.headers) : undefined;
  const hint = apiErrorHint({
    status,
    method,
    path,
    errorCode: body?.errorCode,
    errorCauses: body?.errorCauses,
    challengeError,
    challengeDescription,
    challengeScope: challenge?.params['scope'],
    resetAt: rateLimit?.resetAt,
    limit: rateLimit?.limit,
    requestId,
  });
  if (status === 429) {
    return new RateLimitError(
      message,
      { ...details, resetAt: rateLimit?.resetAt, limit: rateLimit?.limit },
      { hint, response },
    );
  }
  return new OktaApiError(message, details, { hint, response });
}

interface OktaErrorBody {
  errorCode: string | undefined;
  errorSummary: string | undefined;
  errorId: string | undefined;
  errorCauses: { errorSummary: string }[] | undefined;
}

/** Okta's error object, if the body is one (403 insufficient_scope and DPoP refusals have an empty body). */
function parseErrorBody(text: string): OktaErrorBody | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const causes = Array.isArray(o['errorCauses'])
    ? o['errorCauses']
        .map((c: unknown) => str((c as Record<string, unknown> | null)?.['errorSummary']))
        .filter((s): s is string => s !== undefined)
        .map((errorSummary) => ({ errorSummary }))
    : undefined;
  return {
    errorCode: str(o['errorCode']),
    errorSummary: str(o['errorSummary']),
    errorId: str(o['errorId']),
    errorCauses: causes,
  };
}

/** A refused or incomplete DPoP proof: 400/401 `invalid_dpop_proof`, `use_dpop_nonce`, or an error about DPoP. */
function isDpopRefusal(status: number, challenge: AuthChallenge | undefined): boolean {
  if (status !== 400 && status !== 401) return false;
  const error = challenge?.params['error'];
  if (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') return true;
  const description = challenge?.params['error_description'] ?? '';
  return (error === 'invalid_request' || error === 'invalid_token') && /DPoP/.test(description);
}
