/**
 * The fastify hooks of rate limiting: count each request of a limited route against its bucket
 * (`state/rate-limits.ts`), put `X-Rate-Limit-*` on the response, and refuse a request over the quota with
 * 429 E0000047.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OktaApiError } from '../lib/errors.js';
import { pathOf, TOKEN_PATH } from '../lib/http-paths.js';
import type { RateLimiter } from '../state/rate-limits.js';

/** The token endpoint's 429 text (Okta's OAuth API `ErrorTooManyRequests`); the management API uses the catalogue's. */
export const TOKEN_RATE_LIMIT_SUMMARY = 'You exceeded the maximum number of requests. Try again in a while.';

/** Writes the three `X-Rate-Limit-*` headers (Okta's rate-limit headers). */
export function setRateLimitHeaders(
  reply: FastifyReply,
  limit: number,
  remaining: number,
  reset: number,
): void {
  reply.header('x-rate-limit-limit', String(limit));
  reply.header('x-rate-limit-remaining', String(remaining));
  reply.header('x-rate-limit-reset', String(reset));
}

/**
 * Okta's 429 (E0000047) for a request path, to throw once the rate-limit headers are set on the reply; the
 * token endpoint's text differs from the management API's.
 *
 * @example
 * throw tooManyRequests('/api/v1/users');
 */
export function tooManyRequests(path: string): OktaApiError {
  return path === TOKEN_PATH
    ? new OktaApiError('E0000047', { summary: TOKEN_RATE_LIMIT_SUMMARY })
    : new OktaApiError('E0000047');
}

const counted = new WeakSet<FastifyRequest>();

/**
 * Counts every request of a limited route and puts `X-Rate-Limit-*` on its response, including 401/403
 * answers and the token endpoint; over the quota it answers 429 E0000047. If an earlier hook (the API-auth
 * hook) already replied, the request is counted in `onSend` instead, so the headers are still there.
 */
export function registerRateLimit(app: FastifyInstance, limiter: RateLimiter): void {
  app.addHook('onRequest', (request, reply, done) => {
    const name = limiter.bucketFor(request.method, request.routeOptions.url);
    if (name === undefined) return done();
    counted.add(request);
    const decision = limiter.consume(name);
    setRateLimitHeaders(reply, decision.limit, decision.remaining, decision.reset);
    if (decision.exceeded) return done(tooManyRequests(pathOf(request.url)));
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (counted.has(request) || reply.hasHeader('x-rate-limit-limit')) return done(null, payload);
    const name = limiter.bucketFor(request.method, request.routeOptions.url);
    if (name !== undefined) {
      const decision = limiter.consume(name);
      setRateLimitHeaders(reply, decision.limit, decision.remaining, decision.reset);
    }
    done(null, payload);
  });
}
