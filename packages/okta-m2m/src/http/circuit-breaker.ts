/**
 * A circuit breaker on an injected clock, counting CALLS, not attempts (as cockatiel and resilience4j do: the
 * retries of one call are one outcome). Closed → open after `failureThreshold` consecutive failed calls (a call
 * whose last attempt ended in a 5xx, a network error or a timeout; never 4xx or 429, which mean Okta is up and
 * answering) within `windowMs`; open → fails fast until `openMs` has passed; then half-open: ONE trial call goes
 * through, its success closes the breaker, its failure opens it again. While the trial runs, other callers are
 * told the time its verdict is due at the latest (its deadline), not "now". A pure state machine: the transport
 * tells it outcomes, it never sends anything.
 */
import type { Clock } from '../deps.js';

/** Breaker states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Breaker settings. */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls (retries included in one call) that open the breaker. Default 5. */
  failureThreshold: number;
  /** The failures must fall within this many ms (a streak older than this starts again). Default 60 000. */
  windowMs: number;
  /** How long the breaker stays open before letting a trial through (ms). Default 30 000. */
  openMs: number;
}

/** The documented defaults. */
export const DEFAULT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = Object.freeze({
  failureThreshold: 5,
  windowMs: 60_000,
  openMs: 30_000,
});

/** The answer to "may I send?": a permit (remember whether it is the half-open trial) or the time to come back. */
export type BreakerPermit = { allowed: true; trial: boolean } | { allowed: false; retryAt: number };

/** Called on every state change. */
export type BreakerListener = (from: BreakerState, to: BreakerState) => void;

/**
 * The breaker. One per transport (one per Okta org).
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, windowMs: 60_000, openMs: 30_000 }, Date.now);
 * const permit = breaker.acquire(30_000);
 * if (!permit.allowed) throw new Error(`retry at ${permit.retryAt}`);
 * breaker.record(permit, 'failure'); // once per call, after its retries
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #clock: Clock;
  readonly #listener: BreakerListener | undefined;
  #state: BreakerState = 'closed';
  #failures = 0;
  #streakStartedAt = 0;
  #openedAt = 0;
  #trialInFlight = false;
  /** When the running trial's verdict is due at the latest (its start plus its longest duration). */
  #trialDueAt = 0;

  constructor(options: Partial<CircuitBreakerOptions>, clock: Clock, listener?: BreakerListener) {
    this.#options = { ...DEFAULT_BREAKER_OPTIONS, ...options };
    this.#clock = clock;
    this.#listener = listener;
  }

  /** The current state, after moving open → half-open if `openMs` has passed. */
  get state(): BreakerState {
    this.#maybeHalfOpen();
    return this.#state;
  }

  /** When an open breaker will allow a trial (ms since epoch); `undefined` unless open. */
  get retryAt(): number | undefined {
    return this.state === 'open' ? this.#openedAt + this.#options.openMs : undefined;
  }

  /**
   * Ask to send one call. Closed: allowed. Open: refused with `retryAt`. Half-open: the first caller gets the
   * trial permit, everyone else is refused until the trial reports back, with `retryAt` = the time the trial's
   * verdict is due at the latest. `maxDurationMs` is how long the call may take (its deadline); a trial that has
   * not reported by then is presumed lost and the slot is given to the next caller.
   */
  acquire(maxDurationMs: number = this.#options.openMs): BreakerPermit {
    const state = this.state;
    const now = this.#clock();
    if (state === 'closed') return { allowed: true, trial: false };
    if (state === 'half-open' && (!this.#trialInFlight || now >= this.#trialDueAt)) {
      this.#trialInFlight = true;
      this.#trialDueAt = now + Math.max(1, maxDurationMs);
      return { allowed: true, trial: true };
    }
    // Open: the end of the open window. Half-open with the trial running: when its verdict is due at the latest.
    const retryAt = state === 'open' ? this.#openedAt + this.#options.openMs : this.#trialDueAt;
    return { allowed: false, retryAt };
  }

  /**
   * Report how a permitted call ended (once per call, after its retries): `success` (its last answer was below
   * 500), `failure` (5xx, network error, timeout), or `abandoned` (cancelled by the caller, closed, or never sent:
   * no verdict, the trial slot is freed).
   */
  record(permit: BreakerPermit, outcome: 'success' | 'failure' | 'abandoned'): void {
    if (!permit.allowed) return;
    if (permit.trial) this.#trialInFlight = false;
    if (outcome === 'abandoned') return;
    const now = this.#clock();
    if (outcome === 'success') {
      this.#failures = 0;
      if (this.#state !== 'closed') this.#transition('closed');
      return;
    }
    if (this.#state === 'half-open') {
      this.#open(now);
      return;
    }
    if (this.#state === 'open') return; // a call that started before the breaker opened
    if (this.#failures === 0 || now - this.#streakStartedAt > this.#options.windowMs) {
      this.#failures = 0;
      this.#streakStartedAt = now;
    }
    this.#failures++;
    if (this.#failures >= this.#options.failureThreshold) this.#open(now);
  }

  #open(now: number): void {
    this.#openedAt = now;
    this.#failures = 0;
    this.#transition('open');
  }

  #maybeHalfOpen(): void {
    if (this.#state === 'open' && this.#clock() >= this.#openedAt + this.#options.openMs) {
      this.#trialInFlight = false;
      this.#transition('half-open');
    }
  }

  #transition(to: BreakerState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#listener?.(from, to);
  }
}
