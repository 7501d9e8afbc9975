/**
 * The rules for an app's public keys (JWKS): which JWKs are accepted, how many keys an app may hold, and
 * the errors Okta gives when a key is refused.
 */
import { createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { OktaApiError } from '../../lib/errors.js';
import { hasPrivateMembers } from '../../lib/jws.js';
import type { AppKey, PublicJwk } from '../org-records.js';

/** Most signing keys an app may hold (management.yaml `ErrorClientJsonWebKeyTooManyKids`). */
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
  invalidUse: "Invalid value specified for key 'use' parameter",
  // Not in Okta's examples; the emulator's wording for keys it cannot use.
  invalidKey: "The 'jwks' contains a key that is not a valid RSA or EC public key.",
  privateKey: "The 'jwks' must contain only public keys.",
  rsaTooLong: "RSA key length in the 'jwks' is more than '4,096' bits for the given key.",
  rsaExponent: "RSA keys in the 'jwks' must use the public exponent 65537 ('AQAB').",
  foreignMembers: "A key in the 'jwks' has members that do not belong to its 'kty'.",
  invalidX5c: "The 'x5c' of a key in the 'jwks' is not a chain of base64 DER certificates for that key.",
} as const;

/** E0000001 "Api validation failed: JsonWebKey" with one cause. */
export function jwkError(cause: string): OktaApiError {
  return new OktaApiError('E0000001', { summaryArgs: ['JsonWebKey'], causes: [cause] });
}

/** Curves Okta accepts for EC keys, with the length of a coordinate in bytes. */
const EC_CURVES: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const SIGNING_ALGS = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']);
/** Unpadded base64url, as RFC 7518 requires for key members. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Members each key type may carry besides the common ones (RFC 7517 / 7518). */
const COMMON_MEMBERS = new Set([
  'kty',
  'kid',
  'alg',
  'use',
  'key_ops',
  'x5c',
  'x5t',
  'x5t#S256',
  'x5u',
  'status',
]);
const TYPE_MEMBERS: Readonly<Record<string, ReadonlySet<string>>> = {
  RSA: new Set(['n', 'e']),
  EC: new Set(['crv', 'x', 'y']),
};
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 4096;

/** The bytes of an unpadded base64url member, or undefined when it is not one. */
function base64url(value: string | undefined): Buffer | undefined {
  if (value === undefined || !BASE64URL.test(value) || value.length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64url');
}

/**
 * Checks one submitted JWK the way Okta does and returns the public members Okta stores. Refuses private
 * material, unknown key types, members of another key type, malformed base64url, RSA keys outside 2048–4096
 * bits or with an exponent other than 65537, EC keys off the P-256/384/521 curves or not on them, a `use`
 * other than `sig`, and an `x5c` that is not a certificate chain for the key (E0000001 with Okta's cause).
 */
export function parsePublicJwk(input: unknown): PublicJwk {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw jwkError(JWK_CAUSES.invalidKey);
  const jwk = input as Record<string, unknown>;
  if (hasPrivateMembers(jwk)) throw jwkError(JWK_CAUSES.privateKey);
  const own = (k: string): unknown => (Object.hasOwn(jwk, k) ? jwk[k] : undefined);
  const str = (k: string): string | undefined => {
    const v = own(k);
    return typeof v === 'string' ? v : undefined;
  };
  const kty = own('kty');
  const members = typeof kty === 'string' ? TYPE_MEMBERS[kty] : undefined;
  if (members === undefined || !Object.hasOwn(TYPE_MEMBERS, kty as string))
    throw jwkError(JWK_CAUSES.invalidKey);
  for (const name of Object.keys(jwk)) {
    if (COMMON_MEMBERS.has(name) || members.has(name)) continue;
    if (Object.values(TYPE_MEMBERS).some((m) => m.has(name))) throw jwkError(JWK_CAUSES.foreignMembers);
  }
  const kid = str('kid');
  const alg = str('alg');
  const use = str('use');
  if (own('kid') !== undefined && (kid === undefined || kid.length === 0 || kid.length > 1024)) {
    throw jwkError(JWK_CAUSES.invalidKey);
  }
  if (own('use') !== undefined && use !== 'sig') throw jwkError(JWK_CAUSES.invalidUse);
  if (own('alg') !== undefined && (alg === undefined || !SIGNING_ALGS.has(alg)))
    throw jwkError(JWK_CAUSES.invalidKey);
  let out: PublicJwk;
  if (kty === 'RSA') {
    const n = str('n');
    const e = str('e');
    const modulus = base64url(n);
    if (!n || !e || !modulus || !base64url(e)) throw jwkError(JWK_CAUSES.invalidKey);
    if (e !== 'AQAB') throw jwkError(JWK_CAUSES.rsaExponent);
    // Leading zero bytes do not count towards the key size.
    let start = 0;
    while (start < modulus.length && modulus[start] === 0) start++;
    const bytes = modulus.length - start;
    if (bytes * 8 < MIN_RSA_BITS) throw jwkError(JWK_CAUSES.rsaTooShort);
    if (bytes * 8 > MAX_RSA_BITS) throw jwkError(JWK_CAUSES.rsaTooLong);
    out = { kty: 'RSA', e, n };
  } else {
    const crv = str('crv');
    const x = str('x');
    const y = str('y');
    const size = crv !== undefined && Object.hasOwn(EC_CURVES, crv) ? EC_CURVES[crv] : undefined;
    if (!crv || size === undefined || !x || !y) throw jwkError(JWK_CAUSES.invalidKey);
    if (base64url(x)?.length !== size || base64url(y)?.length !== size) throw jwkError(JWK_CAUSES.invalidKey);
    out = { kty: 'EC', crv, x, y };
  }
  let key: KeyObject;
  try {
    // Node checks that an EC point lies on its curve and that an RSA key is well formed.
    key = createPublicKey({ key: out as JsonWebKey, format: 'jwk' });
  } catch {
    throw jwkError(JWK_CAUSES.invalidKey);
  }
  if (out.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
    throw jwkError(JWK_CAUSES.rsaTooShort);
  if (alg !== undefined && (alg.startsWith('ES') ? 'EC' : 'RSA') !== out.kty)
    throw jwkError(JWK_CAUSES.invalidKey);
  if (own('x5c') !== undefined) checkX5c(own('x5c'), key);
  return { ...(kid !== undefined ? { kid } : {}), ...out, ...(alg ? { alg } : {}), ...(use ? { use } : {}) };
}

/** An `x5c` must be a non-empty array of base64 DER certificates, the first one certifying `key`. */
function checkX5c(value: unknown, key: KeyObject): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) throw jwkError(JWK_CAUSES.invalidX5c);
  const certificates: X509Certificate[] = [];
  for (const entry of value) {
    if (typeof entry !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry) || entry.length % 4 !== 0)
      throw jwkError(JWK_CAUSES.invalidX5c);
    try {
      certificates.push(new X509Certificate(Buffer.from(entry, 'base64')));
    } catch {
      throw jwkError(JWK_CAUSES.invalidX5c);
    }
  }
  if (!certificates[0]!.publicKey.equals(key)) throw jwkError(JWK_CAUSES.invalidX5c);
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
