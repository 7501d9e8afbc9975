/**
 * The token client's recent history for the operator console's status panel, fed from the library's
 * diagnostics channels like the Prometheus metrics: token fetch latencies (the last few, for a small chart),
 * cache lookups, upstream responses by class, retries. Counts only; never a token.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CHANNELS, type RequestEvent, type TokenCacheEvent, type TokenFetchEvent } from 'okta-m2m';

/** How many recent token fetch latencies are kept. */
export const RECENT_FETCHES = 30;

/** What the tracker has counted since the service started. */
export interface StatusCounts {
  tokenFetch: { count: number; errors: number; recentMs: number[] };
  cache: { hits: number; misses: number; refreshAhead: number };
  upstream: { '2xx': number; '3xx': number; '4xx': number; '5xx': number; failed: number };
  retries: number;
}

/** A running tracker. */
export interface StatusTracker {
  counts(): StatusCounts;
  stop(): void;
}

/**
 * Start counting.
 * @example
 * const tracker = startStatusTracker();
 * tracker.counts().cache.hits;
 */
export function startStatusTracker(): StatusTracker {
  const c: StatusCounts = {
    tokenFetch: { count: 0, errors: 0, recentMs: [] },
    cache: { hits: 0, misses: 0, refreshAhead: 0 },
    upstream: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, failed: 0 },
    retries: 0,
  };
  const handlers: [string, (m: unknown) => void][] = [
    [
      CHANNELS.tokenFetch,
      (m) => {
        const e = m as TokenFetchEvent;
        c.tokenFetch.count++;
        if (e.outcome === 'error') c.tokenFetch.errors++;
        c.tokenFetch.recentMs.push(Math.round(e.durationMs * 10) / 10);
        if (c.tokenFetch.recentMs.length > RECENT_FETCHES) c.tokenFetch.recentMs.shift();
      },
    ],
    [
      CHANNELS.tokenCache,
      (m) => {
        const r = (m as TokenCacheEvent).result;
        if (r === 'hit') c.cache.hits++;
        else if (r === 'miss') c.cache.misses++;
        else if (r === 'refresh-ahead') c.cache.refreshAhead++;
      },
    ],
    [
      CHANNELS.request,
      (m) => {
        const s = (m as RequestEvent).status;
        const key =
          s === undefined ? 'failed' : (`${Math.floor(s / 100)}xx` as keyof StatusCounts['upstream']);
        if (key in c.upstream) c.upstream[key]++;
      },
    ],
    [
      CHANNELS.retry,
      () => {
        c.retries++;
      },
    ],
  ];
  for (const [name, handler] of handlers) subscribe(name, handler);
  return {
    counts: () => structuredClone(c),
    stop: () => {
      for (const [name, handler] of handlers) unsubscribe(name, handler);
    },
  };
}
