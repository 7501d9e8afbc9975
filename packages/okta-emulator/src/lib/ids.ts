/**
 * Randomness and identifiers, in one place: the seeded PRNG (mulberry32) that makes a seeded org
 * reproducible and can be saved with the state, Okta-shaped object ids drawn from it, and the id generator
 * for apps, keys, request ids and error ids (seeded, or from the OS CSPRNG).
 */
import { randomBytes } from 'node:crypto';

/** A source of floats in [0, 1): a {@link SeededRandom} or the CSPRNG. */
export interface FloatSource {
  next(): number;
}

/**
 * A deterministic PRNG (mulberry32). It keeps a single 32-bit word of state, so it can be saved with the
 * rest of the state (`--state FILE`) and continue the same sequence after a reload.
 *
 * @example
 * const random = new SeededRandom(7);
 * random.int(10); // the same number for seed 7, every run
 */
export class SeededRandom implements FloatSource {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The current 32-bit state (persisted with the org state). */
  get state(): number {
    return this.#state;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Okta object-id prefixes used by the emulator. */
export type IdPrefix =
  | '0oa'
  | '00u'
  | 'pks'
  | 'cr0'
  | 'iam'
  | '00g'
  | 'oag'
  | 'irb'
  | 'ire'
  | 'oty'
  | 'osc'
  | '00o'
  | (string & {});

function draw(source: FloatSource, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(source.next() * alphabet.length)];
  return out;
}

/**
 * An Okta-looking id: a three-character type prefix and 17 alphanumerics (20 characters in all), e.g.
 * users `00u…`, groups `00g…`, user types `oty…`, custom roles `cr0…`, resource sets `iam…`,
 * resource-set resources `ire…`, custom role assignments `irb…`.
 *
 * @example
 * oktaId(new SeededRandom(1), '00u'); // '00u' + 17 characters
 */
export function oktaId(random: FloatSource, prefix: IdPrefix): string {
  return prefix + draw(random, ALNUM, Math.max(0, 20 - prefix.length));
}

/**
 * The 24-character base32 id Okta gives standard role assignments (`JBCUYUC7IRCVGS27IFCE2SKO`).
 *
 * @example
 * standardAssignmentId(new SeededRandom(1));
 */
export function standardAssignmentId(random: FloatSource): string {
  return draw(random, BASE32, 24);
}

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
 * Creates an id generator. With a `seed` every sequence of calls yields the same ids ({@link SeededRandom});
 * without one it draws from `crypto.randomBytes`. Object ids and request/error ids come from separate
 * streams, so the number of HTTP requests does not change which object ids a seeded run gets.
 *
 * @example
 * const ids = createIdGenerator(42);
 * ids.id('00u'); // always the same 20-character user id for seed 42
 */
export function createIdGenerator(seed?: number): IdGenerator {
  const objects = seed === undefined ? cryptoSource() : new SeededRandom(seed);
  const requests = seed === undefined ? cryptoSource() : new SeededRandom(seed ^ 0x5bd1e995);
  return {
    id: (prefix) => oktaId(objects, prefix),
    requestId: () => 'req' + draw(requests, ALNUM, 23),
    errorId: () => 'oae' + draw(requests, ALNUM, 22),
    chars: (n) => draw(objects, ALNUM, n),
  };
}

/** Random floats in [0, 1) from the OS CSPRNG, buffered to keep per-id cost low. */
function cryptoSource(): FloatSource {
  let buf = randomBytes(0);
  let pos = 0;
  return {
    next: () => {
      if (pos + 4 > buf.length) {
        buf = randomBytes(1024);
        pos = 0;
      }
      const v = buf.readUInt32LE(pos);
      pos += 4;
      return v / 4294967296;
    },
  };
}
