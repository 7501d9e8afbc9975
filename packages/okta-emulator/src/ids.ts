import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Okta object-id prefixes used by the emulator. */
export type IdPrefix =
  '0oa' | '00u' | 'pks' | 'cr0' | 'iam' | '00g' | 'oag' | 'irb' | 'oty' | '00o' | (string & {});

/** Produces Okta-shaped identifiers. Deterministic when created with a seed. */
export interface IdGenerator {
  /** A 20-character id: the 3-character prefix plus 17 alphanumerics (e.g. `0oa…` for apps). */
  id(prefix: IdPrefix): string;
  /** `X-Okta-Request-Id` value: `req` plus 23 characters, like `reqVy8wsvmBQN27h4soUE3ZEnA`. */
  requestId(): string;
  /** An error-object `errorId`: `oae` plus 22 characters. */
  errorId(): string;
  /** `n` random alphanumerics (used for secrets such as the admin token when seeded). */
  chars(n: number): string;
}

/**
 * Creates an id generator. With a `seed` every sequence of calls yields the same ids (a small PRNG,
 * mulberry32); without one it draws from `crypto.randomBytes`. Object ids and request/error ids come from
 * separate streams, so the number of HTTP requests does not change which object ids a seeded run gets.
 *
 * @example
 * const ids = createIdGenerator(42);
 * ids.id('00u'); // always the same 20-character user id for seed 42
 */
export function createIdGenerator(seed?: number): IdGenerator {
  const objects = seed === undefined ? cryptoSource() : mulberry32(seed);
  const requests = seed === undefined ? cryptoSource() : mulberry32(seed ^ 0x5bd1e995);
  const draw = (source: () => number, n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(source() * ALPHABET.length)];
    return out;
  };
  return {
    id: (prefix) => prefix + draw(objects, Math.max(0, 20 - prefix.length)),
    requestId: () => 'req' + draw(requests, 23),
    errorId: () => 'oae' + draw(requests, 22),
    chars: (n) => draw(objects, n),
  };
}

/** A deterministic PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random floats in [0, 1) from the OS CSPRNG, buffered to keep per-id cost low. */
function cryptoSource(): () => number {
  let buf = randomBytes(0);
  let pos = 0;
  return () => {
    if (pos + 4 > buf.length) {
      buf = randomBytes(1024);
      pos = 0;
    }
    const v = buf.readUInt32LE(pos);
    pos += 4;
    return v / 4294967296;
  };
}
