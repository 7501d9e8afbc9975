/**
 * Sends one management API call with credentials: every transport attempt gets fresh headers from the
 * RequestAuthorizer (a new DPoP proof each time), credentials go only to the configured org's origin, and three
 * answers get exactly one more try each:
 * - 401 → the token is forgotten (`rejectToken`) and the call is sent again with a new one;
 * - 403 `insufficient_scope` → if `insufficientScope(token)` says a new token may carry the scope, again once;
 * - a DPoP nonce demand (400/401 `use_dpop_nonce` with a `DPoP-Nonce` header) → the nonce is remembered
 *   (`dpopNonce`) and the call is sent again once; a second demand is returned as is (processOktaResponse
 *   turns it into a DpopError), its nonce still remembered for the next call.
 * The final response is returned as is, for processOktaResponse.
 */
import type { AccessToken, RequestAuthorizer } from '../auth/types.js';
import { ForeignOriginError } from '../errors.js';
import { headerValue, headerValues, type HttpRequest, type HttpResponse, type Transport } from './types.js';
import { parseWwwAuthenticate, primaryChallenge } from './www-authenticate.js';

/** Who sends and who authorizes, and where credentials may go. */
export interface AuthorizedContext {
  transport: Transport;
  authorizer: RequestAuthorizer;
  /** The configured org, e.g. `https://example.okta.com` (only its origin is used). */
  orgOrigin: string | URL;
  /** Clock (ms) for the call's overall deadline across re-sends. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** One management API call. */
export interface AuthorizedCall {
  method: HttpRequest['method'];
  /** Absolute URL on the org's origin (pagination links are followed verbatim, so they are checked here). */
  url: URL | string;
  /** A JSON value, serialised here and sent with `Content-Type: application/json`. */
  body?: unknown;
  /** Extra request headers (never `Authorization` or `DPoP`: the authorizer sets those). */
  headers?: Record<string, string> | undefined;
  /** Name for metrics, e.g. `users.get`. */
  operation: string;
  /** Whether transport failures and 5xx may be retried (true for GET; false for writes). */
  retryable: boolean;
  signal?: AbortSignal | undefined;
  deadlineMs?: number | undefined;
}

/**
 * Refuse a URL whose origin is not the org's: returns the URL parsed, or throws ForeignOriginError.
 * @example
 * assertOrgOrigin('https://evil.example/api/v1/users', 'https://example.okta.com') // throws ForeignOriginError
 */
export function assertOrgOrigin(url: URL | string, orgOrigin: string | URL): URL {
  const org = typeof orgOrigin === 'string' ? originOf(orgOrigin) : new URL(orgOrigin).origin;
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw new ForeignOriginError(
      'Refusing to send credentials to a URL that does not parse as an absolute URL.',
      {
        cause: error,
        hint: `Requests must go to the configured org ${org}.`,
      },
    );
  }
  if (target.origin !== org) {
    throw new ForeignOriginError(
      `Refusing to send credentials to ${target.origin}${target.pathname}: it is not the configured Okta org ${org}.`,
      {
        hint: 'A pagination link or URL pointed at another origin. Credentials are only sent to the configured org; check orgUrl (scheme, host and port must match exactly) and any proxy rewriting links.',
      },
    );
  }
  return target;
}

/** The last org string parsed and its origin: a client sends every call to the same org, so this parses once. */
let lastOrg: { input: string; origin: string } | undefined;

function originOf(orgOrigin: string): string {
  if (lastOrg?.input !== orgOrigin) lastOrg = { input: orgOrigin, origin: new URL(orgOrigin).origin };
  return lastOrg.origin;
}

/**
 * Send a call with fresh authorization on every attempt, handling 401, insufficient scope and DPoP nonce demands
 * as described above. Rejects with ForeignOriginError before anything is sent if the URL leaves the org.
 * @example
 * const res = await sendAuthorized({ transport, authorizer, orgOrigin: 'https://example.okta.com' },
 *   { method: 'GET', url: 'https://example.okta.com/api/v1/users/00u1', operation: 'users.get', retryable: true });
 * const user = processOktaResponse(res, { method: 'GET' });
 */
export async function sendAuthorized(ctx: AuthorizedContext, call: AuthorizedCall): Promise<HttpResponse> {
  const url = assertOrgOrigin(call.url, ctx.orgOrigin);
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  let tokenRejected = false;
  let scopeRetried = false;
  let nonceRetried = false;
  // One deadline for the whole call: a re-send after a 401, insufficient_scope or nonce demand gets what is left.
  const clock = ctx.clock ?? Date.now;
  const budget = call.deadlineMs ?? ctx.transport.deadlineMs;
  const started = clock();
  for (;;) {
    let token: AccessToken | undefined;
    const response = await ctx.transport.send(
      async (_attempt, signal) => {
        const authorization = await ctx.authorizer.authorize({ method: call.method, url, signal });
        token = authorization.token;
        const headers: Record<string, string> = { ...call.headers, ...authorization.headers };
        if (body !== undefined) headers['content-type'] = 'application/json';
        return { method: call.method, url, headers, body };
      },
      {
        operation: call.operation,
        retryable: call.retryable,
        signal: call.signal,
        deadlineMs: budget === undefined ? undefined : Math.max(1, budget - (clock() - started)),
      },
    );
    if (token === undefined) return response;

    const nonce = nonceDemand(response);
    if (nonce !== undefined) {
      // Remember even the nonce of a demand that is not retried: it is the server's newest, for the next call.
      ctx.authorizer.dpopNonce(url, nonce);
      if (nonceRetried) return response;
      nonceRetried = true;
      continue;
    }
    if (response.status === 401) {
      if (tokenRejected) return response;
      tokenRejected = true;
      ctx.authorizer.rejectToken(token);
      continue;
    }
    if (response.status === 403 && challengeError(response) === 'insufficient_scope') {
      if (scopeRetried || !ctx.authorizer.insufficientScope(token, challengeScopes(response)))
        return response;
      scopeRetried = true;
      continue;
    }
    return response;
  }
}

function challengeError(response: HttpResponse): string | undefined {
  return primaryChallenge(parseWwwAuthenticate(headerValues(response, 'www-authenticate')))?.params['error'];
}

/** The scopes an insufficient_scope challenge names (`scope="a b"`), if any. */
function challengeScopes(response: HttpResponse): readonly string[] | undefined {
  const scope = primaryChallenge(parseWwwAuthenticate(headerValues(response, 'www-authenticate')))?.params[
    'scope'
  ];
  return scope === undefined ? undefined : scope.split(' ').filter(Boolean);
}

/** The nonce of a `use_dpop_nonce` demand (400 or 401 with a `DPoP-Nonce` header), if this is one. */
function nonceDemand(response: HttpResponse): string | undefined {
  if (response.status !== 400 && response.status !== 401) return undefined;
  const nonce = headerValue(response, 'dpop-nonce');
  if (nonce === undefined || nonce === '') return undefined;
  return challengeError(response) === 'use_dpop_nonce' ? nonce : undefined;
}
