import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../contracts.js';
import { oktaError } from '../errors.js';

/**
 * Okta-style bucket names and their default per-minute quotas: the historic One App / Enterprise column
 * of Okta's rate-limit table (facts §5, DOC-RL-OLD). Numbers are configuration (`quotas`), not constants.
 * `/oauth2/v1/keys` and the well-known documents are never limited (facts §1.8).
 */
export const DEFAULT_QUOTAS = {
  'GET|POST /api/v1/users': 600,
  'GET /api/v1/users/{idOrLogin}': 1000,
  'POST|PUT|DELETE /api/v1/users/{id}': 600,
  '/oauth2/v1/token': 1200,
  '/api/v1/apps': 100,
  '/api/v1/groups': 500,
  '/api/v1/iam': 100,
  '/api/v1': 1200,
} as const;

/** A bucket name (a key of {@link DEFAULT_QUOTAS}). */
export type BucketName = keyof typeof DEFAULT_QUOTAS;

/** Length of a rate-limit window: 60 s from the first request of the window, not aligned to wall-clock minutes. */
export const WINDOW_MS = 60_000;

/** The token endpoint's 429 text (SPEC-O `ErrorTooManyRequests`); the management API uses the catalogue's. */
export const TOKEN_RATE_LIMIT_SUMMARY = 'You exceeded the maximum number of requests. Try again in a while.';

interface Bucket {
  readonly name: BucketName;
  limit: number;
  windowStart: number;
  count: number;
}

/** The outcome of counting one request. */
export interface RateDecision {
  readonly bucket: BucketName;
  readonly limit: number;
  readonly remaining: number;
  /** Epoch seconds when the window resets (`X-Rate-Limit-Reset`). */
  readonly reset: number;
  readonly exceeded: boolean;
}

/**
 * Picks the bucket of a request from its method and fastify route pattern (`/api/v1/users/:id`); undefined
 * for unlimited routes. Pure.
 */
export function bucketOf(method: string, route: string): BucketName | undefined {
  if (route === '/oauth2/v1/token') return '/oauth2/v1/token';
  if (route === '/api/v1/users')
    return method === 'GET' || method === 'POST' || method === 'HEAD' ? 'GET|POST /api/v1/users' : '/api/v1';
  if (
    route === '/api/v1/users/:id' ||
    route === '/api/v1/users/:idOrLogin' ||
    route === '/api/v1/users/:userId'
  ) {
    if (method === 'GET' || method === 'HEAD') return 'GET /api/v1/users/{idOrLogin}';
    return 'POST|PUT|DELETE /api/v1/users/{id}';
  }
  if (route === '/api/v1/apps' || route.startsWith('/api/v1/apps/')) return '/api/v1/apps';
  if (route === '/api/v1/groups' || route.startsWith('/api/v1/groups/')) return '/api/v1/groups';
  if (route.startsWith('/api/v1/iam/') || route.startsWith('/oauth2/v1/clients')) return '/api/v1/iam';
  if (route.startsWith('/api/v1/')) return '/api/v1';
  return undefined;
}

/**
 * Per-bucket fixed windows on the emulator clock. `quotas` overrides defaults by bucket name; an unknown
 * name or a non-positive quota is a TypeError naming the valid names.
 */
export class RateLimiter {
  readonly #buckets = new Map<BucketName, Bucket>();
  readonly #routeCache = new Map<string, BucketName | null>();

  constructor(
    private readonly clock: Clock,
    quotas: Readonly<Record<string, number>> = {},
  ) {
    for (const [name, limit] of Object.entries(DEFAULT_QUOTAS)) {
      this.#buckets.set(name as BucketName, { name: name as BucketName, limit, windowStart: 0, count: 0 });
    }
    for (const [name, limit] of Object.entries(quotas)) this.setQuota(name, limit);
  }

  /** Changes one bucket's per-minute quota. */
  setQuota(name: string, limit: number): void {
    const bucket = this.#buckets.get(name as BucketName);
    if (bucket === undefined) {
      throw new TypeError(
        `Unknown rate-limit bucket ${JSON.stringify(name)}; valid names: ${Object.keys(DEFAULT_QUOTAS).join(', ')}.`,
      );
    }
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TypeError(
        `The quota of ${name} must be a positive integer (requests per minute), got ${String(limit)}.`,
      );
    }
    bucket.limit = limit;
  }

  /** The bucket of a route (memoised per method and pattern). */
  bucketFor(method: string, route: string | undefined): BucketName | undefined {
    if (route === undefined) return undefined;
    const key = `${method} ${route}`;
    let cached = this.#routeCache.get(key);
    if (cached === undefined) {
      cached = bucketOf(method, route) ?? null;
      this.#routeCache.set(key, cached);
    }
    return cached ?? undefined;
  }

  /** Counts one request against `name`. */
  consume(name: BucketName): RateDecision {
    const bucket = this.#buckets.get(name)!;
    const now = this.clock.now();
    if (bucket.count === 0 || now >= bucket.windowStart + WINDOW_MS || now < bucket.windowStart) {
      bucket.windowStart = now;
      bucket.count = 0;
    }
    bucket.count++;
    return {
      bucket: name,
      limit: bucket.limit,
      remaining: Math.max(0, bucket.limit - bucket.count),
      reset: Math.ceil((bucket.windowStart + WINDOW_MS) / 1000),
      exceeded: bucket.count > bucket.limit,
    };
  }

  /** Starts every window afresh. */
  reset(): void {
    for (const bucket of this.#buckets.values()) {
      bucket.count = 0;
      bucket.windowStart = 0;
    }
  }

  /** Current counters, for `/__emulator/state`. */
  snapshot(): Record<string, { limit: number; used: number; windowStart: number }> {
    const out: Record<string, { limit: number; used: number; windowStart: number }> = {};
    const now = this.clock.now();
    for (const b of this.#buckets.values()) {
      const live = b.count > 0 && now < b.windowStart + WINDOW_MS;
      out[b.name] = { limit: b.limit, used: live ? b.count : 0, windowStart: live ? b.windowStart : 0 };
    }
    return out;
  }
}

/** Writes the three `X-Rate-Limit-*` headers (facts §5). */
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

/** True for the token endpoint, whose 429 text differs from the management API's. */
function isTokenPath(url: string): boolean {
  return url === '/oauth2/v1/token' || url.startsWith('/oauth2/v1/token?');
}

/** Sends Okta's 429 (E0000047, facts §1.5/§5) with the rate-limit headers already set. */
export function sendTooManyRequests(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return isTokenPath(request.url)
    ? oktaError(reply, 'E0000047', { summary: TOKEN_RATE_LIMIT_SUMMARY })
    : oktaError(reply, 'E0000047');
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
    if (decision.exceeded) {
      sendTooManyRequests(request, reply);
      return;
    }
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
