/**
 * Deterministic randomness for the management state: user ids, names, group/role/resource-set ids.
 * mulberry32 keeps a single 32-bit word of state, so the generator can be saved with the rest of the
 * state (`--state FILE`) and continue the same sequence after a reload.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The current 32-bit state (persisted with the management state). */
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

/**
 * Okta-looking ids: a three-character type prefix and 17 alphanumerics (20 characters in all), e.g.
 * users `00u…`, groups `00g…`, user types `oty…`, custom roles `cr0…`, resource sets `iam…`,
 * resource-set resources `ire…`, custom role assignments `irb…` (facts §3.5).
 */
export function oktaId(random: SeededRandom, prefix: string): string {
  let id = prefix;
  for (let i = 0; i < 17; i++) id += ALNUM[random.int(ALNUM.length)];
  return id;
}

/** The 24-character base32 id Okta gives standard role assignments (`JBCUYUC7IRCVGS27IFCE2SKO`). */
export function standardAssignmentId(random: SeededRandom): string {
  let id = '';
  for (let i = 0; i < 24; i++) id += BASE32[random.int(BASE32.length)];
  return id;
}
