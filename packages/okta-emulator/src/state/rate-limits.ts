/**
 * Rate-limit buckets and their fixed windows on the emulator clock: which bucket a route counts against,
 * each bucket's per-minute quota (configuration), and the counters. The fastify hooks that apply them live
 * in `plugins/rate-limit.ts`.
 */
import type { Clock } from '../lib/clock.js';

/**
 * Okta-style bucket names and their default per-minute quotas: the historic One App / Enterprise column
 * of Okta's rate-limit table (Okta's rate-limit documentation). Numbers are configuration (`quotas`), not constants.
 * `/oauth2/v1/keys` and the well-known documents are never limited (as at Okta).
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
