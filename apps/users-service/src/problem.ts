/**
 * Problem details (RFC 9457, `application/problem+json`): the one shape of every error this service answers,
 * and the mapping from the library's errors to it. A problem carries the library's error code and hint, Okta's
 * error code and request id when there is one, and never a token, a key or Okta's raw challenge.
 */
import {
  CircuitOpenError,
  ClosedError,
  InvalidArgumentError,
  NetworkError,
  OAuthError,
  OktaApiError,
  OktaM2MError,
  RateLimitError,
  TimeoutError,
} from 'okta-m2m';

/** The media type of every error body. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A problem body.
 * @example
 * const p: Problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'No such user.' };
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The library's stable error code (`OKTA_M2M_*`) or the service's own (`USERS_SERVICE_*`). */
  code?: string;
  /** What to do about it. */
  hint?: string;
  /** Okta's error code, e.g. `E0000007`. */
  oktaErrorCode?: string;
  /** Okta's `X-Okta-Request-Id`, to quote to Okta support. */
  oktaRequestId?: string;
  /** This service's request id. */
  requestId?: string;
}

/** A problem with the response headers it needs (`Retry-After`, `WWW-Authenticate`). */
export interface MappedProblem {
  problem: Problem;
  headers: Record<string, string>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Make a problem.
 * @example
 * problem(403, 'This API key may only read users.', { code: 'USERS_SERVICE_FORBIDDEN' })
 */
export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

/** Seconds until `at` (ms since epoch), at least 1. */
function secondsUntil(at: number | undefined, now: number, fallback: number): string {
  if (at === undefined || !Number.isFinite(at)) return String(fallback);
  return String(Math.max(1, Math.ceil((at - now) / 1000)));
}

/**
 * Map a library error to the answer this service gives. Okta's 404 → 404; Okta refusing the service (401/403,
 * the token endpoint refusing the app, a missing scope or role) → 502 with the hint, since the service is
 * misconfigured and not the caller; a rate limit or an open breaker → 503 with `Retry-After`; a timeout → 504;
 * other upstream failures → 502; a bad argument or a search Okta refuses → 400.
 * @example
 * const { problem, headers } = mapUpstreamError(error, Date.now());
 */
export function mapUpstreamError(error: OktaM2MError, now: number): MappedProblem {
  const base = { code: error.code, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  if (error instanceof InvalidArgumentError) {
    return { problem: problem(400, error.message, base), headers: {} };
  }
  if (error instanceof RateLimitError) {
    return {
      problem: problem(503, 'Okta rate-limited this service; try again after the Retry-After delay.', {
        ...base,
        ...oktaDetails(error),
      }),
      headers: { 'retry-after': secondsUntil(error.resetAt, now, 60) },
    };
  }
  if (error instanceof CircuitOpenError) {
    return {
      problem: problem(
        503,
        'Okta failed repeatedly; calls are paused until it has had time to recover.',
        base,
      ),
      headers: { 'retry-after': secondsUntil(error.retryAt, now, 30) },
    };
  }
  if (error instanceof ClosedError) {
    return { problem: problem(503, 'The service is shutting down.', base), headers: { 'retry-after': '1' } };
  }
  if (error instanceof TimeoutError) {
    return { problem: problem(504, 'Okta did not answer in time.', base), headers: {} };
  }
  if (error instanceof OktaApiError) {
    const details = { ...base, ...oktaDetails(error) };
    if (error.status === 404) {
      return { problem: problem(404, error.errorSummary ?? 'Not found in Okta.', details), headers: {} };
    }
    if (error.status === 400) {
      return {
        problem: problem(400, error.errorSummary ?? 'Okta refused the request.', details),
        headers: {},
      };
    }
    if (error.status === 401 || error.status === 403) {
      return {
        problem: problem(
          502,
          `Okta refused this service's credentials (${error.status}); the service's Okta app needs fixing, not your request.`,
          details,
        ),
        headers: {},
      };
    }
    return { problem: problem(502, `Okta answered ${error.status}.`, details), headers: {} };
  }
  if (error instanceof OAuthError) {
    return {
      problem: problem(
        502,
        `Okta's token endpoint refused this service (${error.error}); the service's Okta app needs fixing.`,
        { ...base, ...(error.requestId === undefined ? {} : { oktaRequestId: error.requestId }) },
      ),
      headers: {},
    };
  }
  if (error instanceof NetworkError) {
    return { problem: problem(502, 'Okta could not be reached.', base), headers: {} };
  }
  return { problem: problem(502, 'The call to Okta failed.', base), headers: {} };
}

function oktaDetails(error: OktaApiError): Partial<Problem> {
  return {
    ...(error.errorCode === undefined ? {} : { oktaErrorCode: error.errorCode }),
    ...(error.requestId === undefined ? {} : { oktaRequestId: error.requestId }),
  };
}
