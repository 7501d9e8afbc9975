/**
 * The private_key_jwt client assertion (RFC 7523, Okta's rules): header `alg`, `kid` (only when a key id is known: never a guessed one), `typ: JWT`; claims
 * `iss` = `sub` = client id, `aud` = the token endpoint URL (a single string; Okta refuses the issuer), `iat`,
 * `exp` = `iat` + lifetime (at most one hour), and a fresh `jti` per call: Okta treats an assertion with a `jti`
 * as single-use, so every token request, retries included, signs a new one.
 */
import { SignJWT } from 'jose';
import type { SigningKey } from './keys.js';

/**
 * Longest assertion lifetime the library signs (seconds): Okta refuses an `exp` more than one hour (3600 s) ahead
 * of its own clock, so 3300 leaves a 5-minute margin for a host clock that runs fast.
 * @example
 * const lifetimeSeconds = Math.min(600, MAX_ASSERTION_LIFETIME_SECONDS);
 */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3300;

/**
 * Inputs of one assertion. `now` and `jti` are injected so tests are deterministic.
 * @example
 * const claims: ClientAssertionClaims = { clientId, audience: tokenUrl, lifetimeSeconds: 300, now: Date.now(), jti: randomUUID() };
 */
export interface ClientAssertionClaims {
  clientId: string;
  /** The token endpoint URL. */
  audience: string;
  /** Seconds until `exp`; 1..3300 ({@link MAX_ASSERTION_LIFETIME_SECONDS}). */
  lifetimeSeconds: number;
  /** Current time, ms since the epoch. */
  now: number;
  /** A unique id; never reuse one. */
  jti: string;
}

/**
 * Sign a client assertion with `key`. Returns the compact JWS. Secret: never log it.
 * @example
 * const assertion = await createClientAssertion(key, {
 *   clientId: '0oa1', audience: 'https://acme.okta.com/oauth2/v1/token',
 *   lifetimeSeconds: 300, now: Date.now(), jti: crypto.randomUUID(),
 * });
 */
export async function createClientAssertion(key: SigningKey, claims: ClientAssertionClaims): Promise<string> {
  const lifetime = Math.floor(claims.lifetimeSeconds);
  if (!(lifetime >= 1 && lifetime <= MAX_ASSERTION_LIFETIME_SECONDS)) {
    throw new RangeError(
      `lifetimeSeconds must be 1..${MAX_ASSERTION_LIFETIME_SECONDS}, got ${claims.lifetimeSeconds}`,
    );
  }
  const iat = Math.floor(claims.now / 1000);
  return new SignJWT({ jti: claims.jti })
    .setProtectedHeader(
      key.kid === undefined ? { alg: key.alg, typ: 'JWT' } : { alg: key.alg, kid: key.kid, typ: 'JWT' },
    )
    .setIssuer(claims.clientId)
    .setSubject(claims.clientId)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(key.keyObject);
}
