/**
 * The concurrency counter: how many requests are in flight on the limited surface and how many were
 * refused. The fastify hook that takes and returns slots lives in `plugins/concurrency.ts`.
 */

/** Default simultaneous in-flight requests per org (Workforce/Customer Identity; 35 on Integrator Free). */
export const DEFAULT_CONCURRENCY_LIMIT = 75;

/** Counts requests in flight on the limited surface (`/api/v1/*`, `/oauth2/v1/token`, `/oauth2/v1/clients/*`). */
export class ConcurrencyLimiter {
  #inFlight = 0;
  #rejected = 0;

  constructor(readonly limit: number = DEFAULT_CONCURRENCY_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TypeError(`concurrencyLimit must be a positive integer, got ${String(limit)}.`);
    }
  }

  /** Requests currently being handled. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests refused so far. */
  get rejected(): number {
    return this.#rejected;
  }

  /** Takes a slot; false when the limit is reached. */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.limit) {
      this.#rejected++;
      return false;
    }
    this.#inFlight++;
    return true;
  }

  /** Returns a slot. */
  release(): void {
    if (this.#inFlight > 0) this.#inFlight--;
  }
}
