/**
 * Counters of the Redis token store: how often it fell back to the in-process store and came back, how the
 * lease went, and what it refused. No keys, no tokens.
 */

/**
 * A copy of the store's counters.
 * @example
 * const { mode, degraded, fallbackOps } = store.metrics();
 */
export interface StoreMetricsSnapshot {
  /** `shared` (Redis) or `degraded` (in-process fallback). */
  mode: 'shared' | 'degraded';
  /** Times the store switched to degraded mode. */
  degraded: number;
  /** Times it switched back to Redis. */
  recovered: number;
  /** Operations served by the fallback store. */
  fallbackOps: number;
  /** Connection errors reported by the Redis client. */
  redisErrors: number;
  leasesAcquired: number;
  /** Lease attempts that found another holder. */
  leasesBusy: number;
  /** Writes refused because a newer fenced token was stored. */
  fencedWritesRefused: number;
  /** Entries that failed authenticated decryption (and were deleted and refetched). */
  tamperedEntries: number;
}

type Counter = Exclude<keyof StoreMetricsSnapshot, 'mode'>;

/**
 * The counters behind {@link StoreMetricsSnapshot}.
 * @example
 * const m = new StoreMetrics(); m.count('degraded'); m.snapshot('degraded').degraded; // 1
 */
export class StoreMetrics {
  readonly #counts: Record<Counter, number> = {
    degraded: 0,
    recovered: 0,
    fallbackOps: 0,
    redisErrors: 0,
    leasesAcquired: 0,
    leasesBusy: 0,
    fencedWritesRefused: 0,
    tamperedEntries: 0,
  };

  count(counter: Counter): void {
    this.#counts[counter]++;
  }

  snapshot(mode: 'shared' | 'degraded'): StoreMetricsSnapshot {
    return { mode, ...this.#counts };
  }
}
