/**
 * Side effects the library uses, injectable so tests control time and randomness (design rule 5).
 * Defaults are the real ones; see {@link defaultDeps}.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

/** Wall-clock time in milliseconds since the epoch. */
export type Clock = () => number;

/** Wait `ms` milliseconds; rejects with the signal's reason when aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A uniform random number in [0, 1), used for jitter. */
export type Random = () => number;

/** A pino-compatible logger subset. The library logs nothing unless one is given, and never secrets. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * setTimeout's largest delay (2^31 − 1 ms); a longer one would fire at once, so timers clamp to it.
 * @example
 * setTimeout(fn, Math.min(delayMs, MAX_TIMER_MS));
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** The injectable side effects. */
export interface Deps {
  clock: Clock;
  sleep: Sleep;
  random: Random;
  /** Unique ids for `jti` claims. */
  uuid: () => string;
  /** Random bytes (DPoP keys, ids). */
  randomBytes: (size: number) => Uint8Array;
  logger: Logger | undefined;
}

/** The real side effects. */
export function defaultDeps(overrides: Partial<Deps> = {}): Deps {
  return {
    clock: Date.now,
    sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal }),
    random: Math.random,
    uuid: randomUUID,
    randomBytes: (size) => randomBytes(size),
    logger: undefined,
    ...overrides,
  };
}
