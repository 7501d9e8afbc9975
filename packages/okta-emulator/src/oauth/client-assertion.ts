/**
 * private_key_jwt client authentication: the client assertion's checks in Okta's order (parse and `crit`,
 * `alg`, `iss`/`sub`, keys and `kid`, signature, `aud`, `exp`, `iat`, `nbf`, `jti` replay), each failure a
 * catalogue OAuth error.
 */
import type { AuthorizationServerState } from './server-state.js';
import type { AppKey, OidcApp } from '../state/org-records.js';
import { rememberOnce } from '../state/replay-cache.js';
import { isAllowedAlg } from './algorithms.js';
import { parseCompactJwt, publicKeyFromJwk, verifyCompactJws } from '../lib/jws.js';
import { OAuthProtocolError } from '../lib/errors.js';
import { hasCriticalExtensions, isNotYetValid } from './jwt-rules.js';

/** `client_assertion_type` for private_key_jwt. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Clock-skew leeway, in seconds, for the assertion's `exp` and `iat` (Okta does not document one; a
 * minute is the common choice (docs/emulator-coverage.md lists the choice)).
 */
export const ASSERTION_LEEWAY_S = 60;

/** Longest accepted assertion lifetime: `exp` at most one hour after now. */
export const ASSERTION_MAX_LIFETIME_S = 3600;

/**
 * Authenticates a client by its private_key_jwt assertion, applying Okta's checks in order: parse, `alg`
 * allow-list, `iss`/`sub` name a client, the client has keys, `kid` selects an ACTIVE key (optional only
 * when the app holds exactly one key), key `use`, signature, `aud` = the token endpoint, `exp` present,
 * not past, at most 1 h ahead, `iat` and `nbf` not in the future, `jti` single-use; a `crit` header is
 * refused as unparsable. Every failure throws the
 * catalogue's `OAuthProtocolError` (401 `invalid_client`).
 *
 * The `jti` is burnt as soon as the assertion is valid, before DPoP or scope checks, so resending the same
 * assertion in the middle of the DPoP handshake fails (as seen on real orgs).
 */
export function authenticateClientAssertion(
  state: AuthorizationServerState,
  assertion: string,
  audience: string,
): OidcApp {
  const parsed = parseCompactJwt(assertion);
  if (!parsed) throw new OAuthProtocolError('client_assertion_invalid_jwt');
  const { header, payload } = parsed;
  // RFC 7515: a header extension the server does not understand makes the JWS invalid.
  if (hasCriticalExtensions(header)) throw new OAuthProtocolError('client_assertion_invalid_jwt');
  const alg = header.alg;
  if (!isAllowedAlg(alg)) throw new OAuthProtocolError('client_assertion_invalid_signature_algorithm');

  const iss = payload.iss;
  const app = typeof iss === 'string' ? state.apps.get(iss) : undefined;
  if (!app) throw new OAuthProtocolError('client_assertion_invalid_issuer');
  if (payload.sub !== iss) throw new OAuthProtocolError('client_assertion_invalid_subject');
  if (app.status !== 'ACTIVE') throw new OAuthProtocolError('client_assertion_invalid_issuer');
  if (app.tokenEndpointAuthMethod !== 'private_key_jwt') {
    throw new OAuthProtocolError('unsupported_auth_method_client_creds');
  }
  if (app.keys.length === 0) throw new OAuthProtocolError('client_assertion_jwks_not_configured');

  const key = selectKey(app, header.kid);
  if (key.jwk.use !== undefined && key.jwk.use !== 'sig') {
    throw new OAuthProtocolError('client_assertion_invalid_key_use', { args: ['sig'] });
  }
  if (key.jwk.alg !== undefined && key.jwk.alg !== alg) {
    throw new OAuthProtocolError('client_assertion_invalid_signature_algorithm');
  }
  let outcome;
  try {
    outcome = verifyCompactJws(
      assertion,
      alg,
      publicKeyFromJwk(key.jwk as unknown as Record<string, unknown>),
    );
  } catch {
    outcome = 'bad-signature' as const;
  }
  if (outcome === 'alg-mismatch')
    throw new OAuthProtocolError('client_assertion_invalid_signature_algorithm');
  if (outcome !== 'ok') throw new OAuthProtocolError('client_assertion_invalid_signature');

  if (!audienceMatches(payload.aud, audience))
    throw new OAuthProtocolError('client_assertion_invalid_audience');

  const nowMs = state.clock.now();
  const now = nowMs / 1000;
  const exp = payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new OAuthProtocolError('client_assertion_expiration_required');
  }
  if (exp <= now - ASSERTION_LEEWAY_S) throw new OAuthProtocolError('client_assertion_expired_token');
  if (exp > now + ASSERTION_MAX_LIFETIME_S + ASSERTION_LEEWAY_S) {
    throw new OAuthProtocolError('client_assertion_expires_too_far_in_future');
  }
  const iat = payload.iat;
  if (
    iat !== undefined &&
    (typeof iat !== 'number' || !Number.isFinite(iat) || iat > now + ASSERTION_LEEWAY_S)
  ) {
    throw new OAuthProtocolError('client_assertion_issued_at_in_future');
  }
  // RFC 7519 `nbf`: not valid yet. Okta's catalogue has no message of its own for it; "must be issued
  // before the current time" says the same of a JWT from the future.
  if (isNotYetValid(payload, now, ASSERTION_LEEWAY_S)) {
    throw new OAuthProtocolError('client_assertion_issued_at_in_future');
  }
  const jti = payload.jti;
  if (jti !== undefined) {
    // Remember the jti until the assertion could no longer be accepted anyway. A non-string jti is keyed by
    // its JSON text: String() throws on a parsed object such as {"toString":1}.
    const forgetAfter = (exp + ASSERTION_LEEWAY_S) * 1000;
    const key = `${app.id} ${typeof jti === 'string' ? jti : JSON.stringify(jti)}`;
    if (!rememberOnce(state.usedAssertionJtis, key, forgetAfter, nowMs)) {
      throw new OAuthProtocolError('client_assertion_already_used');
    }
  }
  return app;
}

/**
 * The key an assertion names. With a `kid`: the ACTIVE key with that kid. Without one: the app's only key,
 * when it has exactly one and it is ACTIVE. Anything else is "The client_assertion JWT kid is invalid."
 */
function selectKey(app: OidcApp, kid: unknown): AppKey {
  let key: AppKey | undefined;
  if (kid === undefined) {
    key = app.keys.length === 1 ? app.keys[0] : undefined;
  } else if (typeof kid === 'string') {
    key = app.keys.find((k) => k.jwk.kid === kid);
  }
  if (!key || key.status !== 'ACTIVE') throw new OAuthProtocolError('client_assertion_invalid_kid');
  return key;
}

/** `aud` must be exactly the token endpoint: a string, or a one-element array holding it. */
function audienceMatches(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.length === 1 && aud[0] === expected;
}
