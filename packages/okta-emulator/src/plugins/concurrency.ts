/**
 * The fastify hook of the concurrency limit: a request on the limited surface takes a slot of the state's
 * counter (`state/concurrency.ts`) or is refused with 429 E0000047; the slot returns when the response closes.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { pathOf } from '../lib/http-paths.js';
import type { ConcurrencyLimiter } from '../state/concurrency.js';
import { setRateLimitHeaders, tooManyRequests } from './rate-limit.js';

/** True for paths the concurrency limit applies to. */
export function isConcurrencyLimited(url: string): boolean {
  return (
    url.startsWith('/api/v1') || url.startsWith('/oauth2/v1/token') || url.startsWith('/oauth2/v1/clients')
  );
}

/**
 * Refuses a request when `limit` others are in flight: 429 E0000047 with `X-Rate-Limit-Limit: 0`,
 * `X-Rate-Limit-Remaining: 0` and a reset estimate one second ahead. The slot is returned when
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
      return done(tooManyRequests(pathOf(request.url)));
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
