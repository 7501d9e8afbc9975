/**
 * The `WWW-Authenticate` challenges Okta sends at `/api/v1`: Bearer or DPoP, with the error, its
 * description, scope and resource, and the resource-server nonce challenge.
 */
import { DPOP_ALGS_PARAM } from './algorithms.js';

/** What goes into a resource-server `WWW-Authenticate` challenge. */
export interface ChallengeOptions {
  /** `Bearer`, or `DPoP` (adds `algs="RS256 … ES512"` first, as Okta does). */
  scheme: 'Bearer' | 'DPoP';
  /** The org URL (`http://127.0.0.1:port`); realm and authorization_uri use `http://` + its host, like Okta. */
  orgUrl: string;
  error: string;
  errorDescription: string;
  /** The request path without query (`resource="/api/v1/users"`). */
  resource: string;
  /** A required scope, for `insufficient_scope`. */
  scope?: string;
}

/**
 * Builds Okta's `WWW-Authenticate` value for `/api/v1` OAuth failures, e.g.
 * `Bearer authorization_uri="http://{org}/oauth2/v1/authorize", realm="http://{org}", scope="okta.users.read",
 * error="insufficient_scope", error_description="…", resource="/api/v1/users"`.
 *
 * @example
 * reply.header('www-authenticate', buildChallenge({ scheme: 'Bearer', orgUrl, error: 'insufficient_scope',
 *   errorDescription: 'The access token provided does not contain the required scopes.',
 *   resource: '/api/v1/users', scope: 'okta.users.read' }));
 */
export function buildChallenge(options: ChallengeOptions): string {
  const host = safeHost(options.orgUrl);
  const params: string[] = [];
  if (options.scheme === 'DPoP') params.push(`algs="${DPOP_ALGS_PARAM}"`);
  params.push(`authorization_uri="http://${host}/oauth2/v1/authorize"`, `realm="http://${host}"`);
  if (options.scope !== undefined) params.push(`scope="${quote(options.scope)}"`);
  params.push(
    `error="${quote(options.error)}"`,
    `error_description="${quote(options.errorDescription)}"`,
    `resource="${quote(options.resource)}"`,
  );
  return `${options.scheme} ${params.join(', ')}`;
}

/**
 * `error_description` of a resource server's nonce demand: RFC 9449's example text. Okta's catalogue only has
 * the authorization server's ("Authorization server requires nonce in DPoP proof."), as Okta does not demand
 * nonces at `/api/v1`; the emulator's opt-in resource-nonce mode uses this one.
 */
export const RESOURCE_NONCE_DESCRIPTION = 'Resource server requires nonce in DPoP proof.';

/**
 * The `WWW-Authenticate` value of a resource server's nonce demand (RFC 9449), sent with 401 and a
 * `DPoP-Nonce` header: `DPoP algs="RS256 … ES512", error="use_dpop_nonce", error_description="…"`.
 *
 * @example
 * reply.code(401).header('www-authenticate', buildNonceChallenge()).header('dpop-nonce', nonce).send();
 */
export function buildNonceChallenge(): string {
  return `DPoP algs="${DPOP_ALGS_PARAM}", error="use_dpop_nonce", error_description="${RESOURCE_NONCE_DESCRIPTION}"`;
}

function safeHost(orgUrl: string): string {
  try {
    return new URL(orgUrl).host;
  } catch {
    return orgUrl;
  }
}

/** Keeps header values well-formed: no quotes, backslashes or control characters from request data. */
function quote(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch !== '"' && ch !== '\\' && code >= 0x20 && code !== 0x7f) out += ch;
  }
  return out;
}
