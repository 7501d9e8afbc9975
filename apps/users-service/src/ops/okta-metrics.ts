/**
 * Prometheus metrics of the Okta client, fed from the library's diagnostics channels (`CHANNELS`): token fetch
 * latency, token cache lookups, upstream responses by class and status, retries, breaker state, DPoP nonce
 * rounds and client key changes, plus the rate-limit headroom the transport last saw and the token store's state
 * (shared or degraded). Subscribing is the library's documented way to
 * observe it; nothing here reaches into its internals. The channels are process-wide, so one subscription
 * serves one client per process (the service's rule).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  CHANNELS,
  type BreakerEvent,
  type KeyEvent,
  type KeyStatus,
  type RequestEvent,
  type RetryEvent,
  type TokenCacheEvent,
  type TokenFetchEvent,
} from 'okta-m2m';

/** Numeric value of each breaker state in `okta_breaker_state`. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** What the metrics read on each scrape. */
export interface OktaMetricsSource {
  /** The rate-limit headers of the latest Okta response that carried them. */
  rateLimit(): { limit: number | undefined; remaining: number | undefined } | undefined;
  /** The breaker's current state. */
  breakerState(): keyof typeof BREAKER_STATE_VALUE;
  /** Where tokens are kept: in this process only, shared through Redis, or per replica while Redis is away. */
  tokenStore?: (() => 'in-process' | 'shared' | 'degraded') | undefined;
  /** The client key's state (kid, usable). */
  keyStatus(): KeyStatus;
}

/** A running subscription; `stop()` unsubscribes. */
export interface OktaMetrics {
  stop(): void;
}

/**
 * Register the Okta metrics on `registry` and subscribe to the library's channels.
 * @example
 * const metrics = registerOktaMetrics(registry, { rateLimit: () => undefined, breakerState: () => 'closed' });
 * metrics.stop();
 */
export function registerOktaMetrics(registry: Registry, source: OktaMetricsSource): OktaMetrics {
  const registers = [registry];
  const tokenFetch = new Histogram({
    name: 'okta_token_fetch_duration_seconds',
    help: 'Time to get an access token from Okta (all requests of one fetch, DPoP nonce rounds included).',
    labelNames: ['outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const tokenCache = new Counter({
    name: 'okta_token_cache_total',
    help: 'Token lookups by result: hit, miss, refresh-ahead.',
    labelNames: ['result'],
    registers,
  });
  const responses = new Counter({
    name: 'okta_upstream_responses_total',
    help: 'HTTP attempts to Okta by operation, class (2xx..5xx, or timeout/network) and status.',
    labelNames: ['operation', 'class', 'status'],
    registers,
  });
  const retries = new Counter({
    name: 'okta_upstream_retries_total',
    help: 'Retries of calls to Okta by operation and reason.',
    labelNames: ['operation', 'reason'],
    registers,
  });
  const transitions = new Counter({
    name: 'okta_breaker_transitions_total',
    help: 'Circuit-breaker state changes by the state entered.',
    labelNames: ['to'],
    registers,
  });
  const nonceRounds = new Counter({
    name: 'okta_dpop_nonce_rounds_total',
    help: 'Extra token requests made because Okta demanded a (new) DPoP nonce.',
    registers,
  });
  const keyEvents = new Counter({
    name: 'okta_client_key_events_total',
    help: 'Client key events: changed (a new key from the source), load-failed (a change that could not be loaded), refused (by Okta), reverted (back to the previous key).',
    labelNames: ['event'],
    registers,
  });
  const keyChanges = new Counter({
    name: 'okta_client_key_changes_total',
    help: 'Client key changes, by the kid changed to.',
    labelNames: ['kid'],
    registers,
  });
  new Gauge({
    name: 'okta_client_key_info',
    help: 'The client key in use: 1 for its kid, with usable="false" while Okta refuses it or none could be loaded.',
    labelNames: ['kid', 'usable'],
    registers,
    collect() {
      this.reset();
      const status = source.keyStatus();
      if (status.kid !== undefined) this.set({ kid: status.kid, usable: String(status.usable) }, 1);
    },
  });
  new Gauge({
    name: 'okta_breaker_state',
    help: 'Circuit breaker: 0 closed, 1 half-open, 2 open.',
    registers,
    collect() {
      this.set(BREAKER_STATE_VALUE[source.breakerState()]);
    },
  });
  new Gauge({
    name: 'okta_token_store_state',
    help: 'Token store: 1 for the current state (in-process: no REDIS_URL; shared: Redis; degraded: Redis away).',
    labelNames: ['state'],
    registers,
    collect() {
      const current = source.tokenStore?.() ?? 'in-process';
      for (const state of ['in-process', 'shared', 'degraded'])
        this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'okta_rate_limit_remaining',
    help: 'X-Rate-Limit-Remaining of the latest Okta response that carried it.',
    registers,
    collect() {
      const remaining = source.rateLimit()?.remaining;
      if (remaining !== undefined) this.set(remaining);
    },
  });
  new Gauge({
    name: 'okta_rate_limit_limit',
    help: 'X-Rate-Limit-Limit of the latest Okta response that carried it.',
    registers,
    collect() {
      const limit = source.rateLimit()?.limit;
      if (limit !== undefined) this.set(limit);
    },
  });

  const handlers: [string, (message: unknown) => void][] = [
    [
      CHANNELS.tokenFetch,
      (m) => {
        const e = m as TokenFetchEvent;
        tokenFetch.observe({ outcome: e.outcome }, e.durationMs / 1000);
        if (e.requests > 1) nonceRounds.inc(e.requests - 1);
      },
    ],
    [CHANNELS.tokenCache, (m) => tokenCache.inc({ result: (m as TokenCacheEvent).result })],
    [
      CHANNELS.request,
      (m) => {
        const e = m as RequestEvent;
        const status = e.status === undefined ? '' : String(e.status);
        const cls = e.status === undefined ? (e.failure ?? 'network') : `${Math.floor(e.status / 100)}xx`;
        responses.inc({ operation: e.operation, class: cls, status });
      },
    ],
    [
      CHANNELS.retry,
      (m) => {
        const e = m as RetryEvent;
        retries.inc({ operation: e.operation, reason: e.reason });
      },
    ],
    [CHANNELS.breaker, (m) => transitions.inc({ to: (m as BreakerEvent).to })],
    [
      CHANNELS.key,
      (m) => {
        const e = m as KeyEvent;
        if (e.event === 'loaded') return;
        keyEvents.inc({ event: e.event });
        if (e.event === 'changed' && e.kid !== undefined) keyChanges.inc({ kid: e.kid });
      },
    ],
  ];
  for (const [name, handler] of handlers) subscribe(name, handler);
  return {
    stop: () => {
      for (const [name, handler] of handlers) unsubscribe(name, handler);
    },
  };
}
