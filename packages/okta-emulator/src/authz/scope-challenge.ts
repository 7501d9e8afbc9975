/**
 * Scope checks and the insufficient-scope challenge Okta sends with a 403 at `/api/v1`.
 */
import { ChallengeResponse } from '../lib/errors.js';
import type { Principal } from './principal.js';
import { buildChallenge } from '../oauth/challenge.js';

/** True when the token carries at least one of `anyOf`. */
export function hasAnyScope(scopes: readonly string[], anyOf: readonly string[]): boolean {
  for (const s of anyOf) if (scopes.includes(s)) return true;
  return false;
}

/**
 * The `WWW-Authenticate` value of an insufficient-scope 403: scheme `Bearer` or
 * `DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512"`, then authorization_uri and realm with `http://` and
 * the org host (even on https orgs), one scope name, the error, its description and the request path.
 * @example insufficientScopeChallenge('Bearer', 'https://example.okta.com', 'okta.users.read', '/api/v1/users')
 */
export function insufficientScopeChallenge(
  scheme: 'Bearer' | 'DPoP',
  orgUrl: string,
  scope: string,
  resource: string,
): string {
  return buildChallenge({
    scheme,
    orgUrl,
    scope,
    error: 'insufficient_scope',
    errorDescription: 'The access token provided does not contain the required scopes.',
    resource,
  });
}

/**
 * The insufficient-scope 403, to throw: empty body, information only in `WWW-Authenticate`.
 *
 * @example
 * throw insufficientScope(principal, state.orgUrl, 'okta.users.read', '/api/v1/users');
 */
export function insufficientScope(
  principal: Extract<Principal, { kind: 'oauth' }>,
  orgUrl: string,
  scope: string,
  resource: string,
): ChallengeResponse {
  return new ChallengeResponse(403, {
    'www-authenticate': insufficientScopeChallenge(principal.scheme, orgUrl, scope, resource),
  });
}
