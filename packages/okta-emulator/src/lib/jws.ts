/**
 * Compact JWS helpers: parse without verifying, verify a signature against a JWK, RFC 7638 thumbprints,
 * SHA-256 base64url, and spotting private members in a JWK.
 */
import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** Longest compact JWT the emulator will even try to parse (client assertions and proofs are ~1 KB). */
export const MAX_JWT_LENGTH = 16_384;

/** A compact JWS split into its decoded parts. Nothing here is verified. */
export interface ParsedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * Decodes a compact JWS (three base64url parts, JSON-object header and payload) without verifying it.
 * Returns undefined for anything else, so callers map every kind of garbage to one "cannot be parsed" error.
 */
export function parseCompactJwt(token: string): ParsedJwt | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_JWT_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) return undefined;
  const header = decodeHeader(parts[0]);
  const payload = decodeJsonObject(parts[1]);
  if (!header || !payload) return undefined;
  return { header, payload };
}

/**
 * Decoded headers by their base64url text. Every DPoP proof from one key carries the same header text (and
 * every client assertion from one app key), so decoding it once saves a base64 decode and a JSON.parse per
 * request. The decoded header is a pure function of its text; cached headers are deeply frozen so no caller can
 * change what another sees. Bounded like the key cache; long headers are not cached.
 */
const headerCache = new Map<string, Record<string, unknown>>();
const MAX_CACHED_HEADERS = 1024;
const MAX_CACHED_HEADER_LENGTH = 2048;

function decodeHeader(part: string): Record<string, unknown> | undefined {
  const cached = headerCache.get(part);
  if (cached) return cached;
  const header = decodeJsonObject(part);
  if (header && part.length <= MAX_CACHED_HEADER_LENGTH) {
    if (headerCache.size >= MAX_CACHED_HEADERS) headerCache.clear();
    headerCache.set(part, deepFreeze(header));
  }
  return header;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** base64url(SHA-256(value)), as used for DPoP `ath`. */
export function sha256b64u(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest('base64url');
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA or EC public key; undefined when a required
 * member is missing or not a string.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  // A frozen JWK (from a cached proof header) cannot change, so its thumbprint is computed once: a DPoP proof
  // needs it twice per request (for `cnf.jkt` and the key cache).
  if (!Object.isFrozen(jwk)) return computeThumbprint(jwk);
  if (!thumbprints.has(jwk)) thumbprints.set(jwk, computeThumbprint(jwk));
  return thumbprints.get(jwk);
}

const thumbprints = new WeakMap<object, string | undefined>();

function computeThumbprint(jwk: Record<string, unknown>): string | undefined {
  let canonical: string;
  if (jwk.kty === 'RSA') {
    if (typeof jwk.e !== 'string' || typeof jwk.n !== 'string') return undefined;
    canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  } else if (jwk.kty === 'EC') {
    if (typeof jwk.crv !== 'string' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string')
      return undefined;
    canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  } else {
    return undefined;
  }
  return createHash('sha256').update(canonical).digest('base64url');
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** True when a JWK carries private or symmetric key material. */
export function hasPrivateMembers(jwk: Record<string, unknown>): boolean {
  return PRIVATE_MEMBERS.some((m) => m in jwk);
}

const keyCache = new Map<string, KeyObject>();

/**
 * Builds a public KeyObject from an RSA or EC JWK, cached by thumbprint so hot paths (every DPoP proof, every
 * assertion) do not re-import. Throws on a malformed key.
 */
export function publicKeyFromJwk(jwk: Record<string, unknown>): KeyObject {
  const thumb = jwkThumbprint(jwk);
  const cached = thumb ? keyCache.get(thumb) : undefined;
  if (cached) return cached;
  const { kty, n, e, crv, x, y } = jwk as Record<string, string | undefined>;
  const clean = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y };
  const key = createPublicKey({ key: clean as JsonWebKey, format: 'jwk' });
  if (thumb) {
    if (keyCache.size >= 4096) keyCache.clear();
    keyCache.set(thumb, key);
  }
  return key;
}

const HASH: Record<string, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};
const CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** Why a signature check failed: the key does not fit the algorithm, or the signature is wrong. */
export type VerifyOutcome = 'ok' | 'alg-mismatch' | 'bad-signature';

/**
 * Verifies a compact JWS signature with `alg` (RS/ES 256/384/512) synchronously with node:crypto.
 * RSA keys must be at least 2048 bits; EC keys must be on the algorithm's curve.
 */
export function verifyCompactJws(token: string, alg: string, key: KeyObject): VerifyOutcome {
  const hash = HASH[alg];
  if (!hash) return 'alg-mismatch';
  const details = key.asymmetricKeyDetails;
  if (alg.startsWith('RS')) {
    if (key.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048) return 'alg-mismatch';
  } else if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== CURVE[alg]) {
    return 'alg-mismatch';
  }
  const dot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  try {
    const ok = alg.startsWith('ES')
      ? verify(hash, Buffer.from(token.slice(0, dot)), { key, dsaEncoding: 'ieee-p1363' }, signature)
      : verify(hash, Buffer.from(token.slice(0, dot)), key, signature);
    return ok ? 'ok' : 'bad-signature';
  } catch {
    return 'bad-signature';
  }
}
