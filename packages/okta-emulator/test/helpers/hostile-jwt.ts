/**
 * Arbitraries and checks for the hostile-input property tests of the token endpoint and the API-auth hook:
 * JSON values of the wrong type, compact JWTs with hostile members (optionally signed with a real key so
 * the checks after the signature run), malformed JWKs, and the two error-body shapes.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';

/** A string far past every length limit the emulator has for JWTs and claims. */
export const HUGE = 'A'.repeat(20_000);

/** base64url of JSON, or of raw text/bytes. */
export function b64u(value: unknown): string {
  if (typeof value === 'string') return Buffer.from(value).toString('base64url');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64url');
  return Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');
}

/** JSON values of the wrong type for any claim: numbers, arrays, objects, odd strings, huge and unicode text. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    1e300,
    -1e300,
    0,
    -1,
    0.5,
    Number.MAX_SAFE_INTEGER + 2,
    null,
    true,
    false,
    '',
    'NaN',
    'Infinity',
    '1e300',
    'none',
    'x'.repeat(5000),
    '\u0000',
    '\ud800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  ),
  // Objects whose string conversion throws or lies, as JSON.parse would hand them over.
  fc.constantFrom<unknown>(
    { toString: 1 },
    { toString: 'x', valueOf: 'y' },
    JSON.parse('{"__proto__":{"x":1}}'),
    { constructor: {} },
  ),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.object({ maxDepth: 2, maxKeys: 4 }),
);

/**
 * A claim that is valid with probability `p` (default four times in five) and hostile or absent otherwise, so that generated tokens often get
 * past the early checks and exercise the later ones.
 */
export function mostlyValid<T>(valid: fc.Arbitrary<T>, p = 0.8): fc.Arbitrary<unknown> {
  return usually(valid, fc.oneof(hostileValue, fc.constant(undefined)), p);
}

/**
 * `common` with probability `p` (default 0.8), else `rare`. Drawn with a uniform die rather than a weighted
 * `fc.oneof`, whose depth bias makes the rare branch far more frequent inside nested records.
 */
export function usually<T, U>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<U>, p = 0.8): fc.Arbitrary<T | U> {
  return fc
    .tuple(fc.constantFrom(...Array.from({ length: 20 }, (_, i) => i)), common, rare)
    .map(([die, c, r]) => (die < p * 20 ? c : r));
}

/** A JSON object without its undefined members. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** How a structured token's third segment is made. */
export type SignatureMode = 'real' | 'random' | 'empty' | 'garbage';

/** Signature modes, real ones most often. */
export const signatureMode: fc.Arbitrary<SignatureMode> = fc.oneof(
  { weight: 7, arbitrary: fc.constant<SignatureMode>('real') },
  { weight: 1, arbitrary: fc.constantFrom<SignatureMode>('random', 'empty', 'garbage') },
);

/**
 * Assembles a compact JWS from hostile parts. `real` signs with `key` (RS256 for RSA, ES256 in JOSE's raw
 * r||s form for EC) whatever `alg` the header claims.
 */
export function compactJwt(header: unknown, payload: unknown, mode: SignatureMode, key: KeyObject): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  let signature: string;
  if (mode === 'real') {
    signature = (
      key.asymmetricKeyType === 'ec'
        ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
        : sign('sha256', Buffer.from(input), key)
    ).toString('base64url');
  } else if (mode === 'random') {
    signature = randomBytes(256).toString('base64url');
  } else if (mode === 'garbage') {
    signature = '!!not*base64url';
  } else {
    signature = '';
  }
  return `${input}.${signature}`;
}

/** Random strings, three random base64url segments, and JWT-ish near misses. */
export const garbageToken: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc
    .tuple(
      fc.uint8Array({ maxLength: 120 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 80 }),
    )
    .map((parts) => parts.map((p) => b64u(p)).join('.')),
  fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
    .map(([h, p]) => `${b64u(h)}.${b64u(p)}.${b64u('sig')}`),
  fc.constantFrom('.', '..', '...', 'a.b', 'a.b.c.d', 'e30.e30.', 'e30.e30.e30', '.e30.e30', HUGE),
);

/** JWKs that are malformed in the ways a hostile client would try. `real` is a valid public JWK to mutate. */
export function malformedJwk(real: Record<string, unknown>): fc.Arbitrary<unknown> {
  const b64 = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((u) => b64u(u));
  return fc.oneof(
    hostileValue,
    // Wrong or hostile kty on otherwise real members.
    fc
      .oneof(fc.constantFrom('oct', 'OKP', 'rsa', 'ec', '', 'RSA', 'EC'), hostileValue)
      .map((kty) => ({ ...real, kty })),
    // A required member missing or of the wrong type.
    fc
      .tuple(fc.constantFrom('kty', 'crv', 'x', 'y', 'n', 'e'), fc.option(hostileValue, { nil: undefined }))
      .map(([member, value]) => defined({ ...real, [member]: value })),
    // Private or symmetric members.
    fc
      .tuple(fc.constantFrom('d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'), hostileValue)
      .map(([member, value]) => ({ ...real, [member]: value })),
    // Huge RSA moduli and odd exponents.
    fc
      .tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom('AQAB', 'AA', '', 'AQ', '____'))
      .map(([len, e]) => ({ kty: 'RSA', n: 'z'.repeat(len), e })),
    // EC points that are not on the curve, on the wrong curve, or of the wrong length.
    fc
      .tuple(fc.constantFrom('P-256', 'P-384', 'P-521', 'secp256k1', 'X25519', ''), b64(32), b64(32))
      .map(([crv, x, y]) => ({ kty: 'EC', crv, x, y })),
    fc.tuple(b64(48), b64(31)).map(([x, y]) => ({ kty: 'EC', crv: 'P-256', x, y })),
    fc.constant({ kty: 'EC', crv: 'P-256', x: b64u(Buffer.alloc(32)), y: b64u(Buffer.alloc(32)) }),
  );
}

/** True for an OAuth error body: exactly `{error, error_description}`, both strings. */
export function isOAuthErrorBody(text: string): boolean {
  const body = JSON.parse(text) as Record<string, unknown>;
  return (
    Object.keys(body).length === 2 &&
    typeof body.error === 'string' &&
    body.error.length > 0 &&
    typeof body.error_description === 'string'
  );
}

/** True for Okta's error object. */
export function isOktaErrorBody(text: string): boolean {
  const body = JSON.parse(text) as Record<string, unknown>;
  return (
    typeof body.errorCode === 'string' &&
    /^E\d{7}$/.test(body.errorCode) &&
    typeof body.errorSummary === 'string' &&
    body.errorLink === body.errorCode &&
    typeof body.errorId === 'string' &&
    /^oae/.test(body.errorId) &&
    Array.isArray(body.errorCauses)
  );
}
