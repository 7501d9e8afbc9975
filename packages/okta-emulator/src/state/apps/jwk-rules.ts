/**
 * The rules for an app's public keys (JWKS): which JWKs are accepted, how many keys an app may hold, and
 * the errors Okta gives when a key is refused.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { OktaApiError } from '../../lib/errors.js';
import { hasPrivateMembers } from '../../lib/jws.js';
import type { AppKey, PublicJwk } from '../org-records.js';

/** Most signing keys an app may hold (, management.yaml `ErrorClientJsonWebKeyTooManyKids`). */
export const MAX_APP_KEYS = 50;

/** Okta's cause texts for JWKS rule violations (management.yaml error examples, verbatim). */
export const JWK_CAUSES = {
  duplicateKid: "All keys in the 'jwks' must have a unique `kid`.",
  nonUniqueKid:
    'Each key should have a unique kid when adding multiple keys. Use the Apps API to update the JWKS to add a kid for the existing key, or delete the existing key and re-add the key with a kid using the JWKS APIs.',
  rsaTooShort: "RSA key length in the 'jwks' is less than '2,048' bits for the given key.",
  tooMany:
    "You can't create a new key. You have reached the maximum number of keys allowed (50). To add another key, you must first delete an existing one.",
  deleteActive: "You can't delete an active JSON Web key. Deactivate the key before deleting it.",
  deactivateOnly:
    "Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is `private_key_jwt`.",
  // Not in Okta's examples; the emulator's wording for keys it cannot use.
  invalidKey: "The 'jwks' contains a key that is not a valid RSA or EC public key.",
  privateKey: "The 'jwks' must contain only public keys.",
} as const;

/** E0000001 "Api validation failed: JsonWebKey" with one cause. */
export function jwkError(cause: string): OktaApiError {
  return new OktaApiError('E0000001', { summaryArgs: ['JsonWebKey'], causes: [cause] });
}

const EC_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const SIGNING_ALGS = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);

/**
 * Checks one submitted JWK and returns the public members Okta stores. Refuses private material, unknown
 * key types, malformed keys and RSA keys under 2048 bits (E0000001 with Okta's cause).
 */
export function parsePublicJwk(input: unknown): PublicJwk {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw jwkError(JWK_CAUSES.invalidKey);
  const jwk = input as Record<string, unknown>;
  if (hasPrivateMembers(jwk)) throw jwkError(JWK_CAUSES.privateKey);
  const str = (k: string): string | undefined =>
    typeof jwk[k] === 'string' ? (jwk[k] as string) : undefined;
  const kid = str('kid');
  const alg = str('alg');
  const use = str('use');
  if (jwk.kid !== undefined && (kid === undefined || kid.length === 0 || kid.length > 1024)) {
    throw jwkError(JWK_CAUSES.invalidKey);
  }
  if (alg !== undefined && !SIGNING_ALGS.has(alg)) throw jwkError(JWK_CAUSES.invalidKey);
  let out: PublicJwk;
  if (jwk.kty === 'RSA') {
    const n = str('n');
    const e = str('e');
    if (!n || !e) throw jwkError(JWK_CAUSES.invalidKey);
    out = { kty: 'RSA', e, n };
  } else if (jwk.kty === 'EC') {
    const crv = str('crv');
    const x = str('x');
    const y = str('y');
    if (!crv || !EC_CURVES.has(crv) || !x || !y) throw jwkError(JWK_CAUSES.invalidKey);
    out = { kty: 'EC', crv, x, y };
  } else {
    throw jwkError(JWK_CAUSES.invalidKey);
  }
  let bits: number | undefined;
  try {
    const key = createPublicKey({ key: out as JsonWebKey, format: 'jwk' });
    bits = key.asymmetricKeyDetails?.modulusLength;
  } catch {
    throw jwkError(JWK_CAUSES.invalidKey);
  }
  if (out.kty === 'RSA' && (bits ?? 0) < 2048) throw jwkError(JWK_CAUSES.rsaTooShort);
  if (alg !== undefined && (alg.startsWith('ES') ? 'EC' : 'RSA') !== out.kty)
    throw jwkError(JWK_CAUSES.invalidKey);
  return { ...(kid !== undefined ? { kid } : {}), ...out, ...(alg ? { alg } : {}), ...(use ? { use } : {}) };
}

/**
 * Okta's rules for adding a key to an app's JWKS: no key may lack a `kid` once there are several, `kid`s are
 * unique, at most 50 keys.
 */
export function checkCanAdd(existing: readonly AppKey[], incoming: PublicJwk): void {
  if (existing.length >= MAX_APP_KEYS) throw jwkError(JWK_CAUSES.tooMany);
  if (existing.length > 0 && (incoming.kid === undefined || existing.some((k) => k.jwk.kid === undefined))) {
    throw jwkError(JWK_CAUSES.nonUniqueKid);
  }
  if (incoming.kid !== undefined && existing.some((k) => k.jwk.kid === incoming.kid)) {
    throw jwkError(JWK_CAUSES.duplicateKid);
  }
}
