/**
 * The one redaction helper (design rule 9). Everything the library logs passes through {@link redact}; the
 * token side builds its messages without secrets in the first place, and this is the second line of defence
 * for objects that come from elsewhere (responses, user-supplied context, causes of errors).
 *
 * What it removes:
 * - JWT-looking strings (three base64url segments starting with a JSON header: `eyJ...`): access tokens,
 *   client assertions, DPoP proofs;
 * - `Authorization` and `DPoP` header values, `Bearer <x>` / `DPoP <x>` credentials inside strings;
 * - `client_assertion`, `access_token` (and other token/secret fields) by name, also inside form bodies;
 * - PEM blocks (`-----BEGIN ... -----END ...-----`);
 * - the private members of a JWK (`d`, `p`, `q`, `dp`, `dq`, `qi`, and `k` of a symmetric key).
 */

/**
 * What a redacted value is replaced with.
 * @example
 * redact({ access_token: 'x' }) // { access_token: REDACTED }
 */
export const REDACTED = '[REDACTED]';

const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const PEM_PATTERN = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
const CREDENTIAL_PATTERN = /\b(Bearer|DPoP|SSWS)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const FORM_SECRET_PATTERN =
  /\b(client_assertion|access_token|refresh_token|id_token|client_secret|assertion|token)=[^&\s"']+/g;

/** Field names (lower-cased) whose values are always secret. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'client_assertion',
  'clientassertion',
  'access_token',
  'accesstoken',
  'refresh_token',
  'id_token',
  'client_secret',
  'privatekey',
  'private_key',
  'privatekeypem',
  'password',
  'secret',
  'assertion',
  'proof',
  'cookie',
  'set-cookie',
]);

/** JWK members that hold private key material. */
const JWK_PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']);

/**
 * Remove secrets from a string: JWTs, PEM blocks, credentials after an auth scheme, secret form fields.
 * @example
 * redactString('Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig') // 'Authorization: Bearer [REDACTED]'
 */
export function redactString(text: string): string {
  return text
    .replace(PEM_PATTERN, '[REDACTED PEM]')
    .replace(JWT_PATTERN, REDACTED)
    .replace(CREDENTIAL_PATTERN, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(FORM_SECRET_PATTERN, (_m, name: string) => `${name}=${REDACTED}`);
}

/**
 * A deep copy of `value` with every secret replaced by `[REDACTED]`. Errors become plain objects (name, code,
 * message, hint, status fields, cause) so a logger serialises them without their raw responses. Cycles are cut.
 * @example
 * logger.warn(redact({ headers: { authorization: 'Bearer abc.def.ghi' } }), 'token refresh failed');
 */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet(), 0) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (seen.has(value)) return '[Circular]';
  if (depth > 8) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) return redactError(value, seen, depth);
  if (value instanceof URL) return `${value.origin}${value.pathname}`;
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen, depth + 1));
  if (value instanceof Map) {
    return redactRecord(Object.fromEntries(value), seen, depth);
  }
  if (isKeyObjectLike(value)) return REDACTED;
  return redactRecord(value as Record<string, unknown>, seen, depth);
}

function redactRecord(record: Record<string, unknown>, seen: WeakSet<object>, depth: number): object {
  const isJwk = typeof record['kty'] === 'string';
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    const lower = key.toLowerCase();
    if (isJwk && JWK_PRIVATE_MEMBERS.has(key)) out[key] = REDACTED;
    else if (SECRET_KEYS.has(lower) && v !== undefined && v !== null && v !== '') out[key] = REDACTED;
    else if (lower === 'dpop' && typeof v === 'string' && v.length > 16) out[key] = REDACTED;
    else out[key] = redactValue(v, seen, depth + 1);
  }
  return out;
}

function redactError(error: Error, seen: WeakSet<object>, depth: number): object {
  const out: Record<string, unknown> = { name: error.name, message: redactString(error.message) };
  for (const [key, v] of Object.entries(error)) {
    if (key === 'response') continue;
    out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redactValue(v, seen, depth + 1);
  }
  if (error.cause !== undefined) out['cause'] = redactValue(error.cause, seen, depth + 1);
  return out;
}

function isKeyObjectLike(value: object): boolean {
  const tag = (value as { constructor?: { name?: string } }).constructor?.name;
  return tag === 'PrivateKeyObject' || tag === 'SecretKeyObject' || tag === 'CryptoKey';
}
