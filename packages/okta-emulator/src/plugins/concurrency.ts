import type { FastifyInstance } from 'fastify';
import type { Clock } from '../contracts.js';
import { sendTooManyRequests, setRateLimitHeaders } from './rate-limit.js';

/** Default simultaneous in-flight requests per org (Workforce/Customer Identity; 35 on Integrator Free), facts §5. */
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

/** True for paths the concurrency limit applies to. */
export function isConcurrencyLimited(url: string): boolean {
  return (
    url.startsWith('/api/v1') || url.startsWith('/oauth2/v1/token') || url.startsWith('/oauth2/v1/clients')
  );
}

/**
 * Refuses a request when `limit` others are in flight: 429 E0000047 with `X-Rate-Limit-Limit: 0`,
 * `X-Rate-Limit-Remaining: 0` and a reset estimate one second ahead (facts §5). The slot is returned when
 * the response closes (sent, failed or aborted).
 */
export function registerConcurrencyLimit(
  app: FastifyInstance,
  limiter: ConcurrencyLimiter,
  clock: Clock,
): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (!isConcurrencyLimited(request.url)) return done();
    if (!limiter.tryAcquire()) {
      setRateLimitHeaders(reply, 0, 0, Math.ceil(clock.now() / 1000) + 1);
      sendTooManyRequests(request, reply);
      return;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      limiter.release();
    };
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
    done();
  });
}
