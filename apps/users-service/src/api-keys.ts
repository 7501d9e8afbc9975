/**
 * Caller API keys: how they are configured (a name, a right and the SHA-256 of the key, never the key itself),
 * generated and checked. A presented key is hashed and compared with every configured hash in constant time, so
 * neither the answer's timing nor an early exit tells a caller how close a guess was.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The rights a key can carry. `users:write` includes `users:read`. */
export const API_KEY_SCOPES = ['users:read', 'users:write'] as const;

/** A right a route needs. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * One configured key: `name:scope:sha256hex` in `API_KEYS`.
 * @example
 * const key: ApiKey = { name: 'reporting', scope: 'users:read', sha256: Buffer.alloc(32) };
 */
export interface ApiKey {
  /** Who holds it; appears in logs as the caller. */
  name: string;
  scope: ApiKeyScope;
  /** SHA-256 of the key (32 bytes). */
  sha256: Buffer;
}

/** A key freshly made by {@link generateApiKey}: the secret to hand out and the entry to configure. */
export interface GeneratedApiKey {
  /** The key the caller presents as `Authorization: Bearer <key>`. Show it once; store only the hash. */
  key: string;
  /** The `API_KEYS` entry: `name:scope:sha256hex`. */
  entry: string;
  apiKey: ApiKey;
}

const ENTRY = /^([A-Za-z0-9_.-]{1,64}):(users:read|users:write):([0-9a-fA-F]{64})$/;

/**
 * Hex SHA-256 of a key, as `API_KEYS` holds it (`printf %s "$KEY" | sha256sum` gives the same).
 * @example
 * hashApiKey('usk_example') // '3b1c…' (64 hex characters)
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * A new random key (256 bits, base64url, prefixed `usk_` so a leaked one is recognisable) with its entry.
 * @example
 * const { key, entry } = generateApiKey('deployer', 'users:write');
 */
export function generateApiKey(
  name: string,
  scope: ApiKeyScope,
  random: (size: number) => Buffer = randomBytes,
): GeneratedApiKey {
  const key = `usk_${random(32).toString('base64url')}`;
  const hex = hashApiKey(key);
  return { key, entry: `${name}:${scope}:${hex}`, apiKey: { name, scope, sha256: Buffer.from(hex, 'hex') } };
}

/**
 * Parse `API_KEYS` (comma- or whitespace-separated `name:scope:sha256hex` entries). Returns the keys and one
 * message per bad entry (naming the entry by position, never echoing what could be a pasted secret).
 * @example
 * parseApiKeys('ci:users:read:' + 'ab'.repeat(32)).keys[0]?.name // 'ci'
 */
export function parseApiKeys(value: string): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = value.split(/[\s,]+/).filter(Boolean);
  entries.forEach((entry, index) => {
    const match = ENTRY.exec(entry);
    if (match === null) {
      const looksLikeKey = entry.startsWith('usk_');
      problems.push(
        `Entry ${index + 1} is not name:scope:sha256hex with scope users:read or users:write` +
          (looksLikeKey
            ? ' (it looks like a key itself: configure its SHA-256, never the key).'
            : ', e.g. reporting:users:read:<64 hex characters of sha256(key)>.'),
      );
      return;
    }
    const [, name, scope, hex] = match as unknown as [string, string, ApiKeyScope, string];
    if (keys.some((k) => k.name === name)) problems.push(`Entry ${index + 1} repeats the name "${name}".`);
    keys.push({ name, scope, sha256: Buffer.from(hex, 'hex') });
  });
  return { keys, problems };
}

/**
 * Find the configured key a presented key matches: hashes it and compares with every configured hash using
 * `crypto.timingSafeEqual`, without stopping at the first match.
 * @example
 * const caller = findApiKey(keys, presented); // undefined when no key matches
 */
export function findApiKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: ApiKey | undefined;
  for (const key of keys) {
    if (timingSafeEqual(digest, key.sha256) && found === undefined) found = key;
  }
  return found;
}

/**
 * Whether a key carries a right (`users:write` includes `users:read`).
 * @example
 * allows({ name: 'ci', scope: 'users:write', sha256 }, 'users:read') // true
 */
export function allows(key: ApiKey, needed: ApiKeyScope): boolean {
  return key.scope === needed || key.scope === 'users:write';
}
