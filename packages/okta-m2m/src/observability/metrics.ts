/**
 * The metrics the guide asks for (token fetch latency, cache hits and misses, responses by class and status,
 * retries, breaker state), counted in memory and published on diagnostics channels. One instance per client;
 * every module reports through it, so counting and publishing live in one place.
 */
import {
  channels,
  type BreakerEvent,
  type ClockSkewEvent,
  type KeyEvent,
  type RequestEvent,
  type RetryEvent,
  type TokenCacheEvent,
  type TokenFetchEvent,
} from './events.js';

/** A point-in-time copy of the counters. Contains no secrets; the only identifier is the client key's kid. */
export interface MetricsSnapshot {
  token: {
    fetches: number;
    fetchErrors: number;
    /** Token HTTP requests, including DPoP nonce round trips. */
    requests: number;
    /** Latency of finished fetches in ms: count, sum, max, and the last 256 samples' p50/p95. */
    latencyMs: { count: number; sum: number; max: number; p50: number; p95: number };
    /** `negative`: lookups answered with a remembered failure, without a request. */
    cache: { hits: number; misses: number; refreshAhead: number; negative: number };
    /** Token requests that waited for the rate-limit window's reset (shared store), and the time waited (ms). */
    paced: { count: number; waitedMs: number };
  };
  /** The authorization server's clock minus ours (ms), learnt from `Date` after a time-claim refusal. */
  clock: { skewMs: number; corrections: number };
  requests: {
    total: number;
    byClass: { '2xx': number; '3xx': number; '4xx': number; '5xx': number; failed: number };
    byStatus: Record<string, number>;
    byOperation: Record<string, number>;
  };
  retries: { total: number; byReason: Record<string, number> };
  /** The management API circuit's breaker (`state`, times `opened`), and the token endpoint's under `token`. */
  breaker: {
    state: 'closed' | 'open' | 'half-open';
    opened: number;
    token: { state: 'closed' | 'open' | 'half-open'; opened: number };
  };
  /** The client key: the kid in use, changes seen, changes that could not be loaded, refusals by Okta. */
  key: { kid: string | undefined; changes: number; loadFailures: number; refusals: number; reverts: number };
}

const SAMPLE_WINDOW = 256;

/** Counts events and publishes them on the library's diagnostics channels. */
export class Metrics {
  #token = { fetches: 0, fetchErrors: 0, requests: 0, count: 0, sum: 0, max: 0 };
  #samples: number[] = [];
  #cache = { hits: 0, misses: 0, refreshAhead: 0, negative: 0 };
  #paced = { count: 0, waitedMs: 0 };
  #clock = { skewMs: 0, corrections: 0 };
  #requests = { total: 0, c2: 0, c3: 0, c4: 0, c5: 0, failed: 0 };
  #byStatus = new Map<number, number>();
  #byOperation = new Map<string, number>();
  #retries = 0;
  #retryReasons = new Map<string, number>();
  #breakers = {
    api: { state: 'closed' as BreakerEvent['to'], opened: 0 },
    token: { state: 'closed' as BreakerEvent['to'], opened: 0 },
  };
  #key: MetricsSnapshot['key'] = { kid: undefined, changes: 0, loadFailures: 0, refusals: 0, reverts: 0 };

  tokenFetch(event: TokenFetchEvent): void {
    const t = this.#token;
    t.fetches++;
    if (event.outcome === 'error') t.fetchErrors++;
    t.requests += event.requests;
    t.count++;
    t.sum += event.durationMs;
    if (event.durationMs > t.max) t.max = event.durationMs;
    this.#samples.push(event.durationMs);
    if (this.#samples.length > SAMPLE_WINDOW) this.#samples.shift();
    if (channels.tokenFetch.hasSubscribers) channels.tokenFetch.publish(event);
  }

  tokenCache(event: TokenCacheEvent): void {
    if (event.result === 'hit') this.#cache.hits++;
    else if (event.result === 'miss') this.#cache.misses++;
    else if (event.result === 'negative') this.#cache.negative++;
    else this.#cache.refreshAhead++;
    if (channels.tokenCache.hasSubscribers) channels.tokenCache.publish(event);
  }

  /** A token request waited `waitedMs` for the shared rate-limit window to reset. */
  tokenPaced(event: { waitedMs: number }): void {
    this.#paced.count++;
    this.#paced.waitedMs += event.waitedMs;
  }

  request(event: RequestEvent): void {
    const r = this.#requests;
    r.total++;
    const s = event.status;
    if (s === undefined) r.failed++;
    else if (s >= 500) r.c5++;
    else if (s >= 400) r.c4++;
    else if (s >= 300) r.c3++;
    else r.c2++;
    if (s !== undefined) this.#byStatus.set(s, (this.#byStatus.get(s) ?? 0) + 1);
    this.#byOperation.set(event.operation, (this.#byOperation.get(event.operation) ?? 0) + 1);
    if (channels.request.hasSubscribers) channels.request.publish(event);
  }

  retry(event: RetryEvent): void {
    this.#retries++;
    this.#retryReasons.set(event.reason, (this.#retryReasons.get(event.reason) ?? 0) + 1);
    if (channels.retry.hasSubscribers) channels.retry.publish(event);
  }

  breaker(event: BreakerEvent): void {
    const breaker = this.#breakers[event.circuit];
    breaker.state = event.to;
    if (event.to === 'open') breaker.opened++;
    if (channels.breaker.hasSubscribers) channels.breaker.publish(event);
  }

  clockSkew(event: ClockSkewEvent): void {
    this.#clock.skewMs = event.skewMs;
    this.#clock.corrections++;
    if (channels.clockSkew.hasSubscribers) channels.clockSkew.publish(event);
  }

  keyEvent(event: KeyEvent): void {
    const k = this.#key;
    k.kid = event.kid;
    if (event.event === 'changed') k.changes++;
    else if (event.event === 'load-failed') k.loadFailures++;
    else if (event.event === 'refused') k.refusals++;
    else if (event.event === 'reverted') k.reverts++;
    if (channels.key.hasSubscribers) channels.key.publish(event);
  }

  /** A copy of the counters. */
  snapshot(): MetricsSnapshot {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const pct = (p: number): number =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    const r = this.#requests;
    return {
      token: {
        fetches: this.#token.fetches,
        fetchErrors: this.#token.fetchErrors,
        requests: this.#token.requests,
        latencyMs: {
          count: this.#token.count,
          sum: this.#token.sum,
          max: this.#token.max,
          p50: pct(0.5),
          p95: pct(0.95),
        },
        cache: { ...this.#cache },
        paced: { ...this.#paced },
      },
      requests: {
        total: r.total,
        byClass: { '2xx': r.c2, '3xx': r.c3, '4xx': r.c4, '5xx': r.c5, failed: r.failed },
        byStatus: Object.fromEntries([...this.#byStatus].map(([k, v]) => [String(k), v])),
        byOperation: Object.fromEntries(this.#byOperation),
      },
      clock: { ...this.#clock },
      retries: { total: this.#retries, byReason: Object.fromEntries(this.#retryReasons) },
      breaker: { ...this.#breakers.api, token: { ...this.#breakers.token } },
      key: { ...this.#key },
    };
  }
}
