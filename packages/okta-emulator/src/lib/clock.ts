/**
 * The emulator's time: the `Clock` every time-dependent check reads, clocks that tests and the control API
 * can move, and the one ISO-8601 timestamp format Okta prints.
 */

/** The emulator's clock. Every time-dependent check reads it, so tests can move time. */
export interface Clock {
  /** Milliseconds since the epoch, as the emulator sees it. */
  now(): number;
}

/**
 * ISO-8601 with milliseconds and `Z`, the way Okta prints timestamps (`created`, `lastUpdated`, ...).
 *
 * @example
 * isoTime(0); // '1970-01-01T00:00:00.000Z'
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A clock that tests and the control API can move: it follows real time plus an adjustable offset. */
export interface MutableClock extends Clock {
  /** Make `now()` return `ms` at this instant; time keeps flowing from there. */
  set(ms: number): void;
  /** Move the clock forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
}

/**
 * Creates the emulator's clock. It reads `source` (default `Date.now`) and adds an offset that `set` and
 * `advance` change, so expiry, rate-limit windows and nonce rotation can be tested without waiting.
 *
 * @example
 * const clock = createClock();
 * clock.advance(3_600_000); // every token issued before now is expired
 */
export function createClock(source: () => number = Date.now): MutableClock {
  let offset = 0;
  return {
    now: () => source() + offset,
    set(ms: number) {
      assertFinite(ms, 'set');
      offset = ms - source();
    },
    advance(ms: number) {
      assertFinite(ms, 'advance');
      offset += ms;
    },
  };
}

/**
 * A clock that only moves when told to: `now()` returns the same value until `set`/`advance`.
 *
 * @example
 * const clock = createFixedClock(Date.UTC(2026, 0, 1));
 */
export function createFixedClock(start: number): MutableClock {
  let now = start;
  return {
    now: () => now,
    set(ms: number) {
      assertFinite(ms, 'set');
      now = ms;
    },
    advance(ms: number) {
      assertFinite(ms, 'advance');
      now += ms;
    },
  };
}

/**
 * Wraps a caller-supplied clock so it can be moved: when it already has `set`/`advance` they are used,
 * otherwise an offset is layered on top of it.
 */
export function toMutableClock(clock: Clock): MutableClock {
  const candidate = clock as Partial<MutableClock>;
  if (typeof candidate.set === 'function' && typeof candidate.advance === 'function') {
    return clock as MutableClock;
  }
  return createClock(() => clock.now());
}

function assertFinite(ms: number, what: string): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError(`clock.${what}() needs a finite number of milliseconds, got ${String(ms)}.`);
  }
}
